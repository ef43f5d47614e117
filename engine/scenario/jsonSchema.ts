/** The JSON Schema of the scenario format (scenarios/scenario.schema.json), generated from the zod schema. */
import { formatJsonSchema, formatJsonSchemaText } from "../jsonSchema";
import { SCENARIO_REVISION, scenarioObject } from "./schema";

// The object schema, not the refined one, so anything new that JSON Schema cannot express fails generation instead of
// silently becoming `{}`.
export const scenarioJsonSchema = (): Record<string, unknown> => formatJsonSchema(scenarioObject, "scenario", SCENARIO_REVISION);
export const scenarioJsonSchemaText = (): string => formatJsonSchemaText(scenarioObject, "scenario", SCENARIO_REVISION);
