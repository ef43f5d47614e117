/** The drill summary counts refusals as failures the caller sees, and words them the same in every line. */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatSummary, loadScenarioFile, runDrill, type DrillReport } from "../../engine";

describe("refusals in the drill report (eu-west's only provider down 20–40 s, EU requests may not leave the EU)", () => {
  let report: DrillReport;
  beforeAll(async () => {
    report = await runDrill(loadScenarioFile(join(import.meta.dirname, "../fixtures/short-drill.yaml")), {});
  }, 120_000);

  it("names what refused every refused request", () => {
    expect(report.totals.rejected).toBeGreaterThan(100);
    expect(report.totals.rejected_by).toEqual({ identity: 0, audit: 0, residency: report.totals.rejected, capacity: 0 });
    expect(report.totals.rejected_by.residency).toBe(report.questions.policy.rejectedByPolicy);
  });

  it("counts the outage's refusals as its own, and its RTO runs to the last of them, not to its last error", () => {
    const outage = report.questions.detection.faults[0]!;
    expect(outage.requests_failed).toBeLessThan(10);
    expect(outage.requests_refused).toBeGreaterThan(100);
    expect(outage.requests_touched).toBe(outage.requests_failed + outage.requests_refused);
    // Refused until the heal at 40 s: the last refusal a caller saw comes within a second of it.
    expect(outage.rto_s).toBeGreaterThan(19);
    expect(outage.rto_s).toBeLessThanOrEqual(20);
  });

  it("says 'refused' for refusals wherever the summary counts them, each count naming what it counts", () => {
    const summary = formatSummary(report);
    const n = report.totals.rejected.toLocaleString("en-US");
    expect(summary).toContain(`· ${n} refused (residency ${n}) ·`);
    expect(summary).toContain(`refused by residency policy: ${n}`);
    expect(summary).toMatch(/RTO \(last failure or refusal a caller saw\) 19\.\d s · of [\d,]+ touching requests \d+ failed, [\d,]+ refused/);
    // Only the expectations, which quote the scenario's metric names (`rejected_by_policy`), may say otherwise.
    expect(summary.split("\nExpectations\n")[0]).not.toMatch(/rejected/i);
  });
});
