/** The command line every bench shares: the names of the parts to run, all of them when none is named. */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Parses the process's arguments as part names; throws, listing the valid ones, for a name not in `parts`. */
export function selectParts<Part extends string>(parts: readonly Part[]): (part: Part) => boolean {
  return selectPartsAndOptions(parts, {}).wanted;
}

/** {@link selectParts} with options beside the part names (`--clients-minutes 10`); their values as parsed. */
export function selectPartsAndOptions<Part extends string, O extends NonNullable<ParseArgsConfig["options"]>>(parts: readonly Part[], options: O) {
  const { positionals, values } = parseArgs({ allowPositionals: true, options });
  const unknown = positionals.filter((p) => !(parts as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(", ")}; parts: ${parts.join(", ")}`);
  return { wanted: (part: Part) => positionals.length === 0 || positionals.includes(part), values };
}
