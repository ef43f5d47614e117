/**
 * The JSON Schema of the scenario format, generated from the zod schema so the two cannot drift apart.
 * Editors (yaml-language-server) use it for completion and hover text; cross-references such as "this
 * region must exist" are the loader's job and cannot be expressed here.
 */
import { z } from "zod";
import { SCENARIO_REVISION, scenarioObject } from "./schema";

const SCENARIO_SCHEMA_ID = `https://failover-lab.local/scenario.revision-${SCENARIO_REVISION}.schema.json`;

/**
 * The input side of the format (defaults optional), without the cross-reference refinement. The object schema, not
 * the refined one, so anything new that JSON Schema cannot express fails generation instead of silently becoming `{}`.
 * Draft-07 because yaml-language-server validates with draft-07 semantics: 2020-12's `prefixItems` + `items: false`
 * (the `rtt_ms` tuples) is reported there as "Matches a schema that is not allowed" (redhat-developer/vscode-yaml#1175).
 *
 * A section whose defaults come from its fields (`.prefault({})`) shows editors the section it becomes, not `{}`:
 * yaml-language-server completes a key with its default, and a section filled in is what a person wants to edit.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioObject, {
    io: "input",
    target: "draft-07",
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === "prefault") jsonSchema.default = z.parse(zodSchema, undefined);
    },
  }) as Record<string, unknown>;
  return {
    ...generated,
    $id: SCENARIO_SCHEMA_ID,
    title: `Failover Lab scenario (revision ${SCENARIO_REVISION})`,
  };
}

/** The file as committed in `scenarios/`: pretty-printed with a trailing newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
