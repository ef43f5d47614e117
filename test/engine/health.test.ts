import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../engine/clock";
import type { TransitionEvent } from "../../engine/events";
import { GatewayHealthView } from "../../engine/health";
import { HEALTH_DEFAULTS } from "../../engine/scenario/schema";
import { Topology } from "../../engine/topology";
import { baseScenario } from "./helpers";

/** Failed probes in a row that take an endpoint down at the defaults. */
const FAILS_TO_DOWN = HEALTH_DEFAULTS.probe.unhealthy_threshold;

function setup(overrides = {}) {
  const scenario = baseScenario(overrides);
  const topology = new Topology(scenario);
  const clock = new VirtualClock();
  const events: TransitionEvent[] = [];
  const health = new GatewayHealthView("eu-west", scenario, topology, clock, (e) => events.push(e), () => {});
  const target = topology.targetsFor("chat-large").find((t) => t.id === "openai-sim@eu-west/gpt-4o")!;
  return { scenario, topology, clock, events, health, target };
}

describe("GatewayHealthView circuits", () => {
  it("opens after 5 consecutive failures (Envoy), explains why, and ejects for 30 s × ejections", async () => {
    const { clock, events, health, target } = setup();
    for (let i = 0; i < 4; i++) health.recordOutcome(target, false, undefined, "HTTP 503");
    expect(health.circuitState(target)).toBe("closed");
    health.recordOutcome(target, false, undefined, "HTTP 503");
    expect(health.circuitState(target)).toBe("open");
    expect(health.usable(target)).toBe(false);
    expect(events.find((e) => e.machine === "circuit")).toMatchObject({ machine: "circuit", from: "closed", to: "open", t: 0, cause: expect.stringMatching(/5 consecutive failures \(last: HTTP 503\)/) });

    await clock.runUntil(29_999);
    expect(health.circuitState(target)).toBe("open");
    await clock.runUntil(30_000);
    expect(health.circuitState(target)).toBe("halfOpen");
    expect(health.usable(target)).toBe(true);
    health.beginAttempt(target);
    // Hystrix's single trial: a second request waits while the first is out.
    expect(health.usable(target)).toBe(false);
    health.recordOutcome(target, false, undefined, "HTTP 503");
    expect(health.circuitState(target)).toBe("open");
    // Second ejection lasts twice as long.
    await clock.runUntil(30_000 + 59_999);
    expect(health.circuitState(target)).toBe("open");
    await clock.runUntil(30_000 + 60_000);
    expect(health.circuitState(target)).toBe("halfOpen");
    health.beginAttempt(target);
    health.recordOutcome(target, true, 800, "ok");
    expect(health.circuitState(target)).toBe("closed");
    expect(events.filter((e) => e.machine === "circuit").map((e) => e.to)).toEqual(["open", "halfOpen", "open", "halfOpen", "closed"]);
  });

  it("takes an attempt its caller gave up on as no outcome: the half-open trial it held is free, and nothing is counted", async () => {
    const { clock, events, health, target } = setup();
    for (let i = 0; i < 5; i++) health.recordOutcome(target, false, undefined, "HTTP 503");
    await clock.runUntil(30_000);
    expect(health.circuitState(target)).toBe("halfOpen");
    health.beginAttempt(target);
    expect(health.usable(target)).toBe(false);
    health.releaseAttempt(target);
    // Neither a failed trial (open again) nor a passed one (closed): the next request is the trial.
    expect(health.circuitState(target)).toBe("halfOpen");
    expect(health.usable(target)).toBe(true);
    expect(events.filter((e) => e.machine === "circuit").map((e) => e.to)).toEqual(["open", "halfOpen"]);
  });

  it("trips on a failure rate over 50 % of at least 5 requests in the window (LiteLLM), without 5 in a row", () => {
    const { health, target } = setup();
    const pattern = [true, false, false, true, false, false];
    for (const ok of pattern) health.recordOutcome(target, ok, ok ? 500 : undefined, ok ? "ok" : "HTTP 500");
    expect(health.circuitState(target)).toBe("open");
  });

  it("keeps the circuit closed when failures are interleaved with enough successes", () => {
    const { health, target } = setup();
    for (let i = 0; i < 40; i++) health.recordOutcome(target, i % 3 !== 0, 500, "x");
    expect(health.circuitState(target)).toBe("closed");
  });
});

