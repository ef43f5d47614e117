import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../engine/clock";
import { firstStep } from "../../engine/gateway/retryPolicy";
import { GatewayHealthView } from "../../engine/health";
import { seededRandom } from "../../engine/random";
import { planRoute } from "../../engine/routing";
import type { ScenarioInput } from "../../engine/scenario/schema";
import { Topology } from "../../engine/topology";
import { baseScenario } from "./helpers";

type ModelInput = ScenarioInput["topology"]["models"][number];

/** The base scenario with anthropic-sim's eu-west deployment fast and openai-sim's slow, and `model` as chat-large. */
function setup(model: Partial<ModelInput> = {}, anthropicModel: string | { model: string; rpm?: number; tpm?: number } = "claude-sonnet") {
  const base = baseScenario();
  const scenario = baseScenario({
    topology: {
      ...base.topology,
      providers: [
        {
          id: "openai-sim",
          deployments: base.topology.providers[0]!.deployments.map((d) => ({ ...d, latency: { median_ms: 900, p95_ms: 2_000 } })),
        },
        {
          id: "anthropic-sim",
          deployments: [{ region: "eu-west", endpoint: "https://anthropic-sim.eu-west.sim.test", models: [anthropicModel], latency: { median_ms: 200, p95_ms: 400 } }],
        },
      ],
      models: [{ id: "chat-large", serves: [{ provider: "openai-sim", model: "gpt-4o" }], equivalents: [{ provider: "anthropic-sim", model: "claude-sonnet" }], ...model }],
    },
  });
  const topology = new Topology(scenario);
  const health = new GatewayHealthView("eu-west", scenario, topology, new VirtualClock(), () => {}, () => {});
  return { topology, health, targets: topology.targetsFor("chat-large") };
}

const ids = (plan: { candidates: readonly { id: string }[] }) => plan.candidates.map((t) => t.id);

describe("routing_strategy", () => {
  it("leaves the plan as it was when the fields are absent, and when weights are given without a strategy", () => {
    const plain = setup();
    const withWeights = setup({
      serves: [{ provider: "openai-sim", model: "gpt-4o", weight: 1 }],
      equivalents: [{ provider: "anthropic-sim", model: "claude-sonnet", weight: 50 }],
    });
    const expected = ["openai-sim@eu-west/gpt-4o", "anthropic-sim@eu-west/claude-sonnet", "openai-sim@eu-central/gpt-4o", "openai-sim@us-east/gpt-4o"];
    expect(ids(planRoute(plain.targets, "eu-west", undefined, plain.health, 10_000))).toEqual(expected);
    const random = seededRandom(1);
    expect(ids(planRoute(withWeights.targets, "eu-west", undefined, withWeights.health, 10_000, { strategy: withWeights.topology.strategyFor("chat-large"), random: () => random }))).toEqual(expected);
    expect(withWeights.topology.strategyFor("chat-large")).toBe("ordered");
  });

  it("latency: puts a faster equivalent before the model's own deployment in the same region, but not before the region", () => {
    const { topology, health, targets } = setup({ routing_strategy: "latency" });
    expect(topology.strategyFor("chat-large")).toBe("latency");
    const plan = planRoute(targets, "eu-west", undefined, health, 10_000, { strategy: "latency" });
    expect(ids(plan)).toEqual(["anthropic-sim@eu-west/claude-sonnet", "openai-sim@eu-west/gpt-4o", "openai-sim@eu-central/gpt-4o", "openai-sim@us-east/gpt-4o"]);
  });

  it("weighted: sends roughly 3 in 4 requests first to the target of weight 3 against weight 1, the same for the same seed", () => {
    const { targets, health } = setup({
      routing_strategy: "weighted",
      serves: [
        { provider: "openai-sim", model: "gpt-4o", weight: 3 },
        { provider: "anthropic-sim", model: "claude-sonnet", weight: 1 },
      ],
      equivalents: [],
    });
    const firsts = (seed: number) => {
      const root = seededRandom(seed);
      return Array.from({ length: 2_000 }, (_, i) => planRoute(targets, "eu-west", undefined, health, 10_000, { strategy: "weighted", random: () => root.fork(`r${i}`) }));
    };
    const plans = firsts(7);
    const share = plans.filter((p) => p.candidates[0]!.id === "openai-sim@eu-west/gpt-4o").length / plans.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
    // The pick only reorders the first-equal targets: the other region's stay behind them, in their order.
    for (const p of plans) expect(ids(p).slice(2)).toEqual(["openai-sim@eu-central/gpt-4o", "openai-sim@us-east/gpt-4o"]);
    expect(firsts(7).map((p) => p.candidates[0]!.id)).toEqual(plans.map((p) => p.candidates[0]!.id));
  });

  it("weighted: does not mix the model's own deployments with equivalents", () => {
    const { targets, health } = setup({
      routing_strategy: "weighted",
      serves: [{ provider: "openai-sim", model: "gpt-4o", weight: 1 }],
      equivalents: [{ provider: "anthropic-sim", model: "claude-sonnet", weight: 1_000 }],
    });
    const root = seededRandom(3);
    for (let i = 0; i < 50; i++)
      expect(planRoute(targets, "eu-west", undefined, health, 10_000, { strategy: "weighted", random: () => root.fork(`r${i}`) }).candidates[0]!.id).toBe("openai-sim@eu-west/gpt-4o");
  });
});

describe("rate limits in the plan", () => {
  it("carries a deployed model's rpm/tpm to its target, and none to targets without", () => {
    const { targets } = setup({}, { model: "claude-sonnet", rpm: 600, tpm: 90_000 });
    expect(targets.find((t) => t.id === "anthropic-sim@eu-west/claude-sonnet")!.limits).toEqual({ rpm: 600, tpm: 90_000 });
    expect(targets.find((t) => t.id === "openai-sim@eu-west/gpt-4o")!.limits).toBeUndefined();
  });

  it("skips a target at its limit, with a note, for the next one", () => {
    const { targets, health } = setup();
    const plan = planRoute(targets, "eu-west", undefined, health, 10_000, { atLimit: (t) => (t.id === "openai-sim@eu-west/gpt-4o" ? "at its rpm limit 600" : undefined) });
    expect(ids(plan)[0]).toBe("anthropic-sim@eu-west/claude-sonnet");
    expect(ids(plan)).not.toContain("openai-sim@eu-west/gpt-4o");
    expect(plan.notes).toContain("skipped openai-sim@eu-west/gpt-4o: at its rpm limit 600");
    expect(plan.exhausted).toBeUndefined();
  });

  it("refuses when every permitted target is at its limit: no candidates, and dispatch stops with the reason", () => {
    const { targets, health } = setup();
    const EU = new Set(["EU"] as const);
    // Only the US target has room, and residency forbids it.
    const plan = planRoute(targets, "eu-west", EU, health, 10_000, { atLimit: (t) => (t.endpoint.jurisdiction === "EU" ? "at its rpm limit 1" : undefined) });
    expect(plan.candidates).toEqual([]);
    expect(plan.exhausted).toMatch(/^No deployments available/);
    expect(firstStep(plan.candidates, plan.exhausted)).toEqual({ kind: "stop", reason: plan.exhausted });
  });
});
