/**
 * The residency review reads what the audit buffers still hold as well as the destinations, and says how
 * much of the run it saw: a region cut off from its audit destination until the end must not leave its
 * requests unreviewed while `residency_violations == 0` passes.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSummary, loadScenarioFile, renderHtmlReport, runDrill, type DrillReport, type Scenario } from "../../engine";
import { exportReport } from "../../engine/lab/evidence";
import { Run } from "../../engine/lab/run";

/** Pattern A, fail-closed, eu-west cut off from the canonical log from 40 s to the end of a 120 s run. */
function partitionToTheEnd(): Scenario {
  const scenario = loadScenarioFile(join(import.meta.dirname, "../../scenarios/audit-partition-central.yaml"));
  return {
    ...scenario,
    duration_s: 120,
    audit: { ...scenario.audit, on_unreachable: "fail-closed" },
    faults: [{ kind: "audit-partition", at_s: 40, region: "eu-west" }],
    expect: ["review_coverage == 1"],
  };
}

describe("review coverage with an audit partition lasting to the end", () => {
  let drilled: DrillReport | undefined;

  it("reviews the entries left in the cut-off region's buffer and states what share of the requests it saw", async () => {
    const report = (drilled = await runDrill(partitionToTheEnd(), {}));
    const { coverage } = report.questions.policy;
    expect(report.metrics.audit_at_risk).toBeGreaterThan(300);
    // eu-west's requests after 40 s never reached the canonical log: about a third of the run's.
    expect(coverage.inBuffers).toBeGreaterThan(report.totals.requests / 5);
    expect(coverage).toEqual({ reviewed: report.totals.requests, inBuffers: coverage.inBuffers, of: report.totals.requests, share: 1 });
    expect(report.metrics.review_coverage).toBe(1);
    expect(report.passed).toBe(true);
    // The fail-closed refusals made in eu-west are all still in its buffer; the review counts them as the drill does.
    expect(report.questions.audit.high_risk.rejected_fail_closed).toBeGreaterThan(10);
    expect(report.questions.audit.high_risk.rejected_fail_closed).toBe(report.totals.rejected);
    expect(formatSummary(report)).toContain(`reviewed ${report.totals.requests.toLocaleString("en-US")} of ${report.totals.requests.toLocaleString("en-US")} requests (100.0 %), ${coverage.inBuffers.toLocaleString("en-US")} of them still only in a regional buffer`);
    expect(renderHtmlReport(report, { scenarioFile: "", generatedBy: "reviewCoverage.test" })).toMatch(/Requests reviewed<\/dt><dd class="good">[\d,]+ of [\d,]+</);
  });

  it("reviews them the same way when the app's run of the scenario finishes", async () => {
    expect(drilled, "the drill ran").toBeDefined();
    const run = new Run(partitionToTheEnd(), "", "partition-to-the-end.yaml", {});
    try {
      await run.clock.runUntil(run.endMs);
      run.status = "finished";
      await run.finish();
      const report = JSON.parse(exportReport(run).json) as DrillReport;
      expect(report.questions.policy).toEqual(drilled!.questions.policy);
    } finally {
      run.close();
    }
  });
});
