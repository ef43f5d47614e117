import { describe, expect, it } from "vitest";
import { runDrill } from "../../engine";
import { baseScenario } from "../engine/helpers";

describe("seeds", () => {
  it("another seed changes the traffic but not the rules", async () => {
    const scenario = baseScenario({ duration_s: 90, faults: [{ kind: "region-outage", at_s: 30, region: "eu-west" }] });
    const [a, b] = await Promise.all([runDrill(scenario, { seed: 1 }), runDrill(scenario, { seed: 2 })]);
    expect(a.seed).toBe(1);
    expect(b.seed).toBe(2);
    expect(a.questions.audit.chain.head).not.toBe(b.questions.audit.chain.head);
    expect(a.totals.requests).not.toBe(b.totals.requests);
    // The same rules hold under both: EU traffic stays in the EU and the outage is detected by the same machine.
    for (const report of [a, b]) {
      expect(report.metrics.residency_violations).toBe(0);
      expect(report.totals.served_in["us-east"] ?? 0).toBe(0);
      expect(report.questions.detection.faults[0]!.detected_by?.machine).toBe("circuit");
    }
  });

  it("runs two sessions side by side in one process without crosstalk", async () => {
    const healthy = baseScenario({ duration_s: 60 });
    const failing = baseScenario({ duration_s: 60, faults: [{ kind: "region-outage", at_s: 0, region: "eu-west" }] });
    const [alone, beside] = await Promise.all([runDrill(healthy, {}), runDrill(failing, {})]);
    const solo = await runDrill(healthy, {});
    expect(JSON.stringify(alone)).toBe(JSON.stringify(solo));
    expect(beside.totals.served_in["eu-west"] ?? 0).toBe(0);
  });
});
