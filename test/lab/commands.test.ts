/**
 * The command table: a handler for every command of the contract, each reachable through the controller
 * as a host would send it, refusals before any handler runs, and a run played to its end in the app
 * stating what a drill of the same scenario reports, and the loaded scenario swept over seeds as the command
 * line's aggregator sums the same drills.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile, runDrill, SweepAggregator, sweepLineOf } from "../../engine";
import { COMMANDS } from "../../engine/lab/commands";
import { COMMAND_NAMES, type CommandName, type CommandReply, type LabSnapshot, type ProgressMessage, type SweepView } from "../../engine/lab/contract";
import { LabController } from "../../engine/lab/controller";
import { serveCommand } from "../../engine/lab/validation";
import { scenarioFolder } from "../../host/scenarioLibrary";
import { answersOfReport } from "./reportAnswers";

const fixtures = join(import.meta.dirname, "../fixtures");

let controller: LabController | undefined;
afterEach(async () => {
  await controller?.close();
  controller = undefined;
});

/** A controller over the test fixtures' folder, paced by a wall clock that moves only when it waits. */
function open() {
  let wall = 0;
  controller = new LabController({
    scenarios: scenarioFolder(fixtures),
    lessons: scenarioFolder(join(fixtures, "lessons")),
    wallNow: () => wall,
    waitWallMs: async (ms) => {
      wall += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  const snapshots: LabSnapshot[] = [];
  controller.subscribe((message) => message.type === "snapshot" && snapshots.push(message.snapshot));
  return { lab: controller, snapshots };
}

describe("the command table", () => {
  it("has one handler for each command of the contract, and declares which change nothing", () => {
    expect(Object.keys(COMMANDS).sort()).toEqual([...COMMAND_NAMES].sort());
    const readOnly = COMMAND_NAMES.filter((name) => COMMANDS[name].readOnly);
    expect(readOnly).toEqual(["getSnapshot", "listScenarios", "saveScenario", "exportReport", "auditPage", "auditEntry", "auditProof", "faultCatalog", "listEvidence", "verifyBundle", "evidenceArchive", "compareWith", "sweepLoaded", "openDraft", "editDraft", "listLessons", "lessonScorecard"]);
  });

  it("reaches every handler through the controller, and a snapshot follows only the commands that changed the run", async () => {
    const { lab, snapshots } = open();
    const sent = new Set<CommandName>();
    const send = async (name: CommandName, payload: unknown): Promise<CommandReply> => {
      sent.add(name);
      const pushed = snapshots.length;
      const reply = await serveCommand(lab, name, payload);
      // A command that failed changed nothing either.
      expect(snapshots.length > pushed, `a snapshot after ${name}`).toBe(!COMMANDS[name].readOnly && reply.ok);
      return reply;
    };
    expect(await send("listScenarios", {})).toMatchObject({ ok: true, result: { scenarios: expect.arrayContaining([expect.objectContaining({ file: "short-drill.yaml", valid: true })]) } });
    expect(await send("loadScenario", { source: "library", name: "short-drill.yaml" })).toEqual({ ok: true, result: { ok: true } });
    expect(await send("getSnapshot", {})).toMatchObject({ ok: true, result: { status: "ready", scenario: { fileName: "short-drill.yaml" } } });
    expect(await send("faultCatalog", {})).toMatchObject({ ok: true, result: { entries: expect.arrayContaining([expect.objectContaining({ kind: "gateway-down", node: "region" })]) } });
    expect(await send("setSpeed", { speed: 50 })).toEqual({ ok: true, result: undefined });
    expect(await send("step", {})).toMatchObject({ ok: true, result: { advancedTo: expect.any(Number) } });
    expect(await send("injectFault", { fault: { kind: "gateway-down", region: "us-east" } })).toEqual({ ok: true, result: { faultId: "u1" } });
    // Time passes between a fault and its healing, or the saved file would heal it as it starts.
    expect(await send("runTo", { ms: 10_000 })).toEqual({ ok: true, result: { advancedTo: 10_000 } });
    expect(await send("play", {})).toEqual({ ok: true, result: undefined });
    expect(await send("pause", {})).toEqual({ ok: true, result: undefined });
    expect(snapshots.at(-1)).toMatchObject({ status: "paused", speed: 50 });
    expect(await send("heal", { faultId: "u1" })).toEqual({ ok: true, result: undefined });
    expect(await send("saveScenario", {})).toMatchObject({ ok: true, result: { fileName: "short-drill-edited.yaml", text: expect.stringContaining("gateway-down") } });
    const report = await send("exportReport", {});
    expect(report.ok && JSON.parse((report.result as { json: string }).json)).toMatchObject({ scenario: { name: "short drill" } });
    expect(await send("auditPage", { filter: {}, offset: 0, limit: 3 })).toMatchObject({ ok: true, result: { rows: [{ seq: 1 }, { seq: 2 }, { seq: 3 }] } });
    expect(await send("auditEntry", { seq: 2 })).toMatchObject({ ok: true, result: { seq: 2, store: "canonical" } });
    expect(await send("auditProof", { seq: 2 })).toMatchObject({ ok: true, result: { seq: 2, verified: true } });
    expect(await send("verifyChain", {})).toMatchObject({ ok: true, result: { ok: true } });
    expect(await send("exportEvidence", {})).toEqual({ ok: false, error: "this host cannot write evidence bundles" });
    expect(await send("listEvidence", {})).toEqual({ ok: false, error: "this host keeps no evidence bundles" });
    expect(await send("verifyBundle", { bundle: "short-drill-1" })).toEqual({ ok: false, error: "this host keeps no evidence bundles" });
    expect(await send("evidenceArchive", { bundle: "short-drill-1" })).toEqual({ ok: false, error: "this host keeps no evidence bundles" });
    // The same design twice on the same seed: nothing may differ, or the comparison measures noise.
    expect(await send("compareWith", { name: "short-drill.yaml" })).toMatchObject({ ok: true, result: { labels: { a: "short-drill", b: "short-drill (B)" }, differences: 0 } });
    expect(await send("sweepLoaded", { from: 1, to: 1 })).toMatchObject({ ok: true, result: { fileName: "short-drill.yaml", runs: 1, seeds: { from: 1, to: 1 } } });
    // The editor's round: the loaded file as a draft, one edit, applied as the run.
    const opened = await send("openDraft", { source: "loaded" });
    expect(opened).toMatchObject({ ok: true, result: { fileName: "short-drill.yaml", problems: [] } });
    const { baseText, draft } = (opened as { result: { baseText: string; draft: Record<string, unknown> } }).result;
    const edited = await send("editDraft", { baseText, draft, op: { op: "set", path: ["duration_s"], value: 90 } });
    expect(edited).toMatchObject({ ok: true, result: { problems: [], draft: { duration_s: 90 } } });
    expect(await send("applyDraft", { fileName: "short-drill.yaml", baseText, draft: (edited as { result: { draft: unknown } }).result.draft })).toMatchObject({ ok: true, result: { ok: true } });
    // A gateway config imported and loaded in place of the run, what it could not carry over located in it.
    const config = readFileSync(join(fixtures, "import/litellm/azure-load-balance/config.yaml"), "utf8");
    const regions = readFileSync(join(fixtures, "import/litellm/azure-load-balance/regions.txt"), "utf8").trim().split("\n");
    expect(await send("importConfig", { format: "litellm", fileName: "config.yaml", text: config, regions })).toMatchObject({
      ok: true,
      result: { ok: true, fileName: "config-imported.yaml", warnings: expect.arrayContaining([expect.objectContaining({ file: "config.yaml", field: "router_settings.redis_host" })]) },
    });
    expect(snapshots.at(-1)).toMatchObject({ status: "ready", scenario: { fileName: "config-imported.yaml" } });
    expect(await send("reset", {})).toEqual({ ok: true, result: undefined });
    expect(snapshots.at(-1)).toMatchObject({ status: "ready", nowMs: 0, faults: [] });
    // A lesson's round: opened, a choice made, a prediction given, run to the pause, revealed, on to the next step, closed.
    expect(await send("listLessons", {})).toMatchObject({ ok: true, result: { lessons: [{ file: "short-outage.yaml", title: "A short outage", steps: 2, valid: true }] } });
    expect(await send("openLesson", { name: "short-outage.yaml" })).toEqual({ ok: true, result: { ok: true } });
    expect(await send("lessonChoose", { field: "policy.outage_choice", value: "cross-border-with-consent" })).toEqual({ ok: true, result: undefined });
    expect(await send("lessonAnswer", { question: "refused", answer: 0 })).toEqual({ ok: true, result: undefined });
    expect(await send("runTo", { ms: 60_000 })).toEqual({ ok: true, result: { advancedTo: 30_000 } });
    expect(await send("lessonDoTask", {})).toEqual({ ok: false, error: "no task of this lesson step is due now" });
    expect(await send("lessonReveal", {})).toEqual({ ok: true, result: undefined });
    expect(snapshots.at(-1)!.lesson).toMatchObject({ stepIndex: 0, step: { revealed: true, questions: [{ answer: 0, reveal: { correct: expect.any(Boolean) } }] }, score: { revealed: 1, total: 2 } });
    expect(await send("lessonScorecard", {})).toMatchObject({ ok: true, result: { fileName: "short-outage-scorecard", json: expect.stringContaining('"question": "refused"'), html: expect.stringContaining("<!doctype html>") } });
    expect(await send("lessonNext", {})).toEqual({ ok: true, result: undefined });
    expect(await send("closeLesson", {})).toEqual({ ok: true, result: undefined });
    expect(snapshots.at(-1)!.lesson).toBeNull();
    expect([...sent].sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it("runs no handler for an unknown command, a bad payload or a null one", async () => {
    const { lab, snapshots } = open();
    const pushed = snapshots.length;
    expect(await serveCommand(lab, "deleteEverything", {})).toEqual({ ok: false, error: 'unknown command "deleteEverything"' });
    expect(await serveCommand(lab, "loadScenario", { source: "library", name: "../etc/passwd" })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid loadScenario payload/) });
    expect(await serveCommand(lab, "compareWith", { name: "../../scenarios/eu-region-outage.yaml" })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid compareWith payload/) });
    expect(await serveCommand(lab, "importConfig", { format: "envoy-v1", fileName: "c.yaml", text: "", regions: [] })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid importConfig payload/) });
    expect(await serveCommand(lab, "play", null)).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid play payload/) });
    expect(snapshots.length).toBe(pushed);
    // A command that reaches its handler and fails there says why.
    expect(await serveCommand(lab, "play", {})).toEqual({ ok: false, error: "no scenario is loaded: open one from the library first" });
  });

  it("finishes a run that reaches its end as a drill does: the four answers and expectations are the drill's", async () => {
    const { lab, snapshots } = open();
    await lab.execute("loadScenario", { source: "library", name: "short-drill.yaml" });
    await lab.execute("runTo", { ms: 60_000 });
    const end = snapshots.at(-1)!;
    expect(end).toMatchObject({ status: "finished", nowMs: 60_000 });
    const drill = await runDrill(loadScenarioFile(join(fixtures, "short-drill.yaml")), {});
    expect({ questions: end.questions, expectations: end.expectations }).toEqual(answersOfReport(drill));
    // And the report the app exports is the drill's, byte for byte.
    expect((await lab.execute("exportReport", {})).json).toBe(`${JSON.stringify(drill, null, 2)}\n`);
  });
});

