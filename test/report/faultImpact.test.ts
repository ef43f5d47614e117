/** Which requests a fault touched and which state changes noticed it: the predicates the drill report measures with. */
import { describe, expect, it } from "vitest";
import type { AttemptRecord, RequestRecord, TransitionEvent } from "../../engine/events";
import { faultRefused, requestTouches, transitionDetects } from "../../engine/report/faultImpact";
import type { Fault } from "../../engine/scenario/schema";

const transition = (machine: TransitionEvent["machine"], region: string, subject: string, to: string, cause = "test"): TransitionEvent => ({
  type: "transition",
  t: 1_000,
  machine,
  region,
  subject,
  from: "healthy",
  to,
  cause,
});
const attempt = (target: string): AttemptRecord => ({ target, region: target.split("/")[0]!.split("@")[1]!, startedAt: 0, ms: 300, status: 200 });
const request = (gateway: string, ...targets: string[]): RequestRecord => ({
  requestId: "r1",
  population: "web",
  origin: { region: gateway, jurisdiction: "EU" },
  model: "chat",
  consent: false,
  highRisk: false,
  sentAt: 0,
  gateway,
  policy: null,
  attempts: targets.map(attempt),
  outcome: "ok",
  latencyMs: 300,
});

describe("two faults sharing a region: each is detected only by what concerns it", () => {
  const openaiDown: Fault = { kind: "region-outage", at_s: 0, region: "eu-west", provider: "openai-sim", behaviour: "error-503" };
  const anthropicErrors: Fault = { kind: "error-rate", at_s: 0, region: "eu-west", provider: "anthropic-sim", rate: 1, status: 503 };
  const anthropicCircuit = transition("circuit", "eu-west", "eu-west→anthropic-sim@eu-west/claude-sonnet", "open");
  const openaiCircuit = transition("circuit", "eu-west", "eu-west→openai-sim@eu-west/gpt-4o", "open");

  it("a provider's circuit opening detects the fault naming that provider, not the other", () => {
    expect(transitionDetects(anthropicErrors, anthropicCircuit)).toBe(true);
    expect(transitionDetects(openaiDown, anthropicCircuit)).toBe(false);
    expect(transitionDetects(openaiDown, openaiCircuit)).toBe(true);
    expect(transitionDetects(anthropicErrors, openaiCircuit)).toBe(false);
  });

  it("the region's gateway failing or its withdrawal detects neither fault naming a provider, since either fault may have caused it", () => {
    const gatewayFailed = transition("gateway", "eu-west", "eu-west", "failed");
    const withdrawn = transition("director", "global", "eu-west", "regionsWithdrawn", "eu-west withdrawn: 3 failed checks");
    for (const fault of [openaiDown, anthropicErrors]) {
      expect(transitionDetects(fault, gatewayFailed)).toBe(false);
      expect(transitionDetects(fault, withdrawn)).toBe(false);
    }
  });

  it("an outage of the whole region is still detected by its gateway failing and by its withdrawal", () => {
    const { provider: _provider, ...wholeRegion } = openaiDown;
    expect(transitionDetects(wholeRegion, transition("gateway", "eu-west", "eu-west", "failed"))).toBe(true);
    expect(transitionDetects(wholeRegion, transition("director", "global", "eu-west", "regionsWithdrawn", "eu-west withdrawn: 3 failed checks"))).toBe(true);
  });
});

