/**
 * `failover-lab lesson`: check plays a lesson headless and refuses one whose question its run cannot answer;
 * play scores a participant's answers; merge turns a class's scorecards into the most-missed questions, and
 * refuses a file that is not a scorecard, naming it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/lesson";
import { inProcess, root } from "./runCli";

const LESSON = join(root, "test/fixtures/lessons/short-outage.yaml");
const FIXTURES = join(root, "test/fixtures");
const dir = mkdtempSync(join(tmpdir(), "failover-lab-lesson-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lesson = (...args: string[]) => inProcess(() => main([...args, "--scenarios", FIXTURES]));

describe("failover-lab lesson", () => {
  it("checks a lesson by playing it: every question has an answer on its run", async () => {
    const { code, stdout } = await lesson("check", LESSON);
    expect(stdout).toMatch(/^ok {3}.*short-outage\.yaml: 2 steps, 2 questions, each answered by its run/);
    expect(code).toBe(0);
  }, 60_000);

  it("fails a lesson whose question the run cannot answer, naming it, and refuses an invalid one by line and field", async () => {
    const unanswerable = join(dir, "unanswerable.yaml");
    writeFileSync(unanswerable, readFileSync(LESSON, "utf8").replace('"rejected_by_policy == 0"', '"rejected_by_policy >= 0"'));
    const failed = await lesson("check", unanswerable);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("outage/refused: the run has no answer: options 1 and 2 all hold on this run");

    const invalid = join(dir, "invalid.yaml");
    writeFileSync(invalid, readFileSync(LESSON, "utf8").replace("measure: detection_s", "measure: detection_ms"));
    const refused = await lesson("check", invalid);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/invalid\.yaml:32:18: steps\[1\]\.questions\[0\]\.measure: expected one of detection_s/);

    const missing = join(dir, "missing.yaml");
    writeFileSync(missing, readFileSync(LESSON, "utf8").replace("scenario: short-drill.yaml", "scenario: nowhere.yaml"));
    expect((await lesson("check", missing)).stderr).toContain("steps[0].scenario: nowhere.yaml is not in");
  }, 60_000);

  it("refuses a lesson whose step's scenario is over the bound, naming the step, unless --allow-large", async () => {
    const library = join(dir, "library");
    mkdirSync(library);
    writeFileSync(join(library, "short-drill.yaml"), readFileSync(join(FIXTURES, "short-drill.yaml"), "utf8").replace("duration_s: 60", "duration_s: 604800").replace("rate_per_s: 10", "rate_per_s: 10000"));
    const refused = await inProcess(() => main(["check", LESSON, "--scenarios", library]));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${LESSON}: steps[0] (outage): ~6,048,000,000 requests ≈ 14 days here, over the bound of 2,000,000 requests a run; --allow-large runs it anyway. Nothing ran.`);
    // With the flag the estimate is printed and the next check stops it: an answers file that is not there.
    const allowed = await inProcess(() => main(["play", LESSON, "--scenarios", library, "--allow-large", "--answers", join(dir, "none.json")]));
    expect(allowed.code).toBe(2);
    expect(allowed.stderr).toContain("short-outage.yaml: expected ~6,048,000,000 requests ≈ 14 days here");
    expect(allowed.stderr).toMatch(/none\.json:1:1: cannot read the file: ENOENT/);
  });

  it("plays a participant's choices and answers, and merges a class's scorecards, the most-missed question first", async () => {
    const answers = join(dir, "answers.json");
    writeFileSync(answers, JSON.stringify({ choices: { outage: { "policy.outage_choice": "reject" } }, answers: { "outage/refused": 0, "after/detect": 500 } }));
    const played = await lesson("play", LESSON, "--answers", answers, "--json");
    expect(played.code).toBe(0);
    const card = JSON.parse(played.stdout) as { score: unknown; questions: { question: string; correct: boolean; answer: string | null }[] };
    expect(card.score).toEqual({ correct: 1, revealed: 2, total: 2 });
    expect(card.questions.map((q) => [q.question, q.correct, q.answer])).toEqual([
      ["refused", true, "Yes, refused"],
      ["detect", false, "500 s"],
    ]);
    const first = join(dir, "first.json");
    writeFileSync(first, played.stdout);
    const second = join(dir, "second.json");
    writeFileSync(second, (await lesson("play", LESSON, "--json")).stdout);
    const html = join(dir, "class.html");
    const merged = await lesson("merge", first, second, "--json", "--html", html);
    const summary = JSON.parse(merged.stdout) as { participants: number; questions: { question: string; wrong: number; unanswered: number; right: number }[] };
    expect(summary.participants).toBe(2);
    expect(summary.questions.map((q) => [q.question, q.right, q.wrong, q.unanswered])).toEqual([
      ["detect", 0, 1, 1],
      ["refused", 1, 0, 1],
    ]);
    expect(readFileSync(html, "utf8")).toContain("How many seconds did detection take?");

    const notACard = join(dir, "not-a-card.json");
    writeFileSync(notACard, JSON.stringify({ format: "failover-lab-scorecard", revision: 1, lesson: { file: "x.yaml", title: "x" }, score: { correct: -1, revealed: 0, total: 0 }, questions: [] }));
    const refused = await lesson("merge", first, notACard);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not-a-card\.json: not a scorecard: score\.correct: /);
  }, 120_000);
});