describe("importing a gateway config in the app", () => {
  const config = readFileSync(join(fixtures, "import/litellm/azure-load-balance/config.yaml"), "utf8");

  it("changes nothing when the config cannot be placed, and says where in it", async () => {
    const { lab } = open();
    await lab.execute("loadScenario", { source: "library", name: "short-drill.yaml" });
    const result = await lab.execute("importConfig", { format: "litellm", fileName: "config.yaml", text: config, regions: ["api.openai.com=us-east:US:Virginia"] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ file: "config.yaml", line: expect.any(Number), field: expect.stringMatching(/^model_list\[\d+\]\.litellm_params\.api_base$/) });
    expect((await lab.execute("getSnapshot", {})).scenario?.fileName).toBe("short-drill.yaml");
  });

  it("refuses a region rule it cannot read, naming the rule", async () => {
    const { lab } = open();
    await expect(lab.execute("importConfig", { format: "litellm", fileName: "config.yaml", text: config, regions: ["api.openai.com=us-east:US:Virginia", "nonsense"] })).rejects.toThrow(
      /^region rule 2, "nonsense": /,
    );
  });
});

describe("sweepLoaded", () => {
  it("aggregates seeds 1..3 of the loaded scenario exactly as the command line's aggregator does, hand-made faults left out", async () => {
    const { lab } = open();
    expect(await serveCommand(lab, "loadScenario", { source: "library", name: "short-drill.yaml" })).toEqual({ ok: true, result: { ok: true } });
    // A fault made by hand belongs to the run, not to the design the sweep measures.
    expect(await serveCommand(lab, "injectFault", { fault: { kind: "gateway-down", region: "us-east" } })).toMatchObject({ ok: true });
    const reply = await serveCommand(lab, "sweepLoaded", { from: 1, to: 3 });
    expect(reply.ok).toBe(true);
    const sweep = (reply as { result: SweepView }).result;

    const scenario = loadScenarioFile(join(fixtures, "short-drill.yaml"));
    const aggregator = new SweepAggregator();
    for (const seed of [1, 2, 3]) aggregator.add(sweepLineOf("short-drill.yaml", { index: seed - 1, seed, overrides: [] }, await runDrill(scenario, { seed }), 0));
    const [group] = aggregator.result().groups;
    const [curves] = aggregator.curves(51);

    expect(sweep).toMatchObject({ fileName: "short-drill.yaml", seeds: { from: 1, to: 3 }, runs: 3, residencyViolations: group!.residency_violations_total, withoutValues: group!.without_values });
    expect(sweep.metrics.map((m) => m.metric)).toEqual(Object.keys(group!.metrics));
    expect(sweep.metrics[0]!.metric).toBe("detection_s");
    for (const m of sweep.metrics) {
      const { count, missing, min, p50, p95, p99, max } = group!.metrics[m.metric]!;
      expect(m).toEqual({ metric: m.metric, count, missing, min, p50, p95, p99, max, ecdf: curves![m.metric] });
    }
    expect(sweep.expectations).toEqual(group!.expectations.map((e) => ({ expectation: e.expectation, runs: e.runs, passed: e.passed, passRate: e.pass_rate })));
    expect(sweep.expectations.length).toBeGreaterThan(0);
    const failedSeeds = [...new Set(group!.expectations.flatMap((e) => e.failed.map((f) => f.seed)))].sort((a, b) => a - b);
    expect(sweep.failing.map((f) => f.seed)).toEqual(failedSeeds);
    expect(sweep.replayText).toBeUndefined();
    // Read-only: the loaded run keeps its fault.
    expect(await serveCommand(lab, "getSnapshot", {})).toMatchObject({ ok: true, result: { faults: [expect.objectContaining({ id: "u1" })] } });
  });

  // Seed 1 of the short drill has 21 errors, seeds 2 and 3 fewer than 15: one failing seed to replay.
  const failsOnSeed1 = readFileSync(join(fixtures, "short-drill.yaml"), "utf8").replace("rejected_by_policy > 0", "errors < 15");

  it("names the library file by its path in each failing seed's command, so it runs as shown", async () => {
    const library = mkdtempSync(join(tmpdir(), "sweep-library-"));
    writeFileSync(join(library, "short-drill.yaml"), failsOnSeed1);
    let wall = 0;
    controller = new LabController({ scenarios: scenarioFolder(library), wallNow: () => (wall += 1000), waitWallMs: async () => undefined });
    const progress: ProgressMessage[] = [];
    controller.subscribe((message) => message.type === "progress" && progress.push(message));
    expect(await serveCommand(controller, "loadScenario", { source: "library", name: "short-drill.yaml" })).toEqual({ ok: true, result: { ok: true } });
    const sweep = ((await serveCommand(controller, "sweepLoaded", { from: 1, to: 3 })) as { result: SweepView }).result;
    expect(sweep.failing).toEqual([{ seed: 1, failed: ["errors < 15"], command: `npx failover-lab drill ${join(library, "short-drill.yaml")} --seed 1` }]);
    // One message before the first drill and one after each, the time left at the pace so far.
    expect(progress.map(({ done, total }) => `${done}/${total}`)).toEqual(["0/3", "1/3", "2/3", "3/3"]);
    expect(progress[0]!.etaMs).toBeNull();
    expect(progress.at(-1)!.etaMs).toBe(0);
    expect(progress[1]!.etaMs).toBeGreaterThan(0);
    expect(sweep.replayText).toBeUndefined();
  });

  it("hands over the text it ran when the design is not a library file as it stands, and names the file alone", async () => {
    const { lab } = open();
    const text = failsOnSeed1;
    expect(text).toContain("errors < 15");
    expect(await serveCommand(lab, "loadScenario", { source: "text", fileName: "/home/someone/short-drill.yaml", text })).toEqual({ ok: true, result: { ok: true } });
    const sweep = ((await serveCommand(lab, "sweepLoaded", { from: 1, to: 3 })) as { result: SweepView }).result;
    expect(sweep.replayText).toBe(text);
    expect(sweep.failing.length).toBeGreaterThan(0);
    for (const f of sweep.failing) expect(f.command).toBe(`npx failover-lab drill short-drill.yaml --seed ${f.seed}`);
  });

  it("refuses a design with real servers in the drill's words", async () => {
    const { lab } = open();
    expect(await serveCommand(lab, "loadScenario", { source: "library", name: "real-upstream.yaml" })).toMatchObject({ ok: true });
    expect(await serveCommand(lab, "sweepLoaded", { from: 1, to: 2 })).toEqual({ ok: false, error: expect.stringMatching(/real server.*a drill runs in virtual time/) });
  });
});