describe("latency faults", () => {
  const ownLink: Fault = { kind: "latency", at_s: 0, from: "eu-west", to: "eu-west", added_ms: 2_000 };
  const atlantic: Fault = { kind: "latency", at_s: 0, from: "us-east", to: "eu-west", added_ms: 6_000 };
  const p95 = "p95 7300 ms exceeds the 5000 ms budget";

  it("a latency fault on a gateway's own-region link touches the attempts that cross it", () => {
    expect(requestTouches(ownLink, request("eu-west", "openai-sim@eu-west/gpt-4o"))).toBe(true);
    expect(requestTouches(ownLink, request("eu-west", "openai-sim@eu-central/gpt-4o"))).toBe(false);
    expect(requestTouches(ownLink, request("eu-central", "openai-sim@eu-west/gpt-4o"))).toBe(false);
  });

  it("a path between two regions still touches only attempts across it, either way", () => {
    expect(requestTouches(atlantic, request("us-east", "openai-sim@eu-west/gpt-4o"))).toBe(true);
    expect(requestTouches(atlantic, request("eu-west", "openai-sim@us-east/gpt-4o"))).toBe(true);
    expect(requestTouches(atlantic, request("us-east", "openai-sim@us-east/gpt-4o"))).toBe(false);
  });

  it("is detected by a p95 alarm about a target across the path, not by a p95 alarm of an unrelated target at one end", () => {
    expect(transitionDetects(atlantic, transition("target-health", "us-east", "us-east→openai-sim@eu-west/gpt-4o", "degraded", p95))).toBe(true);
    expect(transitionDetects(atlantic, transition("target-health", "eu-west", "eu-west→openai-sim@us-east/gpt-4o", "degraded", p95))).toBe(true);
    expect(transitionDetects(atlantic, transition("target-health", "us-east", "us-east→small-sim@us-east/mini-1", "degraded", p95))).toBe(false);
    expect(transitionDetects(atlantic, transition("target-health", "eu-west", "eu-west→openai-sim@eu-west/gpt-4o", "degraded", p95))).toBe(false);
    expect(transitionDetects(ownLink, transition("target-health", "eu-west", "eu-west→openai-sim@eu-west/gpt-4o", "degraded", p95))).toBe(true);
    expect(transitionDetects(ownLink, transition("target-health", "eu-west", "eu-west→openai-sim@eu-central/gpt-4o", "degraded", p95))).toBe(false);
  });

  it("is not detected by an alarm across the path that is not about latency", () => {
    expect(transitionDetects(atlantic, transition("target-health", "us-east", "us-east→openai-sim@eu-west/gpt-4o", "degraded", "error rate 60 % over 20 requests"))).toBe(false);
  });
});

describe("which refusals a fault caused", () => {
  const refused = (gateway: string, rejectedBy: "identity" | "audit" | "residency", rejection?: "idp-unreachable" | "unknown-key" | "expired"): RequestRecord => ({
    ...request(gateway),
    outcome: "rejected",
    rejectedBy,
    reason: "refused",
    ...(rejection ? { identity: { kid: "k1", jti: "j", subject: "web", verdict: "rejected" as const, rejection, cacheAgeMs: 300_000 } } : {}),
  });

  it("an identity partition: its gateway's tokens refused for want of the identity provider, not tokens bad in themselves", () => {
    const fault: Fault = { kind: "idp-partition", at_s: 0, region: "eu-west" };
    expect(faultRefused(fault, refused("eu-west", "identity", "idp-unreachable"))).toBe(true);
    expect(faultRefused(fault, refused("eu-west", "identity", "unknown-key"))).toBe(true);
    expect(faultRefused(fault, refused("eu-west", "identity", "expired"))).toBe(false);
    expect(faultRefused(fault, refused("eu-central", "identity", "idp-unreachable"))).toBe(false);
  });

  it("an audit partition: its gateway's fail-closed refusals", () => {
    const fault: Fault = { kind: "audit-partition", at_s: 0, region: "eu-west" };
    expect(faultRefused(fault, refused("eu-west", "audit"))).toBe(true);
    expect(faultRefused(fault, refused("eu-west", "residency"))).toBe(false);
    expect(faultRefused(fault, refused("eu-central", "audit"))).toBe(false);
  });

  it("a whole region's outage: residency refusals of its callers, which touch it though nothing was attempted there", () => {
    const fault: Fault = { kind: "region-outage", at_s: 0, region: "eu-west", behaviour: "error-503" };
    expect(faultRefused(fault, refused("eu-west", "residency"))).toBe(true);
    expect(requestTouches(fault, refused("eu-west", "residency"))).toBe(true);
    expect(faultRefused(fault, refused("eu-west", "identity", "expired"))).toBe(false);
    // A fault naming one provider cannot know that no other provider was left.
    expect(faultRefused({ ...fault, provider: "openai-sim" }, refused("eu-west", "residency"))).toBe(false);
  });
});
