/**
 * The app at the end of a run says what the report says: for shipped scenarios played to their end in the
 * LabController (headless, unpaced), the snapshot's four answers and expectations (figure and verdict) are
 * those of the scenario's golden drill report, which the drill suites keep equal to a fresh `npm run drill`.
 *
 * Each run takes the CPU of a drill, so not every shipped scenario is played: the fewest that between them
 * state an expectation on every metric any shipped scenario names (chosen below, so a new metric in a
 * scenario brings its scenario in).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile, type DrillReport } from "../../engine";
import { LabController } from "../../engine/lab/controller";
import { EXPECTATION_PATTERN } from "../../engine/scenario/schema";
import { scenarioFolder } from "../../host/scenarioLibrary";
import { answersOfReport } from "./reportAnswers";

const scenarioDir = join(import.meta.dirname, "../../scenarios");
const goldenOf = (file: string) => JSON.parse(readFileSync(join(import.meta.dirname, "../goldens", file.replace(/\.yaml$/, ".report.json")), "utf8")) as DrillReport;

const shipped = readdirSync(scenarioDir)
  .filter((file) => file.endsWith(".yaml"))
  .sort()
  .map((file) => {
    const scenario = loadScenarioFile(join(scenarioDir, file));
    return { file, durationS: scenario.duration_s, metrics: new Set(scenario.expect.map((e) => EXPECTATION_PATTERN.exec(e)![1]!)) };
  });

/** Greedy cover: the scenario naming most metrics not yet covered, the shorter first on a tie, until all are. */
function covering(): string[] {
  const left = new Set(shipped.flatMap((s) => [...s.metrics]));
  const chosen: string[] = [];
  while (left.size > 0) {
    const gain = (s: (typeof shipped)[number]) => [...s.metrics].filter((m) => left.has(m)).length;
    const best = [...shipped].sort((a, b) => gain(b) - gain(a) || a.durationS - b.durationS)[0]!;
    chosen.push(best.file);
    for (const metric of best.metrics) left.delete(metric);
  }
  return chosen;
}

let open: LabController | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe("the live panel at the end of a run", () => {
  it("plays scenarios that between them name every metric a shipped scenario expects", () => {
    const chosen = covering();
    const named = new Set(shipped.flatMap((s) => [...s.metrics]));
    expect(new Set(shipped.filter((s) => chosen.includes(s.file)).flatMap((s) => [...s.metrics]))).toEqual(named);
    expect(chosen.length).toBeLessThan(shipped.length);
  });

  for (const file of covering()) {
    it(`states the report's answers and expectations for ${file}`, async () => {
      const controller = new LabController({ scenarios: scenarioFolder(scenarioDir), wallNow: () => 0, waitWallMs: async () => undefined });
      open = controller;
      await controller.execute("loadScenario", { source: "library", name: file });
      const before = await controller.execute("getSnapshot", {});
      // At t = 0 nothing has failed: a bound not reached is pending, one met is holding.
      expect(before.expectations.filter((e) => e.status === "fail" || e.status === "pass")).toEqual([]);
      await controller.execute("runTo", { ms: before.scenario!.durationS * 1000 });
      const after = await controller.execute("getSnapshot", {});
      expect(after.status).toBe("finished");
      const golden = answersOfReport(goldenOf(file));
      expect({ questions: after.questions, expectations: after.expectations }).toEqual(golden);
    }, 600_000);
  }
});
