/**
 * A file format's JSON Schema, generated from its zod schema so the two cannot drift apart. Editors
 * (yaml-language-server) use it for completion and hover text; cross-references such as "this region must exist"
 * are the loader's job and cannot be expressed here.
 */
import { z } from "zod";

/**
 * The input side of the format (defaults optional). Draft-07 because yaml-language-server validates with draft-07
 * semantics: 2020-12's `prefixItems` + `items: false` (the scenario's `rtt_ms` tuples) is reported there as "Matches a
 * schema that is not allowed" (redhat-developer/vscode-yaml#1175).
 *
 * A section whose defaults come from its fields (`.prefault({})`) shows editors the section it becomes, not `{}`:
 * yaml-language-server completes a key with its default, and a section filled in is what a person wants to edit.
 */
export function formatJsonSchema(schema: z.ZodType, name: string, revision: number): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-07",
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === "prefault") jsonSchema.default = z.parse(zodSchema, undefined);
    },
  }) as Record<string, unknown>;
  return {
    ...generated,
    $id: `https://failover-lab.local/${name}.revision-${revision}.schema.json`,
    title: `Failover Lab ${name} (revision ${revision})`,
  };
}

/** The file as committed beside the format's files: pretty-printed with a trailing newline. */
export function formatJsonSchemaText(schema: z.ZodType, name: string, revision: number): string {
  return `${JSON.stringify(formatJsonSchema(schema, name, revision), null, 2)}\n`;
}
