/**
 * The JSON Schema of the lesson format (lessons/lesson.schema.json), generated from the zod schema. The lesson's own
 * cross-checks (unique ids, `{metric}` placeholders, one scenario per step) are refinements it cannot express:
 * `failover-lab lesson check` is the full check.
 */
import { formatJsonSchemaText } from "../jsonSchema";
import { LESSON_REVISION, lessonSchema } from "./schema";

export const lessonJsonSchemaText = (): string => formatJsonSchemaText(lessonSchema, "lesson", LESSON_REVISION);
