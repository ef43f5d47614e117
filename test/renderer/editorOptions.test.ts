/**
 * The editor restates the schema's enumerated fields and defaults (the renderer sees only the lab contract);
 * these hold it to the JSON schema the scenario schema writes, so a new jurisdiction or choice cannot be
 * missing from the editor's selects.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_FIELDS, BAD_TOKEN_KINDS, HEALTH_FIELDS, IDENTITY_FIELDS, JURISDICTIONS, POLICY_FIELDS, ROUTING_STRATEGIES, SETTINGS } from "../../renderer/editor/options";

type Node = { properties?: Record<string, Node>; items?: Node; enum?: unknown[]; default?: unknown; type?: string; propertyNames?: Node; additionalProperties?: Node };
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

  it("offer each field's enum, show its default and take text or numbers as the schema states them", () => {
    for (const field of [...SETTINGS, ...AUDIT_FIELDS, ...HEALTH_FIELDS, ...IDENTITY_FIELDS, ...POLICY_FIELDS]) {
      const node = at(field.path.map(String));
      expect({ field: field.label, options: field.options ?? null, fallback: field.fallback ?? null, text: field.options ? null : (field.text ?? false) }).toEqual({
        field: field.label,
        options: node.enum ?? null,
        fallback: node.default === undefined ? null : String(node.default),
        text: node.enum ? null : node.type === "string",
      });
    }
  });

  it("reach every field of the audit, health, identity and policy sections", () => {
    const reached = (fields: readonly { path: readonly (string | number)[] }[]) => fields.map((f) => f.path.join(".")).sort();
    const inSchema = (...path: string[]) => Object.keys(at(path).properties ?? {}).map((key) => [...path, key].join("."));
    // Besides these lists: the region selects (audit.destination, identity.regions) and the residency rows.
    expect(reached(AUDIT_FIELDS)).toEqual(inSchema("audit").filter((f) => f !== "audit.destination").sort());
    expect(reached(HEALTH_FIELDS)).toEqual([...inSchema("health", "probe"), ...inSchema("health", "passive"), ...inSchema("health", "circuit")].sort());
    expect(reached(IDENTITY_FIELDS)).toEqual(inSchema("identity").filter((f) => f !== "identity.regions").sort());
    expect(reached(POLICY_FIELDS)).toEqual(inSchema("policy").filter((f) => f !== "policy.residency").sort());
  });

  it("offer the schema's jurisdictions as residency origins and as the jurisdictions allowed", () => {
    const residency = at(["policy", "residency"]);
    expect(JURISDICTIONS).toEqual(residency.propertyNames?.enum);
    expect(JURISDICTIONS).toEqual(residency.additionalProperties?.items?.enum);
  });
});
