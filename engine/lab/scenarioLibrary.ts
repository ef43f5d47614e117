/**
 * The scenario library behind a port: the host says which files there are and reads them (from the
 * project's `scenarios/` folder, see `host/scenarioLibrary.ts`); the engine parses and validates them.
 */
import { basename } from "node:path";
import { FileProblemsError, type FileProblem } from "../fileProblems";
import { parseScenario } from "../scenario/load";
import type { Scenario } from "../scenario/schema";
import type { CommandInputs, ScenarioListing, ScenarioProblemView } from "./contract";

export interface ScenarioLibrary {
  /** File names of the library's scenario files (`.yaml`, `.yml`), in the order the app lists them. */
  list(): readonly string[];
  /** One file's text; throws, saying why (a {@link FileProblemsError} from the host's reader, engine/textFile.ts), when it cannot be read. */
  read(fileName: string): string;
  /** The file's path as a command line started where the host was started names it, for commands the app shows. */
  commandPath?(fileName: string): string;
}

/** Every file of the library; a broken file stays in the list, so opening it shows its problems rather than hiding it. */
export function listScenarios(library: ScenarioLibrary): ScenarioListing[] {
  return library.list().map((file) => {
    let text: string;
    try {
      text = library.read(file);
    } catch (error) {
      return { file, name: file, description: `cannot be read: ${unreadable(file, error)[0]!.message}`, valid: false };
    }
    const parsed = parseScenario(text, file);
    return parsed.ok
      ? { file, name: parsed.scenario.name, description: parsed.scenario.description, valid: true }
      : { file, name: file, description: `does not validate: ${parsed.problems[0]!.message}`, valid: false };
  });
}

/** A scenario ready to run, with the text and file name it came from; or why it is not, with the text to show the problems under. */
export type OpenedScenario =
  | { readonly ok: true; readonly scenario: Scenario; readonly text: string; readonly fileName: string }
  | { readonly ok: false; readonly problems: readonly ScenarioProblemView[]; readonly text: string };

/** Reads and validates the file a `loadScenario` names: from the library, or as the user's file picker gave it. */
export function openScenario(library: ScenarioLibrary, input: CommandInputs["loadScenario"]): OpenedScenario {
  let fileName: string;
  let text: string;
  if (input.source === "library") {
    fileName = input.name;
    try {
      text = library.read(input.name);
    } catch (error) {
      return { ok: false, problems: unreadable(input.name, error), text: "" };
    }
  } else {
    fileName = basename(input.fileName);
    text = input.text;
  }
  const parsed = parseScenario(text, fileName);
  return parsed.ok ? { ok: true, scenario: parsed.scenario, text, fileName } : { ok: false, problems: parsed.problems, text };
}

/** Why a library file could not be read, labelled with its name in the library rather than the host's path. */
function unreadable(fileName: string, error: unknown): FileProblem[] {
  if (error instanceof FileProblemsError) return error.problems.map((problem) => ({ ...problem, file: fileName }));
  return [{ file: fileName, line: 1, column: 1, field: "", message: `cannot read the file: ${(error as Error).message}` }];
}
