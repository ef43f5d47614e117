/**
 * `failover-lab import litellm`: real-shaped LiteLLM configs import to the expected scenario and warnings
 * exactly; what cannot be placed stops the import with located problems; hostile input is refused, not thrown;
 * and an imported scenario plays.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblems, IMPORTERS, parseRegionRule, parseScenario, runDrill, type RegionRule } from "../../engine";
import { main } from "../../cli/import";
import { inProcess, root } from "../cli/runCli";

const FIXTURES = "test/fixtures/import/litellm";
const CASES = ["azure-load-balance", "multi-provider"] as const;

const fixture = (name: string, file: string) => readFileSync(join(root, FIXTURES, name, file), "utf8");
/** The region map of a fixture: one `--region` value a line. */
const regionArgs = (name: string) => fixture(name, "regions.txt").split("\n").filter((line) => line.length > 0);
const rulesOf = (specs: readonly string[]): RegionRule[] =>
  specs.map((spec) => {
    const parsed = parseRegionRule(spec);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.rule;
  });
const configPath = (name: string) => `${FIXTURES}/${name}/config.yaml`;

function imported(name: string) {
  const result = IMPORTERS.litellm(fixture(name, "config.yaml"), configPath(name), rulesOf(regionArgs(name)));
  if (!result.ok) throw new Error(formatProblems(result.problems));
  return result;
}

describe("import litellm: fixtures", () => {
  for (const name of CASES) {
    it(`${name}: the scenario and the warnings are exactly the expected ones`, () => {
      const result = imported(name);
      expect(result.scenarioText).toBe(fixture(name, "scenario.expected.yaml"));
      expect(`${formatProblems(result.warnings)}\n`).toBe(fixture(name, "warnings.expected.txt"));
    });

    it(`${name}: the scenario is valid, and every warning names file:line:column: field`, () => {
      const result = imported(name);
      expect(parseScenario(result.scenarioText, "imported.yaml").ok).toBe(true);
      expect(result.warnings.length).toBeGreaterThan(0);
      for (const line of formatProblems(result.warnings).split("\n"))
        expect(line).toMatch(new RegExp(`^${configPath(name)}:\\d+:\\d+: (model_list|router_settings|litellm_settings|general_settings)[\\w.\\[\\]-]*: \\S`));
    });
  }

  it("the command writes the scenario to stdout and the warnings to stderr, exit 0", async () => {
    const name = "azure-load-balance";
    const run = await inProcess(() => main(["litellm", configPath(name), ...regionArgs(name).flatMap((r) => ["--region", r])]));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(fixture(name, "scenario.expected.yaml"));
    expect(run.stderr).toBe(fixture(name, "warnings.expected.txt"));
  });

  it("an imported scenario plays: a one-minute drill serves its invented callers", async () => {
    const parsed = parseScenario(imported("azure-load-balance").scenarioText, "imported.yaml");
    if (!parsed.ok) throw new Error(formatProblems(parsed.problems));
    const report = await runDrill({ ...parsed.scenario, duration_s: 60 }, {});
    expect(report.totals.requests).toBeGreaterThan(100);
    expect(report.totals.success_rate).toBeGreaterThan(0.9);
  }, 60_000);
});

describe("import litellm: problems stop the import", () => {
  const config = `model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      api_base: https://unknown.example.com
  - model_name: gpt-4o-mini
    litellm_params:
      model: azure/gpt-4o-mini
      api_base: os.environ/AZURE_API_BASE
`;

  it("an api_base no --region matches, or one read from the environment, is a located problem", () => {
    const result = IMPORTERS.litellm(config, "config.yaml", rulesOf(["api.openai.com=us-east:US:Virginia"]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblems(result.problems)).toBe(
      [
        "config.yaml:5:17: model_list[0].litellm_params.api_base: no --region matches unknown.example.com; add one, e.g. --region unknown.example.com=eu-west:EU:Dublin",
        "config.yaml:9:17: model_list[1].litellm_params.api_base: the endpoint comes from environment variable AZURE_API_BASE; write its URL here to import it (a simulation reads no environment)",
      ].join("\n"),
    );
  });

  it("the command exits 2 and writes nothing", async () => {
    const run = await inProcess(() => main(["litellm", `${FIXTURES}/azure-load-balance/config.yaml`, "--region", "api.openai.com=us-east:US:Virginia"]));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^Cannot import; nothing written\.\n.*config\.yaml:7:17: model_list\[0\]\.litellm_params\.api_base: no --region matches/);
  });

  it("an empty model_list is a problem", () => {
    const result = IMPORTERS.litellm("model_list: []\n", "c.yaml", []);
    expect(result).toEqual({ ok: false, problems: [{ file: "c.yaml", line: 1, column: 13, field: "model_list", message: "a LiteLLM config needs a model_list with at least one model; nothing to import" }] });
  });

  it("a bad --region is a usage error, exit 2", async () => {
    const run = await inProcess(() => main(["litellm", "c.yaml", "--region", "api.openai.com=us-east:XX:Virginia"]));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('jurisdiction "XX" must be one of');
  });
});

describe("import litellm: hostile input is refused, not thrown", () => {
  const rules = rulesOf(["example.com=eu-west:EU:Dublin"]);
  const refusal = (text: string) => {
    const result = IMPORTERS.litellm(text, "h.yaml", rules);
    expect(result.ok).toBe(false);
    return result.ok ? "" : formatProblems(result.problems);
  };

  it("not a mapping", () => {
    expect(refusal("- a\n- b\n")).toBe("h.yaml:1:1: a LiteLLM config must be a mapping with a model_list, not a list");
    expect(refusal("just text")).toBe("h.yaml:1:1: a LiteLLM config must be a mapping with a model_list, not a single value");
    expect(refusal("")).toBe("h.yaml:1:1: a LiteLLM config must be a mapping with a model_list, not an empty file");
  });

  it("a 10 MB string", () => {
    expect(refusal(`model_list: "${"x".repeat(10_000_000)}"\n`)).toMatch(/^h\.yaml:1:1: the file is 10,000,015 bytes; a gateway config is at most 1 MiB/);
  });

  it("deep nesting", () => {
    const depth = 50_000;
    expect(refusal(`${"[".repeat(depth)}${"]".repeat(depth)}`)).toMatch(/^h\.yaml:1:\d+: collections nested more than 64 deep/);
  });

  it("an alias bomb", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n");
    expect(refusal(bomb)).toMatch(/^h\.yaml:1:1: YAML: cannot read the file: /);
  });

  it("wrong types inside a config", () => {
    expect(refusal("model_list:\n  - 42\n  - model_name: m\n    litellm_params: nope\n")).toBe(
      [
        "h.yaml:2:5: model_list[0]: each model_list entry must be a mapping with model_name and litellm_params",
        "h.yaml:4:21: model_list[1].litellm_params.model: required: the provider/model this entry deploys, e.g. openai/gpt-4o",
      ].join("\n"),
    );
  });
});
