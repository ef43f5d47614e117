/**
 * `failover-lab import envoy`: a bootstrap with two clusters over three localities and priorities, and one
 * weighted cluster with a retry policy and a retry budget, import to the expected scenarios and warnings
 * exactly and play; a cluster without endpoints, a host no region rule places, unreadable YAML and a field of
 * the wrong type stop the import with a located problem.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblems, IMPORTERS, parseRegionRule, parseScenario, runDrill, type RegionRule } from "../../engine";
import { main } from "../../cli/import";
import { inProcess, root } from "../cli/runCli";

const FIXTURES = [
  { name: "priority-failover", config: "envoy.yaml" },
  { name: "weighted-retry-budget", config: "cluster.json" },
] as const;
const DIR = "test/fixtures/import/envoy";
const fixture = (name: string, file: string) => readFileSync(join(root, DIR, name, file), "utf8");
const specsOf = (name: string) =>
  fixture(name, "regions.txt")
    .split("\n")
    .filter((line) => line.length > 0);
const rulesOf = (list: readonly string[]): RegionRule[] =>
  list.map((spec) => {
    const parsed = parseRegionRule(spec);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.rule;
  });

/** One cluster at two priorities, as the error cases vary it. */
const cluster = (endpoints: string) => `name: gpt-4o
load_assignment:
  cluster_name: gpt-4o
  endpoints:
${endpoints}`;
const HOST = (address: string, extra = "") => `    lb_endpoints:
    - endpoint:
        address:
          socket_address: { address: ${address}, port_value: 443 }${extra}`;

