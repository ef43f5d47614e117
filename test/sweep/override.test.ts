/** Fields set from the command line: typed like YAML's plain scalars, checked like the file, and named when refused. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyOverrides, parseFieldValue, parseOverride } from "../../engine/scenario/override";

const file = join(import.meta.dirname, "../fixtures/short-drill.yaml");
const text = readFileSync(file, "utf8");
const apply = (...sets: string[]) => applyOverrides(text, "short.yaml", sets.map(parseOverride));

describe("scenario overrides", () => {
  it("reads numbers, booleans and text", () => {
    expect([parseFieldValue("30"), parseFieldValue("-1.5"), parseFieldValue("1e3"), parseFieldValue("true"), parseFieldValue("reject"), parseFieldValue("")]).toEqual([30, -1.5, 1000, true, "reject", ""]);
  });

  it("sets nested fields and list items, and the scenario keeps its defaults", () => {
    const result = apply("director.ttl_s=30", "faults.0.heal_s=50", "policy.outage_choice=cross-border-with-consent");
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.scenario.director.ttl_s).toBe(30);
    expect(result.scenario.faults[0]!.heal_s).toBe(50);
    expect(result.scenario.policy.outage_choice).toBe("cross-border-with-consent");
    expect(result.scenario.director.failure_threshold).toBeGreaterThan(0);
  });

  it("names the override and the field when the schema refuses it", () => {
    expect(apply("director.ttl_s=abc")).toEqual({ ok: false, problems: ['short.yaml with director.ttl_s=abc: director.ttl_s: expected a number, got the text "abc"'] });
    const unknown = apply("directr.ttl_s=3");
    expect(unknown.ok || unknown.problems[0]).toMatch(/directr: unknown key "directr"/);
    const intoScalar = apply("name.x=1");
    expect(intoScalar.ok || intoScalar.problems[0]).toMatch(/^name\.x=1: /);
    expect(() => parseOverride("director.ttl_s")).toThrow(/must read path=value/);
  });
});
