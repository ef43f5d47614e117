/** Reads a lesson file through the shared YAML loader: every problem located by file, line, column and field, as a scenario's are. */
import { parseYamlFile, type YamlFileResult, type YamlFormat } from "../yamlFile";
import { LESSON_REVISION, lessonSchema, type Lesson } from "./schema";

const LESSON_FORMAT: YamlFormat<Lesson> = { name: "lesson", revision: LESSON_REVISION, topKeys: ["revision", "title", "goals", "steps"], schema: lessonSchema, kind: "lesson" };

/** Parses and validates lesson text; `file` only labels the problems. Never throws, whatever the text. */
export function parseLesson(text: string, file: string): YamlFileResult<Lesson> {
  return parseYamlFile(text, file, LESSON_FORMAT);
}
