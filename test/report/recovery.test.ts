import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../engine/events";
import { answeredByHealed, longestReturn } from "../../engine/report/recovery";
import type { Fault } from "../../engine/scenario/schema";

const outage: Fault = { kind: "region-outage", at_s: 10, heal_s: 20, region: "eu-west", provider: "openai-sim", behaviour: "error-503" };
const gatewayDown: Fault = { kind: "gateway-down", at_s: 10, heal_s: 20, region: "eu-west" };

function served(target: string, region: string, startedAt: number, outcome: RequestRecord["outcome"] = "ok"): RequestRecord {
  return {
    requestId: "r1",
    population: "eu-web",
    origin: { region: "eu-west", jurisdiction: "EU" },
    model: "chat-large",
    consent: false,
    highRisk: false,
    sentAt: startedAt,
    gateway: "eu-west",
    policy: null,
    attempts: [{ target, region, startedAt, ms: 400, status: outcome === "ok" ? 200 : 503 }],
    outcome,
    latencyMs: 400,
  };
}

describe("return_s", () => {
  it("is the answer of the component the fault hit, in an attempt begun after the heal", () => {
    expect(answeredByHealed(outage, 20_000, served("openai-sim@eu-west/gpt-4o", "eu-west", 25_000))).toBe(25_400);
    expect(answeredByHealed(outage, 20_000, served("openai-sim@eu-west/gpt-4o", "eu-west", 19_900))).toBeUndefined();
    expect(answeredByHealed(outage, 20_000, served("anthropic-sim@eu-west/claude-sonnet", "eu-west", 25_000))).toBeUndefined();
    expect(answeredByHealed(outage, 20_000, served("openai-sim@eu-west/gpt-4o", "eu-west", 25_000, "error"))).toBeUndefined();
    // A kind that names no attempts it hits has no return to measure.
    expect(answeredByHealed(gatewayDown, 20_000, served("openai-sim@eu-west/gpt-4o", "eu-west", 25_000))).toBeUndefined();
  });

  it("as a metric, is the longest return, and has no value while a healed component never served again", () => {
    expect(longestReturn([{ fault: outage, heal_s: 20, return_s: 4 }, { fault: outage, heal_s: 80, return_s: 27 }, { fault: gatewayDown, heal_s: 20, return_s: null }])).toBe(27);
    expect(longestReturn([{ fault: outage, heal_s: 20, return_s: 4 }, { fault: outage, heal_s: 80, return_s: null }])).toBeNull();
    expect(longestReturn([{ fault: outage, heal_s: null, return_s: null }])).toBeNull();
  });
});
