import { describe, expect, it } from "vitest";
import { ROUTE53_HEALTHY_CHECKER_SHARE, checkerQuorum, seeReadiness } from "../../engine/directorChecks";
import { judgeReadiness, readReadiness, type ReadinessReport } from "../../engine/readiness";

/** Checkers' views, one character each: "+" sees the gateway ready, "-" does not. */
const views = (s: string) => [...s].map((c) => c === "+");

describe("checkerQuorum (Route 53: healthy when more than 18 % of checkers say so)", () => {
  it("uses Route 53's share", () => {
    expect(ROUTE53_HEALTHY_CHECKER_SHARE).toBe(0.18);
  });

  it.each([
    { seen: "+", passes: true, why: "one checker that sees it" },
    { seen: "-", passes: false, why: "one checker that does not" },
    { seen: "+-", passes: true, why: "half the checkers cut still passes" },
    { seen: "+--", passes: true, why: "a third (33 %) is more than 18 %" },
    { seen: "+----", passes: true, why: "one of five is 20 %" },
    { seen: "+-----", passes: false, why: "one of six is 16.7 %, not more than 18 %" },
    { seen: "++------", passes: true, why: "two of eight is 25 %" },
    { seen: `+${"-".repeat(15)}`, passes: false, why: "one of sixteen" },
    { seen: "------", passes: false, why: "no checker sees it" },
  ])("$seen → $passes: $why", ({ seen, passes }) => {
    expect(checkerQuorum(views(seen))).toBe(passes);
  });
});

const report = (over: Partial<ReadinessReport> = {}): ReadinessReport => ({ ready: true, detail: "healthy; 1/1 local targets usable", served_p95_ms: 2400, degraded_providers: [], ...over });

describe("judgeReadiness", () => {
  it("without drain settings keeps every ready gateway, however slow or degraded (today's director)", () => {
    expect(judgeReadiness(report({ served_p95_ms: 60_000, degraded_providers: ["openai-sim"] }), {})).toEqual({ verdict: "ready" });
  });

  it.each([
    { over: { served_p95_ms: 5001 }, settings: { drain_p95_ms: 5000 }, reason: "served p95 5001 ms over the 5000 ms drain threshold" },
    { over: { served_p95_ms: 5000 }, settings: { drain_p95_ms: 5000 }, reason: undefined },
    { over: { served_p95_ms: null }, settings: { drain_p95_ms: 5000 }, reason: undefined },
    { over: { degraded_providers: ["openai-sim"] }, settings: { drain_on_provider_status: true }, reason: "status page of openai-sim not operational" },
    { over: { degraded_providers: ["openai-sim"] }, settings: { drain_on_provider_status: false }, reason: undefined },
    {
      over: { served_p95_ms: 7321.6, degraded_providers: ["a-sim", "b-sim"] },
      settings: { drain_p95_ms: 5000, drain_on_provider_status: true },
      reason: "served p95 7322 ms over the 5000 ms drain threshold; status page of a-sim, b-sim not operational",
    },
  ])("$over with $settings → $reason", ({ over, settings, reason }) => {
    expect(judgeReadiness(report(over), settings)).toEqual(reason === undefined ? { verdict: "ready" } : { verdict: "drain", reason });
  });

  it("reads a body without the director's fields as nothing to report", () => {
    expect(readReadiness({ ready: true, detail: "healthy" })).toEqual({ ready: true, detail: "healthy", served_p95_ms: null, degraded_providers: [] });
    expect(readReadiness(undefined)).toEqual({ ready: false, detail: "", served_p95_ms: null, degraded_providers: [] });
  });
});

describe("seeReadiness (one checker's view)", () => {
  it("fails a gateway that did not answer 200 with what it said, and one the drain settings reject with why", () => {
    expect(seeReadiness({ status: 0, body: undefined, error: "timeout after 2000 ms", ms: 2000 }, {})).toEqual({ ok: false, detail: "timeout after 2000 ms" });
    expect(seeReadiness({ status: 503, body: report({ ready: false, detail: "failed; 0/1 local targets usable" }), ms: 1 }, {})).toEqual({ ok: false, detail: "HTTP 503: failed; 0/1 local targets usable" });
    expect(seeReadiness({ status: 200, body: report({ served_p95_ms: 9000 }), ms: 1 }, { drain_p95_ms: 5000 })).toEqual({ ok: false, detail: "served p95 9000 ms over the 5000 ms drain threshold" });
    expect(seeReadiness({ status: 200, body: report({ served_p95_ms: 9000 }), ms: 1 }, {})).toEqual({ ok: true, detail: "ready" });
  });
});
