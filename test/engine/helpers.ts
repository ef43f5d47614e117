/** Scenario builders for engine tests: a valid base scenario that each test bends to its purpose. */
import { scenarioSchema, type Scenario, type ScenarioInput } from "../../engine/scenario/schema";

export function baseScenario(overrides: Partial<ScenarioInput> = {}): Scenario {
  const input: ScenarioInput = {
    revision: 1,
    name: "test",
    duration_s: 120,
    topology: {
      regions: [
        { id: "eu-west", jurisdiction: "EU", location: "Dublin" },
        { id: "eu-central", jurisdiction: "EU", location: "Frankfurt" },
        { id: "us-east", jurisdiction: "US", location: "Virginia" },
      ],
      rtt_ms: [
        ["eu-west", "eu-central", 25],
        ["eu-west", "us-east", 75],
        ["eu-central", "us-east", 90],
      ],
      providers: [
        {
          id: "openai-sim",
          deployments: [
            { region: "eu-west", endpoint: "https://openai-sim.eu-west.sim.test", models: ["gpt-4o"] },
            { region: "eu-central", endpoint: "https://openai-sim.eu-central.sim.test", models: ["gpt-4o"] },
            { region: "us-east", endpoint: "https://openai-sim.us-east.sim.test", models: ["gpt-4o"] },
          ],
        },
        {
          id: "anthropic-sim",
          deployments: [{ region: "eu-west", endpoint: "https://anthropic-sim.eu-west.sim.test", models: ["claude-sonnet"] }],
        },
      ],
      models: [
        {
          id: "chat-large",
          serves: [{ provider: "openai-sim", model: "gpt-4o" }],
          equivalents: [{ provider: "anthropic-sim", model: "claude-sonnet" }],
        },
      ],
      callers: [{ id: "eu-web", region: "eu-west", jurisdiction: "EU", model: "chat-large", rate_per_s: 5 }],
    },
    policy: { residency: { EU: ["EU"] } },
    ...overrides,
  };
  return scenarioSchema.parse(input);
}
