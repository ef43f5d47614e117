/** The command line every bench shares: the names of the parts to run, all of them when none is named. */
import { parseArgs } from "node:util";

/** Parses the process's arguments as part names; throws, listing the valid ones, for a name not in `parts`. */
export function selectParts<Part extends string>(parts: readonly Part[]): (part: Part) => boolean {
  const { positionals } = parseArgs({ allowPositionals: true });
  const unknown = positionals.filter((p) => !(parts as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(", ")}; parts: ${parts.join(", ")}`);
  return (part) => positionals.length === 0 || positionals.includes(part);
}
