/**
 * `failover-lab lesson <check|play|merge>`: a trainer's lessons outside the app.
 *
 *   lesson check LESSON.yaml…                 validates each lesson and plays it headless: every scenario it names
 *                                             exists, every choice's option makes a valid scenario, every question
 *                                             has an answer on the run (exit 1 when one has not, 2 when a file is invalid)
 *   lesson play LESSON.yaml [--answers FILE]  plays it with a participant's choices and predictions and prints the
 *               [--json] [--html FILE]        scorecard (FILE: {"choices": {step: {field: value}}, "answers": {"step/question": n}})
 *   lesson merge CARD.json… [--json] [--html FILE]
 *                                             a class's scorecards as one summary, the most-missed questions first
 *
 * Lessons name scenarios of the library (`--scenarios DIR`, the project's scenarios/ by default).
 */
import { writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  classSummary,
  classSummaryHtml,
  describeCost,
  estimateRun,
  estimateRuns,
  formatProblems,
  loadScenarioFile,
  MAX_REQUESTS_PER_RUN,
  parseLesson,
  refusalOf,
  ScenarioError,
  scorecardHtml,
  scorecardSchema,
  type Lesson,
  type RunCost,
  type Scorecard,
} from "../engine";
import { LabController } from "../engine/lab/controller";
import { choiceProblems } from "../engine/lab/lesson";
import { playLesson, type LessonAnswers } from "../engine/lab/lessonPlayer";
import { scenarioFolder } from "../host/scenarioLibrary";
import { EXIT_FAILED, EXIT_INVALID_INPUT, EXIT_OK, helpRequested, readCommandLine, readText, runIfScript, UsageError } from "./args";
import { startProgress, type Progress } from "./progress";

const USAGE =
  "usage: failover-lab lesson check LESSON.yaml… | lesson play LESSON.yaml [--answers FILE] [--json] [--html FILE] | lesson merge CARD.json… [--json] [--html FILE]   [--scenarios DIR] [--allow-large]";
const SCENARIOS_OPTION = `  --scenarios DIR   the scenario library the lessons name (default: the project's scenarios/)
  --allow-large     plays a step whose scenario is expected to send over ${MAX_REQUESTS_PER_RUN.toLocaleString("en-US")} requests, refused without it`;
const OUTPUT_OPTIONS = `  --json            prints it as JSON instead of text; nothing else goes to stdout
  --html FILE       also writes it as a self-contained HTML page`;
const HELP = {
  lesson: `${USAGE}

A trainer's lessons outside the app:
  check   validate each lesson and play it headless: every question must have an answer on its run
  play    play one lesson with a participant's choices and predictions, and print the scorecard
  merge   a class's scorecards as one summary, the most-missed questions first

failover-lab lesson <check|play|merge> --help describes each.

exit codes: 0 ok; 1 a lesson check failed; 2 invalid input (arguments, files), nothing ran; 3 internal error`,
  check: `usage: failover-lab lesson check LESSON.yaml… [--scenarios DIR]

Validates each lesson and plays it headless: every scenario it names exists, every choice's option makes a
valid scenario, and every question has an answer on the run. Prints ok or FAIL per lesson.

${SCENARIOS_OPTION}

exit codes: 0 every lesson is sound; 1 a lesson failed its check; 2 an invalid or unreadable lesson,
nothing ran; 3 internal error`,
  play: `usage: failover-lab lesson play LESSON.yaml [--answers FILE] [--json] [--html FILE] [--scenarios DIR]

Plays a lesson headless with a participant's choices and predictions and prints the scorecard.

  --answers FILE    the participant's JSON: {"choices": {step: {field: value}}, "answers": {"step/question": n}};
                    without it, no choice is made and no question answered
${OUTPUT_OPTIONS}
${SCENARIOS_OPTION}

exit codes: 0 played; 2 invalid input (arguments, lesson, answers file), nothing ran; 3 internal error`,
  merge: `usage: failover-lab lesson merge CARD.json… [--json] [--html FILE]

Merges a class's scorecards (lesson play --json) into one summary, the questions most people missed first.

${OUTPUT_OPTIONS}

exit codes: 0 merged; 2 a file that is not a scorecard (named), nothing merged; 3 internal error`,
};
const DEFAULT_SCENARIOS = join(import.meta.dirname, "..", "scenarios");