describe("GatewayHealthView signals", () => {
  it("applies probe hysteresis: the unhealthy threshold's failures (6) to go unhealthy, 3 successes to come back", () => {
    const { health, target, events } = setup();
    const endpoint = target.endpoint;
    for (let i = 1; i < FAILS_TO_DOWN; i++) health.recordProbe(endpoint, false, "timeout");
    expect(health.state(target)).toBe("healthy");
    health.recordProbe(endpoint, false, "timeout");
    expect(health.state(target)).toBe("unhealthy");
    expect(health.findings(target)[0]).toMatchObject({ signal: "probe", detail: expect.stringMatching(/6 consecutive probes failed/) });
    health.recordProbe(endpoint, true, "ok");
    health.recordProbe(endpoint, true, "ok");
    health.recordProbe(endpoint, false, "timeout");
    health.recordProbe(endpoint, true, "ok");
    health.recordProbe(endpoint, true, "ok");
    expect(health.state(target)).toBe("unhealthy");
    health.recordProbe(endpoint, true, "ok");
    expect(health.state(target)).toBe("healthy");
    expect(events.filter((e) => e.machine === "target-health" && e.subject.endsWith("openai-sim@eu-west/gpt-4o")).map((e) => e.to)).toEqual(["unhealthy", "healthy"]);
  });

  it("marks a target degraded, not ejected, when its p95 exceeds the latency budget or its status page reports trouble", () => {
    const { health, target } = setup({ policy: { residency: { EU: ["EU"] }, latency_budget_ms: 2000 } });
    for (let i = 0; i < 20; i++) health.recordOutcome(target, true, 3000 + i, "ok");
    expect(health.state(target)).toBe("degraded");
    expect(health.usable(target)).toBe(true);
    expect(health.findings(target).map((f) => f.signal)).toEqual(["passive-latency"]);
    expect(health.expectedMs(target)).toBeGreaterThan(3000);
    health.recordStatusPage(target.endpoint, "major_outage");
    expect(health.findings(target).map((f) => f.signal)).toEqual(["status-page", "passive-latency"]);
    expect(health.state(target)).toBe("degraded");
  });

  it("ends an ejection early when the endpoint's probes come back, so it never outlasts a recovery the probes saw", async () => {
    const { clock, health, target, events } = setup();
    for (let i = 0; i < 5; i++) health.recordOutcome(target, false, undefined, "HTTP 503");
    for (let i = 0; i < FAILS_TO_DOWN; i++) health.recordProbe(target.endpoint, false, "HTTP 503");
    await clock.runUntil(30_000);
    // Unhealthy, so no trial goes out; force a second, longer ejection (60 s) with a failed trial.
    health.beginAttempt(target);
    health.recordOutcome(target, false, undefined, "HTTP 503");
    expect(health.circuitState(target)).toBe("open");
    await clock.runUntil(40_000);
    for (let i = 0; i < 3; i++) health.recordProbe(target.endpoint, true, "ok");
    expect(health.circuitState(target)).toBe("halfOpen");
    expect(health.usable(target)).toBe(true);
    expect(events.filter((e) => e.machine === "circuit").at(-1)).toMatchObject({ t: 40_000, to: "halfOpen", cause: "ejection ended early: 3 consecutive probes passed" });
  });

  it("forgets outcomes older than the window", async () => {
    const { clock, health, target } = setup();
    for (const ok of [true, false, true, false]) health.recordOutcome(target, ok, ok ? 500 : undefined, "x");
    await clock.runUntil(61_000);
    // Counted with the old outcomes this would be 3 failures in 5 (60 %), enough to trip.
    health.recordOutcome(target, false, undefined, "HTTP 500");
    expect(health.circuitState(target)).toBe("closed");
  });
});
