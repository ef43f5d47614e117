import { describe, expect, it } from "vitest";
import { durableWaitMs } from "../../engine/gateway/durability";
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
