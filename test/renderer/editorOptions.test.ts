/**
 * The editor restates the schema's enumerated fields and defaults (the renderer sees only the lab contract);
 * these hold it to the JSON schema the scenario schema writes, so a new jurisdiction or choice cannot be
 * missing from the editor's selects.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AUDIT_FIELDS,
  BAD_TOKEN_KINDS,
  CALLER_FIELDS,
  DEPLOYMENT_FIELDS,
  DIRECTOR_FIELDS,
  GATEWAY_FIELDS,
  GATEWAY_LISTS,
  HEALTH_FIELDS,
  IDENTITY_FIELDS,
  JURISDICTIONS,
  POLICY_FIELDS,
  PROVIDER_FIELDS,
  ROUTING_STRATEGIES,
  STREAM_HOLDBACK,
  type OptionField,
} from "../../renderer/editor/options";
import { formatStatusCodes } from "../../renderer/editor/statusCodes";

type Node = {
  properties?: Record<string, Node>;
  items?: Node;
  enum?: unknown[];
  default?: unknown;
  type?: string;
  propertyNames?: Node;
  additionalProperties?: Node;
  anyOf?: Node[];
};
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

  it("offer each field's enum or true and false, show its default and take text or numbers as the schema states them", () => {
    // Entity fields' paths are relative to their entity; a field without a default of its own (a deployment's
    // latency median) shows the one its object's default gives it.
    const lists: [readonly string[], readonly OptionField[]][] = [
      [[], [...DIRECTOR_FIELDS, ...GATEWAY_FIELDS, ...AUDIT_FIELDS, ...HEALTH_FIELDS, ...IDENTITY_FIELDS, ...POLICY_FIELDS]],
      [["topology", "providers", "[]"], PROVIDER_FIELDS],
      [["topology", "providers", "[]", "deployments", "[]"], DEPLOYMENT_FIELDS],
      [["topology", "callers", "[]"], CALLER_FIELDS],
    ];
    for (const [prefix, fields] of lists) {
      for (const field of fields) {
        const path = [...prefix, ...field.path.map(String)];
        const node = at(path);
        const fallback = node.default ?? (at(path.slice(0, -1)).default as Record<string, unknown> | undefined)?.[path.at(-1)!];
        const choice = field.options ?? (field.boolean ? "true/false" : null);
        expect({ field: field.label, choice, fallback: field.fallback ?? null, text: choice ? null : (field.text ?? false) }).toEqual({
          field: field.label,
          choice: node.enum ?? (node.type === "boolean" ? "true/false" : null),
          fallback: fallback === undefined ? null : String(fallback),
          text: node.enum || node.type === "boolean" ? null : node.type === "string",
        });
      }
    }
  });

  it("show the gateway's status code lists and stream holdback as their defaults read", () => {
    for (const list of GATEWAY_LISTS) {
      const node = at(list.path.map(String));
      expect(node.items?.anyOf?.map((n) => n.enum ?? n.type)).toEqual(["integer", ["4xx", "5xx"]]);
      expect(list.fallback).toBe(formatStatusCodes(node.default));
    }
    const holdback = at(STREAM_HOLDBACK.path);
    expect(holdback.anyOf?.map((n) => Object.keys(n.properties ?? {})).flat()).toEqual(STREAM_HOLDBACK.kinds);
    expect(holdback.default).toEqual({ [STREAM_HOLDBACK.fallback.kind]: Number(STREAM_HOLDBACK.fallback.value) });
  });

  it("reach every field of the director, gateway, audit, health, identity and policy sections", () => {
    const reached = (fields: readonly { path: readonly (string | number)[] }[]) => fields.map((f) => f.path.join(".")).sort();
    const inSchema = (...path: string[]) => Object.keys(at(path).properties ?? {}).map((key) => [...path, key].join("."));
    // Besides these lists: the region selects, checkboxes and inputs (director.primary, .weights and .checkers,
    // audit.destination, identity.regions), the residency rows and the gateway's stream holdback.
    expect(reached(DIRECTOR_FIELDS)).toEqual(inSchema("director").filter((f) => !["director.primary", "director.weights", "director.checkers"].includes(f)).sort());
    expect(reached([...GATEWAY_FIELDS, ...GATEWAY_LISTS, STREAM_HOLDBACK])).toEqual(
      [...inSchema("gateway").filter((f) => f !== "gateway.retry_budget"), ...inSchema("gateway", "retry_budget")].sort(),
    );
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
