/**
 * Each section's defaults are one exported constant. These tests compare parses with those constants instead of
 * restating their numbers, so a default changes in one place; load.test.ts pins the anchors' values as numbers.
 */
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../engine";
import {
  AUDIT_DEFAULTS,
  CALLER_DEFAULTS,
  DIRECTOR_DEFAULTS,
  GATEWAY_DEFAULTS,
  HEADER_DEFAULTS,
  HEALTH_DEFAULTS,
  IDENTITY_DEFAULTS,
  POLICY_DEFAULTS,
  PROVIDER_DEFAULTS,
  scenarioSchema,
  type ScenarioInput,
} from "../../engine/scenario/schema";

type TopologyInput = ScenarioInput["topology"];
const deployment: TopologyInput["providers"][number]["deployments"][number] = { region: "eu-west", endpoint: "https://openai-sim.eu-west.sim.test", models: ["gpt-4o"] };
const provider: TopologyInput["providers"][number] = { id: "openai-sim", deployments: [deployment] };
const model: TopologyInput["models"][number] = { id: "chat-large", serves: [{ provider: "openai-sim", model: "gpt-4o" }] };
const population: TopologyInput["callers"][number] = { id: "eu-web", region: "eu-west", jurisdiction: "EU", model: "chat-large", rate_per_s: 5 };
/** Only what a scenario must say: every optional field and section left out. */
const minimal: ScenarioInput = {
  revision: 1,
  name: "minimal",
  duration_s: 60,
  topology: { regions: [{ id: "eu-west", jurisdiction: "EU", location: "Dublin" }], providers: [provider], models: [model], callers: [population] },
  policy: { residency: { EU: ["EU"] } },
};
const { deployment: DEPLOYMENT_DEFAULTS, ...PROVIDER_OWN_DEFAULTS } = PROVIDER_DEFAULTS;
const { bad_tokens: BAD_TOKEN_DEFAULTS, ...POPULATION_DEFAULTS } = CALLER_DEFAULTS;

/** The value at `keys` inside a JSON value, or undefined where it has none. */
const at = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, key) => (typeof v === "object" && v !== null ? Reflect.get(v, key) : undefined), value);

describe("scenario defaults", () => {
  it("parses a minimal scenario into what it says plus each section's exported defaults", () => {
    const scenario = scenarioSchema.parse(minimal);
    expect(scenario).toEqual({
      ...minimal,
      ...HEADER_DEFAULTS,
      topology: {
        ...minimal.topology,
        rtt_ms: [],
        providers: [{ ...provider, ...PROVIDER_OWN_DEFAULTS, deployments: [{ ...deployment, ...DEPLOYMENT_DEFAULTS }] }],
        models: [{ ...model, equivalents: [], long_context: [], content_policy_fallbacks: [] }],
        callers: [{ ...population, ...POPULATION_DEFAULTS }],
      },
      policy: { ...minimal.policy, ...POLICY_DEFAULTS },
      director: DIRECTOR_DEFAULTS,
      gateway: GATEWAY_DEFAULTS,
      health: HEALTH_DEFAULTS,
      audit: AUDIT_DEFAULTS,
      faults: [],
      expect: [],
    });
    expect(scenario).not.toHaveProperty("identity");
  });

  it("keeps the fields a section gives and fills the rest of it from the section's defaults", () => {
    const scenario = scenarioSchema.parse({
      ...minimal,
      topology: {
        ...minimal.topology,
        providers: [{ ...provider, status_page: { url: "https://status.openai-sim.test" } }],
        callers: [{ ...population, clients: 7, bad_tokens: { expired: 0.25 } }],
      },
      policy: { ...minimal.policy, outage_choice: "cross-border-with-consent" },
      director: { ttl_s: 30, layout: "active-passive", primary: "eu-west" },
      gateway: { max_attempts: 5, retry_budget: { budget_percent: 50 } },
      health: { probe: { interval_s: 5 }, circuit: { max_ejection_s: 600 } },
      audit: { flush_interval_ms: 200 },
      identity: { regions: ["eu-west"], max_staleness_s: 900 },
    });

    expect(scenario.topology.providers[0]!.status_page).toEqual({ ...PROVIDER_DEFAULTS.status_page, url: "https://status.openai-sim.test" });
    expect(scenario.topology.callers[0]).toEqual({ ...population, ...POPULATION_DEFAULTS, clients: 7, bad_tokens: { ...BAD_TOKEN_DEFAULTS, expired: 0.25 } });
    expect(scenario.policy).toEqual({ ...minimal.policy, ...POLICY_DEFAULTS, outage_choice: "cross-border-with-consent" });
    expect(scenario.director).toEqual({ ...DIRECTOR_DEFAULTS, ttl_s: 30, layout: "active-passive", primary: "eu-west" });
    expect(scenario.gateway).toEqual({ ...GATEWAY_DEFAULTS, max_attempts: 5, retry_budget: { ...GATEWAY_DEFAULTS.retry_budget, budget_percent: 50 } });
    expect(scenario.health).toEqual({
      ...HEALTH_DEFAULTS,
      probe: { ...HEALTH_DEFAULTS.probe, interval_s: 5 },
      circuit: { ...HEALTH_DEFAULTS.circuit, max_ejection_s: 600 },
    });
    expect(scenario.audit).toEqual({ ...AUDIT_DEFAULTS, flush_interval_ms: 200 });
    expect(scenario.identity).toEqual({ ...IDENTITY_DEFAULTS, regions: ["eu-west"], max_staleness_s: 900 });
  });

  it("shows editors a section's defaults filled in, as the JSON Schema's default of the section", () => {
    const schema = scenarioJsonSchema();
    expect(at(schema, "properties", "director", "default")).toEqual(DIRECTOR_DEFAULTS);
    expect(at(schema, "properties", "gateway", "default")).toEqual(GATEWAY_DEFAULTS);
    expect(at(schema, "properties", "gateway", "properties", "retry_budget", "default")).toEqual(GATEWAY_DEFAULTS.retry_budget);
    expect(at(schema, "properties", "health", "default")).toEqual(HEALTH_DEFAULTS);
    expect(at(schema, "properties", "health", "properties", "circuit", "default")).toEqual(HEALTH_DEFAULTS.circuit);
    expect(at(schema, "properties", "audit", "default")).toEqual(AUDIT_DEFAULTS);
  });
});
