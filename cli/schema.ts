/**
 * `npm run schema`: regenerates the JSON Schemas editors validate against, each from its zod schema:
 * scenarios/scenario.schema.json (the scenario format) and lessons/lesson.schema.json (the lesson format).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lessonJsonSchemaText, scenarioJsonSchemaText } from "../engine";

for (const [relative, text] of [
  ["../scenarios/scenario.schema.json", scenarioJsonSchemaText()],
  ["../lessons/lesson.schema.json", lessonJsonSchemaText()],
] as const) {
  const target = fileURLToPath(new URL(relative, import.meta.url));
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
