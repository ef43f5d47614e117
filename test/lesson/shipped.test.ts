/** The lessons shipped in lessons/: each parses, names scenarios of the library, and together they make the two-hour workshop. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { lessonJsonSchemaText } from "../../engine";
import { LabController } from "../../engine/lab/controller";
import { playLesson } from "../../engine/lab/lessonPlayer";
import { lessonSchema, type Lesson } from "../../engine/lesson/schema";
import { scenarioFolder } from "../../host/scenarioLibrary";

const root = join(import.meta.dirname, "..", "..");
const lessonsDir = join(root, "lessons");
const scenariosDir = join(root, "scenarios");
const files = readdirSync(lessonsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

function load(file: string): Lesson {
  const doc = parseDocument(readFileSync(join(lessonsDir, file), "utf8"));
  expect(doc.errors.map((e) => e.message), `${file}: YAML errors`).toEqual([]);
  const result = lessonSchema.safeParse(doc.toJS());
  if (!result.success) expect.fail(`${file} is not a lesson:\n${result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  return result.data;
}

const scenariosOf = (lesson: Lesson) => lesson.steps.flatMap((s) => (s.scenario === undefined ? [] : [s.scenario]));

/** The seed article's five failure modes and its residency choice, each with the library scenarios that teach it. */
const FAILURE_MODES: Record<string, readonly string[]> = {
  "full-region outage": ["eu-region-outage.yaml"],
  "partial model outage": ["partial-model-outage.yaml"],
  "cross-region latency": ["cross-region-latency.yaml"],
  "audit destination unreachable": ["audit-partition-central.yaml", "audit-partition-per-region.yaml"],
  "identity provider unreachable": ["idp-partition-cached.yaml", "idp-partition-fail-closed.yaml", "idp-key-rotation.yaml"],
  "residency: reject": ["eu-outage-reject.yaml"],
  "residency: cross-border with consent": ["eu-outage-consent.yaml"],
};

describe("shipped lessons", () => {
  it.each(files)("%s parses as a lesson (revision 1) whose metrics and conditions are the engine's", (file) => {
    const lesson = load(file);
    expect(lesson.steps.length, file).toBeGreaterThanOrEqual(2);
    expect(lesson.steps.length, file).toBeLessThanOrEqual(4);
    for (const step of lesson.steps) expect(step.questions.length, `${file}: step ${step.id}`).toBeGreaterThanOrEqual(1);
  });

  it.each(files)("%s names scenarios that exist in scenarios/ and points editors at the lesson schema", (file) => {
    expect(readFileSync(join(lessonsDir, file), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=./lesson.schema.json");
    for (const scenario of scenariosOf(load(file))) expect(existsSync(join(scenariosDir, scenario)), `${file}: ${scenario}`).toBe(true);
  });

  it("make a workshop of at least six lessons that fits in two hours", () => {
    const lessons = files.map(load);
    expect(lessons.length).toBeGreaterThanOrEqual(6);
    expect(lessons.reduce((sum, l) => sum + l.duration_min, 0)).toBeLessThanOrEqual(120);
  });

  it("cover every failure mode of the seed article and both sides of the residency choice", () => {
    const used = new Set(files.map(load).flatMap(scenariosOf));
    const missing = Object.entries(FAILURE_MODES)
      .filter(([, scenarios]) => !scenarios.some((s) => used.has(s)))
      .map(([mode]) => mode);
    expect(missing).toEqual([]);
  });

  it("ship a JSON Schema identical to the one generated from the zod schema (run `npm run schema` after changing it)", () => {
    expect(readFileSync(join(lessonsDir, "lesson.schema.json"), "utf8")).toBe(lessonJsonSchemaText());
  });
});

/**
 * Each shipped lesson played headless twice through the lab's commands: unanswered, every question has an answer
 * on its run (never the lesson's defect); then with every other question answered right (the run's own figure, or
 * its right option) and the rest wrong (outside the tolerance, or another option), each scored as given.
 */
describe("shipped lessons, played", () => {
  it.each(files)("%s scores right answers right and wrong answers wrong", async (file) => {
    const lab = new LabController({ scenarios: scenarioFolder(scenariosDir), lessons: scenarioFolder(lessonsDir), wallNow: () => 0, waitWallMs: async () => undefined });
    try {
      const unanswered = await playLesson(lab, file, {});
      expect(unanswered.questions.filter((q) => q.correct === null).map((q) => `${q.question}: ${q.rightAnswer}`)).toEqual([]);
      const lesson = load(file);
      const answers: Record<string, number> = {};
      unanswered.questions.forEach((q, i) => {
        const question = lesson.steps.find((s) => s.id === q.step)!.questions.find((x) => x.id === q.question)!;
        const truth = q.runAnswer!;
        const right = i % 2 === 0;
        answers[`${q.step}/${q.question}`] = question.kind === "choice" ? (right ? truth : (truth + 1) % question.options.length) : right ? truth : truth + question.tolerance + 1;
      });
      const scored = await playLesson(lab, file, { answers });
      expect(scored.questions.map((q) => q.correct)).toEqual(unanswered.questions.map((_, i) => i % 2 === 0));
      expect(scored.questions.map((q) => q.runAnswer)).toEqual(unanswered.questions.map((q) => q.runAnswer));
    } finally {
      await lab.close();
    }
  }, 180_000);
});