describe("import envoy", () => {
  for (const { name, config } of FIXTURES) {
    const file = `${DIR}/${name}/${config}`;
    it(`${name}: the command writes exactly the expected scenario and warnings, exit 0`, async () => {
      const run = await inProcess(() => main(["envoy", file, ...specsOf(name).flatMap((s) => ["--region", s])]));
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(fixture(name, "scenario.expected.yaml"));
      expect(run.stderr).toBe(fixture(name, "warnings.expected.txt"));
      for (const line of run.stderr.trimEnd().split("\n")) expect(line).toMatch(new RegExp(`^${file}:\\d+:\\d+: [\\w.\\[\\]-]+: \\S`));
    });

    it(`${name}: the imported scenario validates and plays: a one-minute drill serves its invented callers`, async () => {
      const result = IMPORTERS.envoy(fixture(name, config), file, rulesOf(specsOf(name)));
      if (!result.ok) throw new Error(formatProblems(result.problems));
      const parsed = parseScenario(result.scenarioText, "imported.yaml");
      if (!parsed.ok) throw new Error(formatProblems(parsed.problems));
      expect(parsed.scenario).toEqual(result.scenario);
      const report = await runDrill({ ...parsed.scenario, duration_s: 60 }, {});
      expect(report.totals.requests).toBeGreaterThan(50);
      expect(report.totals.success_rate).toBeGreaterThan(0.9);
    }, 60_000);
  }

  it("priorities, health and retries land where the scenario keeps them", () => {
    const result = IMPORTERS.envoy(fixture("priority-failover", "envoy.yaml"), "e.yaml", rulesOf(specsOf("priority-failover")));
    if (!result.ok) throw new Error(formatProblems(result.problems));
    const gpt = result.scenario.topology.models.find((m) => m.id === "gpt-4o")!;
    expect(gpt.serves.map((r) => r.provider)).toEqual(["contoso-nl-openai-azure-com", "contoso-se-openai-azure-com"]);
    expect(gpt.equivalents.map((r) => r.provider)).toEqual(["api-openai-com"]);
    expect(result.scenario.health.probe).toEqual({ interval_s: 5, timeout_ms: 2_000, unhealthy_threshold: 3, healthy_threshold: 2 });
    expect(result.scenario.health.circuit).toMatchObject({ consecutive_failures: 3, base_ejection_s: 60, max_ejection_s: 300 });
    expect(result.scenario.gateway).toMatchObject({ max_attempts: 3, attempt_timeout_ms: 20_000, retriable_status_codes: ["5xx"], backoff_base_ms: 25 });
  });

  it("a bare list of clusters imports like a bootstrap's", () => {
    const text = `- ${cluster(`  - locality: { region: westeurope }\n${HOST("contoso-nl.openai.azure.com")}`).replace(/\n/g, "\n  ")}\n`;
    const result = IMPORTERS.envoy(text, "list.yaml", rulesOf(["westeurope=eu-west:EU:Amsterdam"]));
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(result.scenarioText).toContain("serves:\n        - { provider: contoso-nl-openai-azure-com, model: gpt-4o }\n");
    expect(result.scenarioText).toContain("endpoint: http://contoso-nl.openai.azure.com:443\n");
  });

  it("a cluster without endpoints is a problem at its load_assignment", () => {
    const result = IMPORTERS.envoy("name: gpt-4o\nload_assignment:\n  cluster_name: gpt-4o\n  endpoints: []\n", "none.yaml", rulesOf(["example.com=eu-west:EU:Dublin"]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.problems)).toBe(
      "none.yaml:4:14: load_assignment.endpoints: no endpoints: a cluster needs load_assignment.endpoints with at least one lb_endpoint (a scenario cannot resolve DNS or discover hosts)",
    );
  });

  it("a locality with no lb_endpoints is a problem too", () => {
    const result = IMPORTERS.envoy(cluster("  - locality: { region: westeurope }\n    lb_endpoints: []\n"), "empty.yaml", rulesOf(["westeurope=eu-west:EU:Amsterdam"]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.problems)).toBe("empty.yaml:6:19: load_assignment.endpoints[0].lb_endpoints: no endpoints: a locality needs lb_endpoints with at least one endpoint");
  });

  it("a host whose address and locality no region rule matches is a problem naming both", () => {
    const text = cluster(`  - locality: { region: westeurope }\n${HOST("contoso-nl.openai.azure.com")}\n  - locality: { region: ap-south-1 }\n    priority: 1\n${HOST("api.openai.com")}\n`);
    const result = IMPORTERS.envoy(text, "where.yaml", rulesOf(["westeurope=eu-west:EU:Amsterdam"]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.problems)).toBe(
      'where.yaml:15:38: load_assignment.endpoints[1].lb_endpoints[0].endpoint.address.socket_address.address: no --region matches api.openai.com or its locality "ap-south-1"; add one, e.g. --region ap-south-1=eu-west:EU:Dublin',
    );
  });

  it("malformed YAML is a problem at its line", () => {
    const result = IMPORTERS.envoy("static_resources:\n  clusters:\n  - name: gpt-4o\n    load_assignment: { endpoints: [\n", "bad.yaml", rulesOf(["example.com=eu-west:EU:Dublin"]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.problems)).toMatch(/^bad\.yaml:5:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/);
  });

  it("a field of the wrong type is a problem naming the field", () => {
    const text = cluster(`  - locality: { region: westeurope }\n    priority: first\n${HOST("contoso-nl.openai.azure.com")}\n`);
    const result = IMPORTERS.envoy(text, "type.yaml", rulesOf(["westeurope=eu-west:EU:Amsterdam"]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.problems)).toBe("type.yaml:6:15: load_assignment.endpoints[0].priority: must be a whole number from 0 (the first priority) to 127");

    const port = IMPORTERS.envoy(cluster(`  - lb_endpoints:\n    - endpoint: { address: { socket_address: { address: a.example.com, port_value: "443" } } }\n`), "port.yaml", rulesOf(["example.com=eu-west:EU:Dublin"]));
    expect(port.ok).toBe(false);
    if (port.ok) return;
    expect(formatProblems(port.problems)).toBe("port.yaml:6:84: load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value: port_value must be a whole number from 1 to 65535");
  });

  it("an optional setting of the wrong type is a warning naming the field, and the rest imports", () => {
    const text = `${cluster(`  - locality: { region: westeurope }\n${HOST("contoso-nl.openai.azure.com")}\n`)}outlier_detection:\n  consecutive_5xx: many\n`;
    const result = IMPORTERS.envoy(text, "opt.yaml", rulesOf(["westeurope=eu-west:EU:Amsterdam"]));
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(formatProblems(result.warnings)).toContain("opt.yaml:11:20: outlier_detection.consecutive_5xx: must be a whole number from 1 to 1000; not imported");
    expect(result.scenario.health.circuit.consecutive_failures).toBe(5);
  });

  it("hostile input is refused, not thrown", () => {
    const rules = rulesOf(["example.com=eu-west:EU:Dublin"]);
    for (const text of ["42", "", "{}", "static_resources: {}", `"${"x".repeat(10_000_000)}"`, "[".repeat(50_000)]) {
      const result = IMPORTERS.envoy(text, "h.yaml", rules);
      expect(result.ok).toBe(false);
    }
  });
});
