/**
 * Cross-reference checks run section by section; the order of their issues is what a person reads when two land
 * on the same field, so it is pinned here for a scenario broken in every section at once.
 */
import { describe, expect, it } from "vitest";
import { scenarioSchema, type ScenarioInput } from "../../engine/scenario/schema";

const brokenEverywhere: ScenarioInput = {
  revision: 1,
  name: "broken in every section",
  duration_s: 60,
  topology: {
    regions: [
      { id: "eu-west", jurisdiction: "EU", location: "Dublin" },
      { id: "us-east", jurisdiction: "US", location: "Virginia" },
      { id: "eu-west", jurisdiction: "EU", location: "Dublin again" },
    ],
    rtt_ms: [["eu-west", "mars", 10]],
    providers: [
      {
        id: "openai-sim",
        deployments: [
          { region: "eu-west", endpoint: "https://openai-sim.eu-west.sim.test", models: ["gpt-4o"] },
          { region: "venus", endpoint: "https://openai-sim.venus.sim.test", models: ["gpt-4o"] },
          { region: "venus", endpoint: "https://openai-sim.venus2.sim.test", models: ["gpt-4o"] },
        ],
      },
    ],
    models: [{ id: "chat-large", serves: [{ provider: "openai-sim", model: "gpt-5" }] }],
    callers: [{ id: "eu-web", region: "eu-west", jurisdiction: "EU", model: "chat-small", rate_per_s: 5, bad_tokens: { expired: 0.1 } }],
  },
  policy: { residency: { EU: ["EU"] }, outage_choice: "cross-border-with-transfer-mechanism" },
  director: { layout: "active-passive" },
  health: { circuit: { base_ejection_s: 60, max_ejection_s: 30 } },
  audit: { pattern: "per-region", destination: "us-east", high_risk_replicas: 3 },
  faults: [{ kind: "gateway-down", at_s: 90, region: "pluto" }],
};

describe("cross-reference checks", () => {
  it("report every section's problems in the order of the file, and a field's problems in a fixed order", () => {
    const result = scenarioSchema.safeParse(brokenEverywhere);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).toEqual([
      'topology.regions.2.id: duplicate region "eu-west"',
      'topology.rtt_ms.0.1: unknown region "mars" (known: eu-west, us-east)',
      'topology.providers.0.deployments.1.region: unknown region "venus" (known: eu-west, us-east)',
      'topology.providers.0.deployments.2.region: unknown region "venus" (known: eu-west, us-east)',
      'topology.providers.0.deployments.2.region: provider "openai-sim" is already deployed in "venus"',
      'topology.models.0.serves.0.model: provider "openai-sim" deploys no model "gpt-5"',
      "topology.callers.0.bad_tokens: bad tokens need an identity section: without one callers send no tokens",
      'topology.callers.0.model: unknown logical model "chat-small" (known: chat-large)',
      "policy.transfer_mechanism: required when outage_choice is cross-border-with-transfer-mechanism (e.g. SCC)",
      "director.primary: active-passive needs a primary region",
      "health.circuit.max_ejection_s: must not be below base_ejection_s",
      "audit.high_risk_replicas: cannot exceed the number of regions (2): each copy is in a region of its own",
      "audit.destination: per-region (Pattern B) keeps each region's log in that region; destination applies to central only",
      'faults.0.region: unknown region "pluto" (known: eu-west, us-east)',
      "faults.0.at_s: fault starts after the run ends (duration_s 60)",
    ]);
  });
});
