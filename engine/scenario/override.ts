/**
 * Fields of a scenario set from the command line (`--set director.ttl_s=30`, a sweep's `--vary`): applied to the
 * file's YAML before validation, so a set value meets exactly the checks and defaults a written one does.
 */
import { formatProblems } from "../fileProblems";
import { parseYamlText } from "../yamlDocument";
import { parseScenario } from "./load";
import type { Scenario } from "./schema";

/** A value as typed: a number, true or false, else the text itself. */
export type FieldValue = number | boolean | string;

/** One field set: `path` dotted, a number segment an index into a list (`faults.0.heal_s`). */
export interface FieldOverride {
  readonly path: string;
  readonly value: FieldValue;
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;
const PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Reads a typed value the way YAML would for a plain scalar of these kinds, so `--set x=30` is the number 30. */
export function parseFieldValue(text: string): FieldValue {
  if (text === "true" || text === "false") return text === "true";
  return NUMBER.test(text) ? Number(text) : text;
}

/** `path=value`; throws an Error whose message says what is wrong with `text`. */
export function parseOverride(text: string): FieldOverride {
  const eq = text.indexOf("=");
  const path = eq < 0 ? text : text.slice(0, eq);
  if (eq < 0 || !PATH.test(path)) throw new Error(`"${text}" must read path=value, path a dotted scenario field such as director.ttl_s`);
  return { path, value: parseFieldValue(text.slice(eq + 1)) };
}

/** The override as `path=value`, the form {@link parseOverride} reads back. */
export function formatOverride({ path, value }: FieldOverride): string {
  return `${path}=${String(value)}`;
}

/**
 * The scenario of `text` with the fields set, or why not: each problem names the override it comes from or the
 * field the schema refused. `file` labels the problems; the text itself should already be a valid scenario, so
 * that every problem is the overrides' doing.
 */
export function applyOverrides(text: string, file: string, overrides: readonly FieldOverride[]): { ok: true; scenario: Scenario } | { ok: false; problems: string[] } {
  const parsed = parseYamlText(text, file, "scenario");
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map((problem) => formatProblems([problem])) };
  const { doc } = parsed;
  for (const override of overrides) {
    try {
      doc.setIn(override.path.split(".").map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)), override.value);
    } catch (error) {
      return { ok: false, problems: [`${formatOverride(override)}: ${(error as Error).message}`] };
    }
  }
  const result = parseScenario(doc.toString(), file);
  if (result.ok) return result;
  const set = overrides.map(formatOverride).join(" ");
  return { ok: false, problems: result.problems.map((p) => `${file} with ${set}: ${p.field ? `${p.field}: ` : ""}${p.message}`) };
}
