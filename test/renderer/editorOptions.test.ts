/**
 * The editor restates the schema's enumerated fields and defaults (the renderer sees only the lab contract);
 * these hold it to the JSON schema the scenario schema writes, so a new jurisdiction or choice cannot be
 * missing from the editor's selects.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BAD_TOKEN_KINDS, JURISDICTIONS, ROUTING_STRATEGIES, SETTINGS } from "../../renderer/editor/options";

type Node = { properties?: Record<string, Node>; items?: Node; enum?: unknown[]; default?: unknown };
const schema = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "scenarios", "scenario.schema.json"), "utf8")) as Node;

/** The schema of the field at `path`, list items entered by the `[]` step. */
function at(path: readonly string[]): Node {
  return path.reduce<Node>((node, step) => {
    const next = step === "[]" ? node.items : node.properties?.[step];
    if (!next) throw new Error(`the scenario schema has no ${path.join(".")}`);
    return next;
  }, schema);
}

describe("the editor's choices", () => {
  it("are the schema's jurisdictions, routing strategies and bad-token kinds", () => {
    expect(JURISDICTIONS).toEqual(at(["topology", "regions", "[]", "jurisdiction"]).enum);
    expect(JURISDICTIONS).toEqual(at(["topology", "callers", "[]", "jurisdiction"]).enum);
    expect(ROUTING_STRATEGIES).toEqual(at(["topology", "models", "[]", "routing_strategy"]).enum);
    expect(BAD_TOKEN_KINDS).toEqual(Object.keys(at(["topology", "callers", "[]", "bad_tokens"]).properties ?? {}));
  });

  it("offer each setting's enum and show its default as the schema states them", () => {
    for (const setting of SETTINGS) {
      const node = at(setting.path.map(String));
      expect({ setting: setting.label, options: setting.options ?? null, fallback: setting.fallback }).toEqual({
        setting: setting.label,
        options: node.enum ?? null,
        fallback: String(node.default),
      });
    }
  });
});
