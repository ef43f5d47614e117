/** Reads a scenario file through the shared YAML loader, which locates every problem by file, line, column and field. */
import type { FileProblem } from "../fileProblems";
import { loadYamlFile, parseYamlFile, type YamlFormat } from "../yamlFile";
import { SCENARIO_REVISION, scenarioSchema, type Scenario } from "./schema";

// The scenario names these had before the loader served other formats; their importers keep them.
export { formatProblems, FileProblemsError as ScenarioError, type FileProblem as ScenarioProblem } from "../fileProblems";

const SCENARIO_FORMAT: YamlFormat<Scenario> = { name: "scenario", revision: SCENARIO_REVISION, topKeys: ["revision", "name", "topology"], schema: scenarioSchema, kind: "scenario" };

/** A valid scenario with defaults filled in, or at least one problem, sorted by position in the file. */
export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; problems: FileProblem[] };

/** Parses and validates scenario text; `file` only labels the problems. Never throws, whatever the text. */
export function parseScenario(text: string, file: string): ParseResult {
  const result = parseYamlFile(text, file, SCENARIO_FORMAT);
  return result.ok ? { ok: true, scenario: result.value } : result;
}

/** Reads and validates a scenario file; throws a {@link ScenarioError} naming the file when it cannot, unreadable files included. */
export function loadScenarioFile(path: string): Scenario {
  return loadYamlFile(path, SCENARIO_FORMAT);
}
