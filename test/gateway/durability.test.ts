import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, runDrill } from "../../engine";
import { answerOrRefuse, durableWaitMs } from "../../engine/gateway/durability";
import { recordBase, type CallerRequest, type HandledRequest } from "../../engine/gateway/request";

const request = (highRisk: boolean): CallerRequest => ({ id: "r1", population: "p", originRegion: "eu-west", jurisdiction: "EU", model: "chat", consent: false, highRisk, sentAt: 0 });
const handled = (highRisk: boolean, rejectedBy?: "audit" | "residency" | "identity"): HandledRequest => ({
  record: {
    ...recordBase(request(highRisk), "eu-west"),
    policy: null,
    attempts: [],
    latencyMs: 40,
    ...(rejectedBy ? { outcome: "rejected" as const, rejectedBy, reason: "refused" } : { outcome: "ok" as const }),
  },
});
/** The audit destination is one 80 ms round trip from eu-west. */
const audit = { durableWriteMs: (region: string) => (region === "eu-west" ? 80 : 0) };

describe("durability: how long an answer waits for its audit entry", () => {
  it.each([
    { what: "a high-risk call answered", handled: handled(true), waitMs: 80 },
    { what: "a high-risk call refused by residency (its refusal is the answer)", handled: handled(true, "residency"), waitMs: 80 },
    { what: "a high-risk call refused by identity", handled: handled(true, "identity"), waitMs: 80 },
    { what: "a high-risk call refused because the audit fails closed", handled: handled(true, "audit"), waitMs: 0 },
    { what: "an ordinary call", handled: handled(false), waitMs: 0 },
  ])("$what → $waitMs ms", ({ handled, waitMs }) => {
    expect(durableWaitMs(handled, "eu-west", audit)).toBe(waitMs);
  });
});

describe("durability: fail-closed checked again when the answer goes out", () => {
  /** eu-west cut off from its audit destination under fail-closed, or not. */
  const auditFailsClosed = (closed: boolean) => ({ failsClosed: (region: string) => closed && region === "eu-west" });
  const served = (highRisk: boolean): HandledRequest => ({
    record: {
      ...recordBase(request(highRisk), "eu-west"),
      policy: { allowed: ["EU"], crossBorder: false, reasons: [] },
      attempts: [{ target: "openai-sim@eu-west/gpt-4o", region: "eu-west", startedAt: 0, ms: 3000, status: 200 }],
      outcome: "ok",
      servedBy: { target: "openai-sim@eu-west/gpt-4o", model: "gpt-4o", region: "eu-west", jurisdiction: "EU" },
      latencyMs: 3040,
    },
  });

  it("a high-risk answer whose region was cut off while it was in flight is withheld: refused by the audit policy, attempts kept, served by no one", () => {
    const { record, answer } = answerOrRefuse(served(true), "eu-west", auditFailsClosed(true));
    expect(answer).toBeUndefined();
    expect(record).toMatchObject({ outcome: "rejected", rejectedBy: "audit", attempts: served(true).record.attempts, latencyMs: 3040 });
    expect(record.servedBy).toBeUndefined();
    expect(record.reason).toMatch(/^audit destination became unreachable from eu-west while the high-risk call was in flight.*fail-closed; the answer from openai-sim@eu-west\/gpt-4o was withheld$/);
  });

  it.each([
    { what: "an ordinary call", handled: served(false), closed: true },
    { what: "a high-risk call while the destination is reachable", handled: served(true), closed: false },
    { what: "a call admission already refused", handled: handled(true, "audit"), closed: true },
  ])("$what is answered as it is", ({ handled, closed }) => {
    expect(answerOrRefuse(handled, "eu-west", auditFailsClosed(closed))).toBe(handled);
  });

  it("a drill: high-risk calls admitted just before the partition are refused when they come to be answered, none answered from the buffer alone", async () => {
    const report = await runDrill(loadScenarioFile(join(import.meta.dirname, "../fixtures/audit-partition-in-flight.yaml")), {});
    const { high_risk } = report.questions.audit;
    expect(high_risk.durable_in_buffer_only).toBe(0);
    // Admission refuses every call arriving in the 10 s partition (about 50 at 5/s); the calls in flight at 20 s
    // (answers take ~3 s) are refused on top of those.
    expect(high_risk.rejected_fail_closed).toBeGreaterThan(55);
    expect(report.totals.rejected).toBe(high_risk.rejected_fail_closed);
    expect(high_risk.durable_at_destination).toBe(report.totals.ok);
    expect(report.metrics).toMatchObject({ audit_lost: 0, audit_gaps: 0, chain_valid: 1 });
  });
});
