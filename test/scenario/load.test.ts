import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, parseScenario, ScenarioError, scenarioJsonSchemaText } from "../../engine";

const scenarios = join(import.meta.dirname, "../../scenarios");

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

  it("fills defaults from the systems they follow", () => {
    const scenario = loadScenarioFile(join(scenarios, "eu-region-outage.yaml"));
    expect(scenario.health.circuit).toEqual({ consecutive_failures: 5, base_ejection_s: 30, max_ejection_s: 300, half_open_trials: 1 });
    expect(scenario.health.probe).toEqual({ interval_s: 10, timeout_ms: 2000, unhealthy_threshold: 3, healthy_threshold: 3 });
    expect(scenario.director).toMatchObject({ mode: "dns", ttl_s: 60, check_interval_s: 10, failure_threshold: 3 });
    expect(scenario.gateway).toEqual({ attempt_timeout_ms: 10_000, max_attempts: 3 });
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
