/**
 * A lesson played on the lab: the same runs, commands and measurements as the app's free play, so a class in
 * the app and `failover-lab lesson play` headless score the same answers against the same figures. A step
 * starts a run (its scenario, the choices its tasks offer written into the file) or goes on with the last one;
 * time holds at each task until the participant does it and at the step's pause, where its questions are
 * revealed against the run's metrics there. Answers lock at the reveal.
 */
import { parseDocument, stringify } from "yaml";
import type { Metrics } from "../report/expectations";
import { patchScenarioText } from "../scenario/edit/patch";
import { parseScenario } from "../scenario/load";
import type { Fault, FaultSpec } from "../scenario/schema";
import { parseLesson } from "../lesson/load";
import { explain, judge, type Answer, type Verdict } from "../lesson/scoring";
import type { Lesson, LessonStep, LessonTask } from "../lesson/schema";
import { describeFault } from "../scenario/describeFault";
import type { Lab } from "./lab";
import type { Run } from "./run";
import type { ScenarioProblemView } from "./contract";
import type { ScenarioLibrary } from "./scenarioLibrary";

/** The lesson library: the same port as the scenario library's, which the host fills from `lessons/`. */
export type LessonLibrary = ScenarioLibrary;

/** A question once revealed: what was answered, what the run says, and the explanation with the run's figures. */
export interface Revealed {
  readonly answer: Answer | undefined;
  readonly verdict: Verdict;
  readonly explanation: string;
}

export class LessonSession {
  stepIndex = 0;
  /** This step's choices, by field: each `choose` task's first option until the participant picks another. */
  readonly choices = new Map<string, string | number>();
  /** This step's inject tasks done, by index in its tasks. */
  readonly done = new Set<number>();
  /** Answers and reveals by `stepId/questionId`. */
  readonly answers = new Map<string, Answer>();
  readonly revealed = new Map<string, Revealed>();
  readonly revealedSteps = new Set<string>();
  /** Where the current step began on its run, ms: its task times and pause are from the run's start, and an event pause counts from here. */
  startedAtMs = 0;

  constructor(
    readonly lesson: Lesson,
    readonly fileName: string,
  ) {}

  get step(): LessonStep {
    return this.lesson.steps[this.stepIndex]!;
  }
}

export const questionKey = (step: LessonStep, questionId: string): string => `${step.id}/${questionId}`;

/** Reads a lesson of the library, or says why it cannot, each problem at its line and field. */
export function readLesson(library: LessonLibrary | undefined, name: string): { ok: true; lesson: Lesson } | { ok: false; problems: ScenarioProblemView[] } {
  if (!library) return { ok: false, problems: [{ file: name, line: 1, column: 1, field: "", message: "this host offers no lesson library" }] };
  let text: string;
  try {
    text = library.read(name);
  } catch (error) {
    return { ok: false, problems: [{ file: name, line: 1, column: 1, field: "", message: `cannot read the file: ${(error as Error).message}` }] };
  }
  const parsed = parseLesson(text, name);
  return parsed.ok ? { ok: true, lesson: parsed.value } : parsed;
}

/** Opens the lesson at its first step; the run loaded before is replaced by the step's. */
export async function openLesson(lab: Lab, lesson: Lesson, fileName: string): Promise<void> {
  const session = new LessonSession(lesson, fileName);
  await startStep(lab, session);
  lab.lesson = session;
}

/** The step's run: a new one when it names a scenario, with its choices written into the file; else the last step's, going on. */
async function startStep(lab: Lab, session: LessonSession): Promise<void> {
  const step = session.step;
  session.done.clear();
  session.choices.clear();
  for (const task of step.tasks) if (task.task === "choose") session.choices.set(task.field, task.options[0]!);
  if (step.scenario !== undefined || step.inline_scenario !== undefined) await lab.replaceRun(stepRun(lab, session));
  const run = lab.requireRun();
  session.startedAtMs = run.clock.now();
  // The last step's pause, and any transition it saw, are not this step's.
  run.holds.clear();
  const pause = step.pause;
  if (pause && "on" in pause) run.holds.watchFor({ ...pause.on, afterMs: pause.after_s * 1000 });
  holdTime(session, run);
}

