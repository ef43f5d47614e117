/**
 * `failover-lab import portkey`: a fallback config with a nested load balance imports to the expected scenario
 * and warnings exactly, plays, and a target that cannot be placed or has no model stops the import.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblems, IMPORTERS, parseRegionRule, parseScenario, runDrill, type RegionRule } from "../../engine";
import { main } from "../../cli/import";
import { inProcess, root } from "../cli/runCli";

const DIR = "test/fixtures/import/portkey/fallback-loadbalance";
const CONFIG = `${DIR}/config.json`;
const fixture = (file: string) => readFileSync(join(root, DIR, file), "utf8");
const specs = fixture("regions.txt").split("\n").filter((line) => line.length > 0);
const rulesOf = (list: readonly string[]): RegionRule[] =>
  list.map((spec) => {
    const parsed = parseRegionRule(spec);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.rule;
  });

describe("import portkey", () => {
  it("the command writes exactly the expected scenario and warnings, exit 0", async () => {
    const run = await inProcess(() => main(["portkey", CONFIG, ...specs.flatMap((s) => ["--region", s])]));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(fixture("scenario.expected.yaml"));
    expect(run.stderr).toBe(fixture("warnings.expected.txt"));
    for (const line of run.stderr.trimEnd().split("\n")) expect(line).toMatch(new RegExp(`^${CONFIG}:\\d+:\\d+: (targets|cache)[\\w.\\[\\]]*: \\S`));
  });

  it("the imported scenario plays: a one-minute drill serves its invented callers", async () => {
    const result = IMPORTERS.portkey(fixture("config.json"), CONFIG, rulesOf(specs));
    if (!result.ok) throw new Error(formatProblems(result.problems));
    const parsed = parseScenario(result.scenarioText, "imported.yaml");
    if (!parsed.ok) throw new Error(formatProblems(parsed.problems));
    const report = await runDrill({ ...parsed.scenario, duration_s: 60 }, {});
    expect(report.totals.requests).toBeGreaterThan(50);
    expect(report.totals.success_rate).toBeGreaterThan(0.9);
  }, 60_000);

  it("a target without a model, a region or a provider is a located problem", () => {
    const config = `{
  "strategy": { "mode": "loadbalance" },
  "targets": [
    { "provider": "openai", "api_key": "k" },
    { "provider": "openai", "custom_host": "https://nowhere.example.com", "override_params": { "model": "gpt-4o" } },
    { "virtual_key": "vk", "override_params": { "model": "gpt-4o" } }
  ]
}`;
    const result = IMPORTERS.portkey(config, "p.json", rulesOf(["api.openai.com=us-east:US:Virginia"]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.problems)).toBe(
      [
        "p.json:4:5: targets[0]: Portkey takes the model from each request, a scenario needs it named: add override_params.model",
        "p.json:5:44: targets[1].custom_host: no --region matches nowhere.example.com; add one, e.g. --region nowhere.example.com=eu-west:EU:Dublin",
        "p.json:6:22: targets[2].virtual_key: a target needs its provider (a virtual key hides it from a config); add provider",
      ].join("\n"),
    );
  });

  it("a config that is one target imports as a route with one target", () => {
    const result = IMPORTERS.portkey('{ "provider": "openai", "api_key": "k", "override_params": { "model": "gpt-4o-mini" } }', "one.json", rulesOf(["api.openai.com=us-east:US:Virginia"]));
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(result.scenarioText).toContain("serves:\n        - { provider: openai, model: gpt-4o-mini }");
    expect(formatProblems(result.warnings)).toBe(
      [
        'one.json:1:1: note: a config has no traffic; callers "portkey-route-callers" are invented in us-east at 2 requests/s',
        "one.json:1:36: api_key: an API key; not copied into the scenario (a simulated deployment takes no key)",
      ].join("\n"),
    );
  });

  it("loadbalance keeps each target's weight; a target's own retry is warned about", () => {
    const config = `{"strategy": {"mode": "loadbalance"}, "targets": [
  {"provider": "openai", "custom_host": "https://a.example.com", "weight": 0.25, "override_params": {"model": "m"}},
  {"provider": "openai", "custom_host": "https://b.example.com", "weight": 0.75, "retry": {"attempts": 2}, "override_params": {"model": "n"}}]}`;
    const result = IMPORTERS.portkey(config, "lb.json", rulesOf(["example.com=eu-west:EU:Dublin"]));
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(result.scenarioText).toContain("routing_strategy: weighted\n      serves:\n        - { provider: openai, model: m, weight: 0.25 }\n        - { provider: openai-2, model: n, weight: 0.75 }\n");
    expect(formatProblems(result.warnings)).toContain("lb.json:3:91: targets[1].retry: retry on a target has no equivalent in a scenario; not imported");
  });

  it("hostile input is refused, not thrown", () => {
    const rules = rulesOf(["example.com=eu-west:EU:Dublin"]);
    for (const text of ["[1, 2]", "", `"${"x".repeat(10_000_000)}"`, "[".repeat(50_000)]) {
      const result = IMPORTERS.portkey(text, "h.json", rules);
      expect(result.ok).toBe(false);
    }
  });
});