export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  if (helpRequested(argv, HELP[command === "check" || command === "play" || command === "merge" ? command : "lesson"])) return EXIT_OK;
  const options = readCommandLine(() => parseCommandLine(argv), USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  if (options.command === "merge") return merge(options.files, options);
  let failed = false;
  for (const file of options.files) {
    const lesson = readLesson(file, options.scenarios);
    if (!lesson || !withinBound(file, lesson, options)) return EXIT_INVALID_INPUT;
    if (options.command === "check") failed = !(await check(file, lesson, options.scenarios)) || failed;
    else {
      const answers = options.answers === undefined ? {} : readAnswers(options.answers);
      if (!answers) return EXIT_INVALID_INPUT;
      const card = await play(file, options.scenarios, answers);
      if (options.html) writeOut(options.html, scorecardHtml(card));
      process.stdout.write(options.json ? `${JSON.stringify(card, null, 2)}\n` : formatScorecard(card));
    }
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

function parseCommandLine(argv: readonly string[]) {
  const [command, ...rest] = argv;
  if (command !== "check" && command !== "play" && command !== "merge") throw new UsageError(command === undefined ? "missing lesson command" : `unknown lesson command "${command}"`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      answers: { type: "string" },
      json: { type: "boolean", default: false },
      html: { type: "string" },
      scenarios: { type: "string" },
      "allow-large": { type: "boolean", default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError(`lesson ${command} needs at least one file`);
  if (command === "play" && positionals.length !== 1) throw new UsageError("lesson play takes one lesson file");
  if (command !== "play" && values.answers !== undefined) throw new UsageError("--answers is for lesson play");
  return { command, files: positionals.map((f) => resolve(f)), answers: values.answers && resolve(values.answers), json: values.json, html: values.html && resolve(values.html), scenarios: resolve(values.scenarios ?? DEFAULT_SCENARIOS), allowLarge: values["allow-large"] } as const;
}

/** The lesson, with every scenario it names found in the library; else undefined, the problems printed by line and field. */
function readLesson(file: string, scenarios: string): Lesson | undefined {
  const text = readText(file, "lesson");
  if (text === undefined) return undefined;
  const parsed = parseLesson(text, file);
  if (!parsed.ok) {
    process.stderr.write(`Invalid lesson; nothing ran.\n${formatProblems(parsed.problems)}\n`);
    return undefined;
  }
  const library = scenarioFolder(scenarios).list();
  const missing = parsed.value.steps.flatMap((step, i) => (step.scenario !== undefined && !library.includes(step.scenario) ? [`${file}: steps[${i}].scenario: ${step.scenario} is not in ${scenarios}`] : []));
  if (missing.length > 0) {
    process.stderr.write(`Invalid lesson; nothing ran.\n${missing.join("\n")}\n`);
    return undefined;
  }
  return parsed.value;
}

/**
 * Prints the lesson's expected cost, each step that starts a run costed as its scenario is written (to its end, so
 * an estimate errs long; choices aside); false once a step over the bound is refused, without --allow-large.
 */
function withinBound(file: string, lesson: Lesson, options: { scenarios: string; allowLarge: boolean }): boolean {
  const costs: RunCost[] = [];
  for (const [i, step] of lesson.steps.entries()) {
    const own = step.inline_scenario ?? step.scenario;
    // A step without a scenario of its own goes on with the run before it, already costed.
    if (own === undefined) continue;
    let cost: RunCost;
    try {
      cost = estimateRun(typeof own === "string" ? loadScenarioFile(join(options.scenarios, own)) : own);
    } catch (error) {
      // The play names an invalid library scenario with its step; costing it is not this check's business.
      if (error instanceof ScenarioError) continue;
      throw error;
    }
    const refusal = options.allowLarge ? undefined : refusalOf(cost, `${file}: steps[${i}] (${step.id})`, "--allow-large");
    if (refusal) {
      process.stderr.write(`${refusal}\n`);
      return false;
    }
    costs.push(cost);
  }
  process.stderr.write(`${basename(file)}: expected ${describeCost(estimateRuns(costs))}\n`);
  return true;
}

function controllerFor(file: string, scenarios: string): LabController {
  return new LabController({ scenarios: scenarioFolder(scenarios), lessons: scenarioFolder(dirname(file), "lesson"), wallNow: () => 0, waitWallMs: async () => undefined });
}

async function play(file: string, scenarios: string, answers: LessonAnswers, onStep?: (title: string) => void): Promise<Scorecard> {
  const controller = controllerFor(file, scenarios);
  let progress: Progress | undefined;
  try {
    return await playLesson(controller, basename(file), answers, (step, index, steps) => {
      progress ??= startProgress(`lesson ${basename(file)}`, steps, "steps");
      progress.update(index);
      onStep?.(step.title);
    });
  } finally {
    progress?.stop();
    await controller.close();
  }
}

/** Every choice's options make valid scenarios, and a headless play answers every question. */
async function check(file: string, lesson: Lesson, scenarios: string): Promise<boolean> {
  const problems = choiceProblems(lesson, scenarioFolder(scenarios));
  const started = performance.now();
  let card: Scorecard;
  try {
    // A terminal shows the progress bar instead of a line per step.
    card = await play(file, scenarios, {}, process.stderr.isTTY ? undefined : (title) => process.stderr.write(`  ${basename(file)}: ${title}\n`));
  } catch (error) {
    process.stdout.write(`FAIL ${file}\n  ${(error as Error).message}\n`);
    return false;
  }
  for (const q of card.questions) if (q.correct === null) problems.push(`${q.step}/${q.question}: ${q.rightAnswer}`);
  const questions = lesson.steps.reduce((n, s) => n + s.questions.length, 0);
  if (problems.length > 0) {
    process.stdout.write(`FAIL ${file}\n${problems.map((p) => `  ${p}\n`).join("")}`);
    return false;
  }
  process.stdout.write(`ok   ${file}: ${lesson.steps.length} steps, ${questions} questions, each answered by its run (played in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  return true;
}

function readAnswers(file: string): LessonAnswers | undefined {
  const text = readText(file, "answers");
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text) as unknown;
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("must be a JSON object with choices and answers");
    return data as LessonAnswers;
  } catch (error) {
    process.stderr.write(`${file}: ${(error as Error).message}\n`);
    return undefined;
  }
}

function formatScorecard(card: Scorecard): string {
  const lines = card.questions.map((q) => `${q.correct === null ? "?" : q.correct ? "✓" : "✗"} ${q.stepTitle}: ${q.prompt}\n    answered ${q.answer ?? "nothing"} · the run: ${q.rightAnswer}`);
  return `${card.lesson.title}: ${card.score.correct} of ${card.score.revealed} right\n${lines.join("\n")}\n`;
}

function merge(files: readonly string[], options: { json: boolean; html: string | undefined }): number {
  const cards: Scorecard[] = [];
  for (const file of files) {
    const text = readText(file, "scorecard");
    if (text === undefined) return EXIT_INVALID_INPUT;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      process.stderr.write(`${file}: not JSON: ${(error as Error).message}\n`);
      return EXIT_INVALID_INPUT;
    }
    const parsed = scorecardSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      process.stderr.write(`${file}: not a scorecard: ${issue.path.join(".") || "file"}: ${issue.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    cards.push(parsed.data);
  }
  const summary = classSummary(cards);
  if (options.html) writeOut(options.html, classSummaryHtml(summary, cards.length));
  if (options.json) process.stdout.write(`${JSON.stringify({ participants: cards.length, questions: summary }, null, 2)}\n`);
  else {
    process.stdout.write(`${cards.length} scorecards; the questions most people missed first:\n`);
    for (const s of summary) process.stdout.write(`  ${String(s.wrong + s.unanswered).padStart(3)} of ${String(s.revealed).padEnd(3)} missed  ${s.lesson} · ${s.prompt}\n`);
  }
  return EXIT_OK;
}

function writeOut(file: string, text: string): void {
  writeFileSync(file, text);
  process.stderr.write(`wrote ${file}\n`);
}

await runIfScript(import.meta.url, "lesson", main);
