/** The benchmark's drill: 10 virtual minutes at 50 requests/s over 3 regions, with an outage in the middle. */
import type { ScenarioInput } from "../engine";

export function benchScenario(): ScenarioInput {
  const regions = [
    { id: "eu-west", jurisdiction: "EU", location: "Dublin" },
    { id: "eu-central", jurisdiction: "EU", location: "Frankfurt" },
    { id: "us-east", jurisdiction: "US", location: "Virginia" },
  ] as const;
  return {
    revision: 1,
    name: "bench: 10 min at 50 req/s over 3 regions",
    duration_s: 600,
    topology: {
      regions: [...regions],
      rtt_ms: [
        ["eu-west", "eu-central", 25],
        ["eu-west", "us-east", 75],
        ["eu-central", "us-east", 90],
      ],
      providers: [
        {
          id: "openai-sim",
          deployments: regions.map((r) => ({ region: r.id, endpoint: `https://openai-sim.${r.id}.sim.test`, models: ["gpt-4o"] })),
        },
      ],
      models: [{ id: "chat-large", serves: [{ provider: "openai-sim", model: "gpt-4o" }] }],
      callers: [
        { id: "eu-west-app", region: "eu-west", jurisdiction: "EU", model: "chat-large", rate_per_s: 20, consent_share: 0.2 },
        { id: "eu-central-app", region: "eu-central", jurisdiction: "EU", model: "chat-large", rate_per_s: 10 },
        { id: "us-app", region: "us-east", jurisdiction: "US", model: "chat-large", rate_per_s: 20 },
      ],
    },
    policy: { residency: { EU: ["EU"] } },
    faults: [{ kind: "region-outage", at_s: 240, heal_s: 420, region: "eu-west" }],
  };
}
