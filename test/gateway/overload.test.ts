/**
 * A gateway's front door under overload (`gateway.max_in_flight`, Envoy's max_requests): requests beyond the
 * limit are refused at once with a 503, and a place comes back when a request ends, however it ends.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSummary, loadScenarioFile, runDrill } from "../../engine";
import { scenarioSchema } from "../../engine/scenario/schema";
import { ask, calls, onPrimary, PRIMARY, requestFaultsInput } from "./conduct";

function withLimit(maxInFlight: number, faults = requestFaultsInput().faults) {
  const input = requestFaultsInput();
  return scenarioSchema.parse({ ...input, gateway: { ...input.gateway, max_in_flight: maxInFlight }, faults });
}

describe("gateway.max_in_flight", () => {
  it("sheds the requests beyond the limit at once with a 503 that says why, and takes new ones once a place is free", async () => {
    const results = await calls(withLimit(2), [
      { at: 1_000, body: ask() },
      { at: 1_000, body: ask(true) },
      { at: 1_000, body: ask() },
      { at: 60_000, body: ask() },
    ]);
    expect(results.map((r) => r.outcome.kind)).toEqual(["completion", "stream-complete", "error", "completion"]);
    const shed = results[2]!.outcome;
    if (shed.kind !== "error") throw new Error("unreachable");
    expect(shed.status).toBe(503);
    expect(shed.record).toMatchObject({ outcome: "rejected", rejectedBy: "capacity", attempts: [] });
    expect(shed.error.code).toBe("rejected_by_capacity");
    expect(shed.record!.reason).toMatch(/gateway eu-west already had 2 requests in flight \(gateway\.max_in_flight\)/);
    // Shed before anything was sent: the provider saw only the admitted calls.
    expect(results[2]!.count(PRIMARY)).toBe(2);
    expect(results[3]!.count(PRIMARY)).toBe(3);
  });

  it("gives the place back when a request ends in a timeout", async () => {
    // The primary never answers: both calls time out on it and fail over, then the limit admits the next.
    const results = await calls(withLimit(1, onPrimary("no-response")), [
      { at: 1_000, body: ask() },
      { at: 1_001, body: ask() },
      { at: 90_000, body: ask() },
    ]);
    expect(results.map((r) => r.outcome.kind)).toEqual(["completion", "error", "completion"]);
    expect(results[0]!.outcome.record!.attempts[0]!.error).toMatch(/no first token after 5000 ms/);
  });

  it("counts a drill's shed requests as refused by capacity, and says so in the summary", async () => {
    const fixture = loadScenarioFile(join(import.meta.dirname, "../fixtures/short-drill.yaml"));
    const report = await runDrill({ ...fixture, gateway: { ...fixture.gateway, max_in_flight: 4 } }, {});
    const { capacity } = report.totals.rejected_by;
    expect(capacity).toBeGreaterThan(0);
    expect(formatSummary(report)).toMatch(new RegExp(`refused \\(.*capacity ${capacity.toLocaleString("en-US")}`));
    // Refused before policy looked at them: none of them is the residency policy's.
    expect(report.questions.policy.rejectedByPolicy).toBe(report.totals.rejected_by.residency);
  });

  it("holds 1,024 by default, Envoy's max_requests", () => {
    expect(scenarioSchema.parse(requestFaultsInput()).gateway.max_in_flight).toBe(1_024);
  });
});