function stepRun(lab: Lab, session: LessonSession): Run {
  const step = session.step;
  const fileName = step.scenario ?? `${session.fileName.replace(/\.ya?ml$/, "")}-${step.id}.yaml`;
  let text: string;
  if (step.scenario !== undefined) {
    try {
      text = lab.options.scenarios.read(step.scenario);
    } catch (error) {
      throw new Error(`step "${step.id}" names ${step.scenario}, which cannot be read: ${(error as Error).message}`);
    }
  } else text = stringify(step.inline_scenario);
  if (session.choices.size > 0) text = withChoices(text, session.choices);
  const parsed = parseScenario(text, fileName);
  if (!parsed.ok) throw new Error(`step "${step.id}": ${fileName} ${session.choices.size > 0 ? "with the choices made " : ""}does not validate: ${parsed.problems.map((p) => `${p.field || "file"}: ${p.message}`).join("; ")}`);
  return lab.newRun(parsed.scenario, text, fileName);
}

/** The scenario's text with each chosen value written in, comments and order kept, as the editor writes a field. */
function withChoices(text: string, choices: ReadonlyMap<string, string | number>): string {
  const draft = parseDocument(text).toJS() as Record<string, unknown>;
  for (const [field, value] of choices) {
    const keys = field.split(".");
    let node = draft;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  return patchScenarioText(text, draft);
}

/**
 * Each `choose` option that does not make a valid scenario of its step, with why: a lesson check plays the first
 * options only, so the others are checked here, before a class picks them.
 */
export function choiceProblems(lesson: Lesson, scenarios: ScenarioLibrary): string[] {
  return lesson.steps.flatMap((step, i) =>
    step.tasks.flatMap((task) => {
      if (task.task !== "choose") return [];
      const text = step.scenario !== undefined ? scenarios.read(step.scenario) : stringify(step.inline_scenario);
      return task.options.flatMap((option) => {
        const parsed = parseScenario(withChoices(text, new Map([[task.field, option]])), step.scenario ?? step.id);
        return parsed.ok ? [] : [`steps[${i}] (${step.id}): choosing ${task.field} = ${option}: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`];
      });
    }),
  );
}

/** The undone inject tasks of this step, earliest first, with their index. */
function pendingTasks(session: LessonSession): { index: number; task: Extract<LessonTask, { task: "inject" }> }[] {
  return session.step.tasks
    .flatMap((task, index) => (task.task === "inject" && !session.done.has(index) ? [{ index, task }] : []))
    .sort((a, b) => a.task.fault.at_s - b.task.fault.at_s);
}

/** Holds the run at the next undone task, else at the step's pause; a step whose questions are revealed holds nowhere. */
function holdTime(session: LessonSession, run: Run): void {
  if (session.revealedSteps.has(session.step.id)) return run.holds.clear();
  const task = pendingTasks(session)[0];
  const taskMs = task ? task.task.fault.at_s * 1000 : Number.POSITIVE_INFINITY;
  const reason = task && taskMs <= pauseMs(session, run) ? `the lesson waits for you to ${taskInstruction(task.task)}` : "the lesson pauses here for its questions: answer them, then reveal";
  // A pause on a transition is the watch's to hold (startStep set it); a pause at a time is held here.
  const pause = session.step.pause;
  run.holds.set(reason, Math.min(taskMs, pause && "at_s" in pause ? pause.at_s * 1000 : Number.POSITIVE_INFINITY));
}

export function taskInstruction(task: LessonTask): string {
  if (task.instruction) return task.instruction;
  return task.task === "inject" ? `inject ${describeFault(task.fault)} at ${task.fault.at_s} s` : `choose ${task.field}: ${task.options.join(" or ")}`;
}

/** Where the step's pause falls on its run, ms: its time, or its transition's plus the wait once the run has seen it; infinite while unknown. */
function pauseMs(session: LessonSession, run: Run): number {
  const pause = session.step.pause;
  if (!pause) return Number.POSITIVE_INFINITY;
  if ("at_s" in pause) return pause.at_s * 1000;
  const seen = run.holds.transitionAt;
  return seen === null ? Number.POSITIVE_INFINITY : seen + pause.after_s * 1000;
}

/** Whether the step's run stands at its pause: there, or at the run's end when the pause never comes. */
export function atPause(session: LessonSession, run: Run): boolean {
  return run.status === "finished" || run.clock.now() >= pauseMs(session, run);
}

/** The task due now, the one time holds for, if any. */
function dueTask(session: LessonSession, run: Run) {
  const task = pendingTasks(session)[0];
  return task && task.task.fault.at_s * 1000 <= run.clock.now() ? task : undefined;
}

/** The fields that say what a fault strikes: a task is done by a fault of its kind on its target, whatever else the menu set. */
const TARGET_FIELDS = ["region", "provider", "model", "from", "to", "population"] as const;

/**
 * A fault injected by the participant while a lesson runs: only the task due now, as the lesson wrote it (its
 * parameters and heal included), so the run is the one the lesson was written for; anything else is locked.
 */
export function lessonInject(session: LessonSession, run: Run, spec: FaultSpec): string {
  const due = dueTask(session, run);
  if (!due) {
    const next = pendingTasks(session)[0];
    throw new Error(`the lesson locks the fault menu: ${next ? `its next task is to ${taskInstruction(next.task)}` : "this step has no fault to inject"}`);
  }
  const wanted = due.task.fault as Record<string, unknown>;
  const given = spec as Record<string, unknown>;
  if (spec.kind !== due.task.fault.kind || TARGET_FIELDS.some((f) => wanted[f] !== given[f])) throw new Error(`the lesson asks you to ${taskInstruction(due.task)}, not ${describeFault(spec as Fault)}`);
  return doTask(session, run, due.index);
}

/** Does the task due now for the participant ("do it for me"), as the headless player does every task. */
export function doDueTask(session: LessonSession, run: Run): string {
  const due = dueTask(session, run);
  if (!due) throw new Error("no task of this lesson step is due now");
  return doTask(session, run, due.index);
}

function doTask(session: LessonSession, run: Run, index: number): string {
  const task = session.step.tasks[index] as Extract<LessonTask, { task: "inject" }>;
  const faultId = run.injectByHand({ ...task.fault, at_s: run.clock.now() / 1000 } as Fault);
  session.done.add(index);
  holdTime(session, run);
  return faultId;
}

/** A choice of this step's `choose` task: the step's run starts again with it, which only makes sense before time moved. */
export async function choose(lab: Lab, session: LessonSession, field: string, value: string | number): Promise<void> {
  const task = session.step.tasks.find((t) => t.task === "choose" && t.field === field);
  if (!task || task.task !== "choose") throw new Error(`this step offers no choice of ${field}`);
  if (!task.options.includes(value)) throw new Error(`${field} is one of ${task.options.join(", ")} in this step, not ${value}`);
  if (lab.requireRun().clock.now() > session.startedAtMs) throw new Error("the run has started: choices are made before it does (reset the step to choose again)");
  session.choices.set(field, value);
  await lab.replaceRun(stepRun(lab, session));
  holdTime(session, lab.requireRun());
}

export function answer(session: LessonSession, questionId: string, value: Answer): void {
  const question = session.step.questions.find((q) => q.id === questionId);
  if (!question) throw new Error(`this step has no question "${questionId}"`);
  if (session.revealedSteps.has(session.step.id)) throw new Error("the answers are locked: this step is revealed");
  if (question.kind === "choice" && (!Number.isInteger(value) || value < 0 || value >= question.options.length)) throw new Error(`answer with an option, 1 to ${question.options.length}`);
  if (!Number.isFinite(value)) throw new Error("answer with a number");
  session.answers.set(questionKey(session.step, questionId), value);
}

/** The step's questions judged against the run as it stands at the pause; answers lock, and time may go on. */
export function reveal(session: LessonSession, run: Run): void {
  const step = session.step;
  if (session.revealedSteps.has(step.id)) throw new Error("this step is revealed already");
  if (!atPause(session, run)) throw new Error(`the reveal comes at the step's pause: ${run.holds.reason || "play on to it"}`);
  // The audit stores read up to now, as a snapshot reads them: the residency and audit figures come from them.
  run.audit.catchUp();
  const metrics: Metrics = run.measure().metrics;
  for (const q of step.questions) {
    const key = questionKey(step, q.id);
    const given = session.answers.get(key);
    session.revealed.set(key, { answer: given, verdict: judge(q, metrics, given), explanation: explain(q, metrics) });
  }
  session.revealedSteps.add(step.id);
  holdTime(session, run);
}

/** On to the next step, once this one's questions are revealed (a step without questions, once at its pause). */
export async function nextStep(lab: Lab, session: LessonSession): Promise<void> {
  const run = lab.requireRun();
  const step = session.step;
  if (!session.revealedSteps.has(step.id)) {
    if (step.questions.length > 0) throw new Error("reveal this step's answers first");
    if (!atPause(session, run)) throw new Error(`this step is not over: ${run.holds.reason || "play on to its pause"}`);
    session.revealedSteps.add(step.id);
  }
  if (session.stepIndex + 1 >= session.lesson.steps.length) throw new Error("this is the lesson's last step");
  session.stepIndex++;
  await startStep(lab, session);
}
