/** `npm run schema`: regenerates scenarios/scenario.schema.json from the zod schema. */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scenarioJsonSchemaText } from "../engine";

const target = fileURLToPath(new URL("../scenarios/scenario.schema.json", import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
