/**
 * The JSON Schema of the scenario format, generated from the zod schema so the two cannot drift apart.
 * Editors (yaml-language-server) use it for completion and hover text; cross-references such as "this
 * region must exist" are the loader's job and cannot be expressed here.
 */
import { z } from "zod";
import { SCENARIO_REVISION, scenarioSchema } from "./schema";

export const SCENARIO_SCHEMA_ID = `https://failover-lab.local/scenario.revision-${SCENARIO_REVISION}.schema.json`;

export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
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