describe("a run's cost in the app", () => {
  it("is in the snapshot, and the sweep and compare refuse above the bounds before running anything", async () => {
    const library = mkdtempSync(join(tmpdir(), "failover-lab-cost-"));
    const short = readFileSync(join(fixtures, "short-drill.yaml"), "utf8");
    writeFileSync(join(library, "short-drill.yaml"), short);
    writeFileSync(join(library, "week.yaml"), short.replace("duration_s: 60", "duration_s: 604800").replace("rate_per_s: 10", "rate_per_s: 10000"));
    writeFileSync(join(library, "busy.yaml"), short.replace("duration_s: 60", "duration_s: 150").replace("rate_per_s: 10", "rate_per_s: 10000"));
    const snapshots: LabSnapshot[] = [];
    controller = new LabController({ scenarios: scenarioFolder(library), wallNow: () => 0, waitWallMs: async () => undefined });
    controller.subscribe((message) => message.type === "snapshot" && snapshots.push(message.snapshot));
    const send = (name: CommandName, payload: unknown) => serveCommand(controller!, name, payload);

    await send("loadScenario", { source: "library", name: "short-drill.yaml" });
    expect(snapshots.at(-1)!.scenario!.cost).toEqual({ requests: 600, seconds: 0.12, runBound: 2_000_000, overBound: false, sweepBound: 20_000_000 });
    expect(await send("compareWith", { name: "week.yaml" })).toEqual({
      ok: false,
      error: "week.yaml: ~6,048,000,000 requests ≈ 14 days here, over the bound of 2,000,000 requests a run; failover-lab drill … --allow-large runs it anyway. Nothing ran.",
    });

    await send("loadScenario", { source: "library", name: "week.yaml" });
    expect(snapshots.at(-1)!.scenario!.cost).toMatchObject({ requests: 6_048_000_000, overBound: true });
    expect(await send("sweepLoaded", { from: 1, to: 2 })).toEqual({
      ok: false,
      error: "week.yaml, 2 seeds: one run: ~6,048,000,000 requests ≈ 14 days here, over the bound of 2,000,000 requests a run; failover-lab sweep … --allow-large runs it anyway. Nothing ran.",
    });

    // 1,500,000 requests a run: within a run's bound, but 14 seeds of it are over a sweep's.
    await send("loadScenario", { source: "library", name: "busy.yaml" });
    const refused = await send("sweepLoaded", { from: 1, to: 14 });
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining("busy.yaml, 14 seeds: 14 runs: ~21,000,000 requests ≈ 70 min here, over the bound of 20,000,000 requests a sweep") });
  });
});
