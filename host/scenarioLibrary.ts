/** The app's scenario library on disk: the `.yaml` and `.yml` files of one folder, sorted by name. */
import { readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { ScenarioLibrary } from "../engine/lab/scenarioLibrary";

export function scenarioFolder(dir: string): ScenarioLibrary & { readonly dir: string } {
  return {
    dir,
    list: () => readdirSync(dir).filter((file) => /\.ya?ml$/.test(file)).sort(),
    read: (fileName) => readFileSync(join(dir, fileName), "utf8"),
    commandPath: (fileName) => {
      const path = join(dir, fileName);
      const fromHere = relative(process.cwd(), path);
      return fromHere.startsWith("..") || isAbsolute(fromHere) ? path : fromHere;
    },
  };
}
