import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../engine/clock";
import { GatewayHealthView } from "../../engine/health";
import { HEALTH_DEFAULTS } from "../../engine/scenario/schema";
import { planRoute } from "../../engine/routing";
import { Topology } from "../../engine/topology";
import { baseScenario } from "./helpers";

function setup(region = "eu-west", budget = 10_000) {
  const scenario = baseScenario({ policy: { residency: { EU: ["EU"] }, latency_budget_ms: budget } });
  const topology = new Topology(scenario);
  const health = new GatewayHealthView(region, scenario, topology, new VirtualClock(), () => {}, () => {});
  const targets = topology.targetsFor("chat-large");
  const byId = (id: string) => targets.find((t) => t.id === id)!;
  return { targets, health, byId, budget };
}

const EU = new Set(["EU"] as const);

describe("planRoute", () => {
  it("prefers the same region, then the model's own deployments before equivalents, then lower latency", () => {
    const { targets, health, budget } = setup();
    const plan = planRoute(targets, "eu-west", undefined, health, budget);
    expect(plan.candidates.map((t) => t.id)).toEqual([
      "openai-sim@eu-west/gpt-4o",
      "anthropic-sim@eu-west/claude-sonnet",
      "openai-sim@eu-central/gpt-4o",
      "openai-sim@us-east/gpt-4o",
    ]);
  });

  it("honours the residency decision: only allowed jurisdictions are candidates", () => {
    const { targets, health, budget } = setup();
    const plan = planRoute(targets, "eu-west", EU, health, budget);
    expect(plan.candidates.every((t) => t.endpoint.jurisdiction === "EU")).toBe(true);
    expect(plan.candidates).toHaveLength(3);
  });

  it("sends a half-open target its trial first, though its status page still reports the outage (issue 13, item 2)", async () => {
    const scenario = baseScenario({ policy: { residency: { EU: ["EU"] }, latency_budget_ms: 10_000 } });
    const topology = new Topology(scenario);
    const clock = new VirtualClock();
    const health = new GatewayHealthView("eu-west", scenario, topology, clock, () => {}, () => {});
    const targets = topology.targetsFor("chat-large");
    const primary = targets.find((t) => t.id === "openai-sim@eu-west/gpt-4o")!;
    for (let i = 0; i < 5; i++) health.recordOutcome(primary, false, undefined, "HTTP 503");
    health.recordStatusPage(primary.endpoint, "major_outage");
    await clock.runUntil(30_000);
    expect(health.circuitState(primary)).toBe("halfOpen");
    // The failures that opened the circuit are forgotten: the trial decides, not the minute-long error window.
    expect(health.findings(primary).map((f) => f.signal)).toEqual(["status-page"]);
    expect(planRoute(targets, "eu-west", EU, health, 10_000).candidates[0]).toBe(primary);
    health.beginAttempt(primary);
    expect(planRoute(targets, "eu-west", EU, health, 10_000).candidates.map((t) => t.id)).toEqual(["anthropic-sim@eu-west/claude-sonnet", "openai-sim@eu-central/gpt-4o"]);
  });

  it("joins a trial rather than failing open when every permitted target is in its half-open trial (issue 13, item 1)", async () => {
    const scenario = baseScenario({ policy: { residency: { EU: ["EU"] }, latency_budget_ms: 10_000 } });
    const topology = new Topology(scenario);
    const clock = new VirtualClock();
    const health = new GatewayHealthView("eu-west", scenario, topology, clock, () => {}, () => {});
    const targets = topology.targetsFor("chat-large");
    const eu = targets.filter((t) => t.endpoint.jurisdiction === "EU");
    for (const t of eu) for (let i = 0; i < 5; i++) health.recordOutcome(t, false, undefined, "HTTP 503");
    // A third EU deployment down for good: its probes fail, so it is not available.
    const down = eu.find((t) => t.id === "openai-sim@eu-central/gpt-4o")!;
    for (let i = 0; i < HEALTH_DEFAULTS.probe.unhealthy_threshold; i++) health.recordProbe(down.endpoint, false, "HTTP 503");
    await clock.runUntil(30_000);
    for (const t of eu) if (t !== down) health.beginAttempt(t);
    expect(eu.map((t) => [health.usable(t), health.available(t)])).toEqual(eu.map((t) => [false, t !== down]));
    const plan = planRoute(targets, "eu-west", EU, health, 10_000);
    expect(plan.candidates.map((t) => t.id)).toEqual(["openai-sim@eu-west/gpt-4o", "anthropic-sim@eu-west/claude-sonnet"]);
    expect(plan.notes).toEqual(["every permitted target is in its half-open trial: joining the trial"]);
  });

  it("routes around a target whose circuit is open", () => {
    const { targets, health, byId, budget } = setup();
    const primary = byId("openai-sim@eu-west/gpt-4o");
    for (let i = 0; i < 5; i++) health.recordOutcome(primary, false, undefined, "HTTP 503");
    const plan = planRoute(targets, "eu-west", EU, health, budget);
    expect(plan.candidates.map((t) => t.id)).toEqual(["anthropic-sim@eu-west/claude-sonnet", "openai-sim@eu-central/gpt-4o"]);
  });

  it("skips a target whose measured p95 exceeds the budget when an alternative within budget exists", () => {
    const { targets, health, byId } = setup("eu-west", 5_000);
    const slow = byId("openai-sim@eu-west/gpt-4o");
    for (let i = 0; i < 10; i++) health.recordOutcome(slow, true, 7_000, "ok");
    const plan = planRoute(targets, "eu-west", EU, health, 5_000);
    expect(plan.candidates.map((t) => t.id)).not.toContain(slow.id);
    expect(plan.notes.join("\n")).toMatch(/skipped openai-sim@eu-west\/gpt-4o: expected 7000 ms exceeds the 5000 ms budget/);
  });

  it("keeps a slow target when nothing within budget exists", () => {
    const { targets, health } = setup("eu-west", 100);
    const plan = planRoute(targets, "eu-west", EU, health, 100);
    expect(plan.candidates).toHaveLength(3);
    expect(plan.notes).toEqual([]);
  });

  it("fails open, saying so, when every permitted target is unusable", () => {
    const { targets, health, budget } = setup();
    for (const t of targets) for (let i = 0; i < 5; i++) health.recordOutcome(t, false, undefined, "HTTP 503");
    const plan = planRoute(targets, "eu-west", EU, health, budget);
    expect(plan.candidates).toHaveLength(3);
    expect(plan.notes[0]).toMatch(/fail-open, like Envoy's panic mode/);
  });
});
