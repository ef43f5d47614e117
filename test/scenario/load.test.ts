import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblems, loadScenarioFile, parseScenario, ScenarioError, scenarioJsonSchemaText } from "../../engine";
import { CALLER_DEFAULTS, HEADER_DEFAULTS, HEALTH_DEFAULTS, POLICY_DEFAULTS, PROVIDER_DEFAULTS } from "../../engine/scenario/schema";

const scenarios = join(import.meta.dirname, "../../scenarios");
const minimal = readFileSync(join(import.meta.dirname, "../fixtures/minimal-scenario.yaml"), "utf8");

/** The problems for `text`, failing the test if it parses. */
function problemsOf(text: string) {
  const result = parseScenario(text, "case.yaml");
  expect(result.ok, "the text must not parse").toBe(false);
  return result.ok ? [] : result.problems;
}

describe("loading scenarios", () => {
  it("loads every shipped scenario, each pointing editors at the JSON Schema", () => {
    const files = readdirSync(scenarios).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const text = readFileSync(join(scenarios, file), "utf8");
      expect(text.startsWith("# yaml-language-server: $schema=./scenario.schema.json\n"), file).toBe(true);
      expect(loadScenarioFile(join(scenarios, file)).revision).toBe(1);
    }
  });

  it("parses the minimal fixture, filling every default", () => {
    expect(minimal.startsWith("# yaml-language-server: $schema=../../scenarios/scenario.schema.json\n")).toBe(true);
    const result = parseScenario(minimal, "minimal-scenario.yaml");
    if (!result.ok) throw new Error(formatProblems(result.problems));
    const { scenario } = result;
    expect(scenario.health).toEqual(HEALTH_DEFAULTS);
    expect(scenario.policy.outage_choice).toBe(POLICY_DEFAULTS.outage_choice);
    expect(scenario.policy.residency_scope).toBe(POLICY_DEFAULTS.residency_scope);
    expect(scenario.topology.callers[0]).toMatchObject({ consent_share: CALLER_DEFAULTS.consent_share, clients: CALLER_DEFAULTS.clients });
    expect(scenario.topology.providers[0]!.deployments[0]!.latency).toEqual(PROVIDER_DEFAULTS.deployment.latency);
    expect(scenario.seed).toBe(HEADER_DEFAULTS.seed);
  });

  it("names fields with [i] for list items, at the line and column of the value", () => {
    const [problem, ...rest] = problemsOf(minimal.replace('endpoint: "https://openai-sim.us-east.sim.test"', 'endpoint: "gopher://x"'));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: "case.yaml", line: 14, column: 40, field: "topology.providers[0].deployments[1].endpoint" });
    expect(formatProblems([problem!])).toBe('case.yaml:14:40: topology.providers[0].deployments[1].endpoint: must be an http(s) URL, got "gopher://x"');
  });

  it("points an unknown key at the key itself, one problem per key, listing what is allowed", () => {
    const problems = problemsOf(minimal.replace("rate_per_s: 5 }", "rate_per_s: 5, ratee: 1, burst: 2 }"));
    expect(problems.map((p) => [p.line, p.column, p.field])).toEqual([
      [19, 90, "topology.callers[0].ratee"],
      [19, 100, "topology.callers[0].burst"],
    ]);
    expect(problems[0]!.message).toMatch(/^unknown key "ratee"; allowed here: id, region, .*rate_per_s/);
  });

  it("points a missing field at the key of the mapping that lacks it", () => {
    const [problem] = problemsOf(minimal.replace("  residency: { EU: [EU] }\n", "  outage_choice: reject\n"));
    expect(problem).toMatchObject({ line: 20, column: 1, field: "policy.residency", message: "required, but missing; expected a mapping" });
  });

  it("sorts problems by position, locating a value that comes from an alias at the alias", () => {
    const text = minimal.replace("duration_s: 120", "duration_s: &d -120").replace("at_s: 30,", "at_s: *d,").replace("rate_per_s: 5", "rate_per_s: 0");
    expect(problemsOf(text).map((p) => `${p.line}:${p.column}:${p.field}`)).toEqual(["5:16:duration_s", "19:87:topology.callers[0].rate_per_s", "23:34:faults[0].at_s"]);
  });

  it("reports a revision it cannot read as its only problem", () => {
    expect(problemsOf(minimal.replace("revision: 1", "revision: 3").replace("rate_per_s: 5", "rate_per_s: -1"))).toEqual([
      { file: "case.yaml", line: 3, column: 11, field: "revision", message: "this build reads revision 1; the file is revision 3" },
    ]);
  });

  // The anchors' values stated as numbers on purpose: changing a default (shared/ANCHORS.md) must show up here as a decision.
  it("fills defaults from the systems they follow", () => {
    const scenario = loadScenarioFile(join(scenarios, "eu-region-outage.yaml"));
    expect(scenario.health.circuit).toEqual({ consecutive_failures: 5, base_ejection_s: 30, max_ejection_s: 300, half_open_trials: 1 });
    expect(scenario.health.probe).toEqual({ interval_s: 10, timeout_ms: 2000, unhealthy_threshold: 6, healthy_threshold: 3 });
    expect(scenario.director).toMatchObject({ mode: "dns", ttl_s: 60, check_interval_s: 10, failure_threshold: 3 });
    expect(scenario.gateway).toEqual({
      attempt_timeout_ms: 10_000,
      first_token_timeout_ms: 5_000,
      stream_idle_timeout_ms: 5_000,
      max_attempts: 3,
      backoff_base_ms: 100,
      max_retry_after_s: 10,
      retry_budget: { budget_percent: 20, min_retry_concurrency: 3 },
      retriable_status_codes: [429, 500],
      failover_status_codes: ["5xx", 404, 408, 409],
      max_in_flight: 1_024,
      stream_holdback: { chunks: 0 },
    });
  });

  it("reports every problem in a file, each with its own line and field", () => {
    const text = readFileSync(join(scenarios, "eu-region-outage.yaml"), "utf8").replace("duration_s: 480", "duration_s: -1").replace("rate_per_s: 12", "rate_per_s: many");
    const result = parseScenario(text, "two-problems.yaml");
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.field).sort()).toEqual(["duration_s", "topology.callers[0].rate_per_s"]);
    expect(new Set(problems.map((p) => p.line)).size).toBe(2);
  });

  it("names the path of a file it cannot read", () => {
    expect(() => loadScenarioFile("/no/such/scenario.yaml")).toThrow(ScenarioError);
    expect(() => loadScenarioFile("/no/such/scenario.yaml")).toThrow(/^\/no\/such\/scenario\.yaml:1:1: cannot read the file: ENOENT/);
  });

  it("ships a JSON Schema identical to the one generated from the zod schema (run `npm run schema` after changing it)", () => {
    expect(readFileSync(join(scenarios, "scenario.schema.json"), "utf8")).toBe(scenarioJsonSchemaText());
  });
});
