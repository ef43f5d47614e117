/**
 * The two shipped audit-partition scenarios cover Pattern A with `buffer` and Pattern B with `fail-closed`;
 * these run the other two combinations of the same drill.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, runDrill, type Scenario } from "../../engine";

const scenarios = join(import.meta.dirname, "../../scenarios");

function variant(file: string, onUnreachable: Scenario["audit"]["on_unreachable"]): Scenario {
  const scenario = loadScenarioFile(join(scenarios, file));
  return { ...scenario, audit: { ...scenario.audit, on_unreachable: onUnreachable } };
}

describe("audit partition under the other policy of each pattern", () => {
  it("Pattern A, fail-closed: eu-west rejects only its high-risk calls while cut off; nothing lost, no gap after heal", async () => {
    const report = await runDrill(variant("audit-partition-central.yaml", "fail-closed"), {});
    const audit = report.questions.audit;
    expect(audit.pattern).toBe("central");
    expect(audit.high_risk.rejected_fail_closed).toBeGreaterThan(100);
    expect(report.totals.rejected).toBe(audit.high_risk.rejected_fail_closed);
    expect(audit.high_risk.durable_in_buffer_only).toBe(0);
    expect(report.metrics).toMatchObject({ audit_lost: 0, audit_gaps: 0, audit_at_risk: 0, chain_valid: 1, residency_violations: 0 });
    expect(audit.stores.every((s) => s.ok)).toBe(true);
  });

  it("Pattern A, two replicas: high-risk calls stay durable in two regions while eu-west is cut off, each paying the round trip to its nearest peer", async () => {
    const scenario = variant("audit-partition-central.yaml", "buffer");
    const report = await runDrill({ ...scenario, audit: { ...scenario.audit, high_risk_durable_in: "replicas", high_risk_replicas: 2 } }, {});
    const audit = report.questions.audit;
    expect(audit.high_risk).toMatchObject({ durable_at_destination: 0, durable_in_buffer_only: 0 });
    expect(audit.high_risk.durable_in_replicas).toBeGreaterThan(100);
    const replicas = audit.stores.filter((s) => s.role === "replica");
    expect(replicas.map((s) => s.name)).toEqual(["replica:eu-west", "replica:eu-central", "replica:us-east"]);
    expect(replicas.every((s) => s.ok)).toBe(true);
    expect(replicas.reduce((n, s) => n + s.entries, 0)).toBe(audit.high_risk.durable_in_replicas);
    expect(report.metrics).toMatchObject({ audit_lost: 0, audit_gaps: 0, chain_valid: 1 });
  });

  it("Pattern B, buffer: eu-west keeps serving everything, its buffer holds three minutes and flushes on heal", async () => {
    const report = await runDrill(variant("audit-partition-per-region.yaml", "buffer"), {});
    const audit = report.questions.audit;
    expect(audit.pattern).toBe("per-region");
    expect(report.totals.rejected).toBe(0);
    expect(audit.high_risk.durable_in_buffer_only).toBeGreaterThan(50);
    const euWest = audit.buffers.find((b) => b.region === "eu-west")!;
    expect(euWest.flush_lag_ms.max).toBeGreaterThanOrEqual(179_000);
    expect(euWest.flushed).toBe(euWest.written);
    expect(report.metrics).toMatchObject({ audit_lost: 0, audit_gaps: 0, audit_at_risk: 0, chain_valid: 1 });
  });
});
