/**
 * The lesson format, revision 1: a trainer's workshop step by step, as Packet Tracer's Activity Wizard has it.
 * A step runs a scenario (a library file, inline, or the previous step's run continued) to a pause, with the
 * participant's tasks on the way, and asks its questions before it reveals their answers. An answer is never a
 * number typed into the lesson: a numeric question names a metric the engine measures and is scored against
 * that run's value; a choice is right when its condition holds on that run. What the lesson does not teach is
 * locked: the participant changes only what a `choose` task offers and injects only the faults its tasks name.
 */
import { z } from "zod";
import { EXPECTATION_PATTERN, faultSchema, METRICS, scenarioSchema } from "../scenario/schema";

export const LESSON_REVISION = 1;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes (e.g. detect-outage)");
const text = (max: number) => z.string().trim().min(1).max(max);
/** A library scenario by file name: lessons name scenarios as the app's library does, never by a path. */
const libraryFile = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.ya?ml$/, "must be a scenario file name of the library, e.g. eu-region-outage.yaml");
/** `<metric> <op> <number>`, as a scenario's expectations read. */
const condition = z.string().regex(EXPECTATION_PATTERN, `must read "<metric> <op> <number>", metric one of: ${METRICS.join(", ")}`);
/** `{metric}` in a reveal's explanation: replaced by the figure the run measured. */
const PLACEHOLDER = /\{([a-z_0-9]+)\}/g;

/** Fields a `choose` task may offer: the design decisions the lessons teach, each a choice the scenario schema bounds. */
const CHOOSABLE_FIELDS = ["policy.outage_choice", "policy.residency_scope", "director.mode", "director.layout", "director.ttl_s", "audit.pattern", "audit.on_unreachable", "identity.on_unreachable", "gateway.max_attempts"] as const;

const task = z.discriminatedUnion("task", [
  z.strictObject({
    task: z.literal("inject"),
    fault: faultSchema.describe("The fault the participant injects from the graph's menu, at its at_s; the time pauses there until they do"),
    instruction: text(400).optional().describe("What to do, in the participant's words; said from the fault when absent"),
  }),
  z.strictObject({
    task: z.literal("choose"),
    field: z.enum(CHOOSABLE_FIELDS),
    options: z.array(z.union([z.string().min(1).max(80), z.number()])).min(2).max(6),
    instruction: text(400).optional(),
  }),
]);

const stateMachine = z.enum(["circuit", "target-health", "gateway", "director", "audit", "identity", "identity-provider"]);

const pause = z.union([
  z.strictObject({ at_s: z.number().min(0).max(7 * 86_400).describe("Virtual seconds since the run started") }),
  z
    .strictObject({
      on: z.strictObject({
        machine: stateMachine,
        to: z.string().min(1).max(60).describe("The state entered, as the timeline names it in camelCase, e.g. regionsWithdrawn"),
        subject: z.string().min(1).max(200).optional().describe("Only this machine's transitions, e.g. a region"),
      }),
      after_s: z.number().min(0).max(3_600).default(0).describe("How long after the transition to pause, so its effect shows"),
    })
    .describe("The first such transition after the step starts; the run's end if it never comes"),
]);

const explanation = text(2_000).superRefine((value, ctx) => {
  for (const [, name] of value.matchAll(PLACEHOLDER))
    if (!(METRICS as readonly string[]).includes(name!)) ctx.addIssue({ code: "custom", message: `{${name}} is not a metric; one of: ${METRICS.join(", ")}` });
});

const questionBase = {
  id,
  prompt: text(1_000),
  hints: z.array(text(400)).max(5).default([]),
  explain: explanation.describe("Shown at the reveal; {metric} is replaced by what this run measured"),
};

const question = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("number"),
    ...questionBase,
    measure: z.enum(METRICS).describe("The metric the answer is scored against, as this run measured it at the pause"),
    tolerance: z.number().min(0).describe("How far off, in the metric's unit, an answer may be and still count"),
    unit: z.string().max(20).default(""),
  }),
  z.strictObject({
    kind: z.literal("choice"),
    ...questionBase,
    options: z
      .array(z.strictObject({ text: text(200), when: condition.describe("The option is right when this holds on the run at the pause") }))
      .min(2)
      .max(6),
  }),
]);

const step = z.strictObject({
  id,
  title: text(120),
  narrative: text(8_000).describe("Markdown: what the step is about and what to watch"),
  scenario: libraryFile.optional().describe("A scenario of the library; without it (and without inline_scenario) the previous step's run goes on"),
  inline_scenario: scenarioSchema.optional(),
  tasks: z.array(task).max(10).default([]),
  pause: pause.optional().describe("Where time stops for the questions; the run's end when absent"),
  questions: z.array(question).max(10).default([]),
});

export const lessonSchema = z
  .strictObject({
    revision: z.literal(LESSON_REVISION).describe("Format revision of this file"),
    title: text(120),
    summary: text(2_000).optional(),
    goals: z.array(text(300)).min(1).max(10),
    duration_min: z.int().min(1).max(240).describe("Minutes the lesson takes in a workshop"),
    steps: z.array(step).min(1).max(30),
  })
  .superRefine((lesson, ctx) => {
    const steps = new Set<string>();
    lesson.steps.forEach((s, i) => {
      if (steps.has(s.id)) ctx.addIssue({ code: "custom", path: ["steps", i, "id"], message: `duplicate step "${s.id}"` });
      steps.add(s.id);
      if (s.scenario !== undefined && s.inline_scenario !== undefined)
        ctx.addIssue({ code: "custom", path: ["steps", i, "inline_scenario"], message: "a step runs one scenario: give scenario or inline_scenario, not both" });
      if (i === 0 && s.scenario === undefined && s.inline_scenario === undefined)
        ctx.addIssue({ code: "custom", path: ["steps", 0], message: "the first step needs a scenario (or inline_scenario): there is no run before it to go on with" });
      const questions = new Set<string>();
      s.questions.forEach((q, j) => {
        if (questions.has(q.id)) ctx.addIssue({ code: "custom", path: ["steps", i, "questions", j, "id"], message: `duplicate question "${q.id}" in step "${s.id}"` });
        questions.add(q.id);
      });
      const chosen = new Set<string>();
      const ownRun = i === 0 || s.scenario !== undefined || s.inline_scenario !== undefined;
      s.tasks.forEach((t, j) => {
        if (t.task !== "choose") return;
        if (!ownRun) ctx.addIssue({ code: "custom", path: ["steps", i, "tasks", j], message: "a choice is made before a run starts: give this step a scenario, or move the choice to the step that starts the run" });
        if (chosen.has(t.field)) ctx.addIssue({ code: "custom", path: ["steps", i, "tasks", j, "field"], message: `${t.field} is already chosen in this step` });
        chosen.add(t.field);
      });
    });
  });

export type Lesson = z.infer<typeof lessonSchema>;
export type LessonStep = Lesson["steps"][number];
export type LessonTask = LessonStep["tasks"][number];
export type LessonQuestion = LessonStep["questions"][number];
export type LessonPause = NonNullable<LessonStep["pause"]>;

/** The metrics an explanation quotes, in order of appearance. */
export function quotedMetrics(explain: string): string[] {
  return [...explain.matchAll(PLACEHOLDER)].map(([, name]) => name!);
}
