/** The app's scenario library on disk: the `.yaml` and `.yml` files of one folder, sorted by name. */
import { readdirSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { readTextFile, type TextKind } from "../engine";
import type { ScenarioLibrary } from "../engine/lab/scenarioLibrary";

/** A folder of `kind` files (scenarios, or lessons), each read by the one text reader and its caps. */
export function scenarioFolder(dir: string, kind: Extract<TextKind, "scenario" | "lesson"> = "scenario"): ScenarioLibrary & { readonly dir: string } {
  return {
    dir,
    list: () => readdirSync(dir).filter((file) => /\.ya?ml$/.test(file)).sort(),
    read: (fileName) => readTextFile(join(dir, fileName), kind),
    commandPath: (fileName) => {
      const path = join(dir, fileName);
      const fromHere = relative(process.cwd(), path);
      return fromHere.startsWith("..") || isAbsolute(fromHere) ? path : fromHere;
    },
  };
}
