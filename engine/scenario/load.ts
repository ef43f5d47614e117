/**
 * Reads a scenario file: YAML syntax first, then the zod schema, with every problem located by file, line,
 * column and field so a person can fix it in their editor. Nothing runs on an invalid file.
 */
import { readFileSync } from "node:fs";
import { isMap, isNode, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { SCENARIO_REVISION, scenarioSchema, type Scenario } from "./schema";

/** One thing wrong with a scenario file. `line` and `column` are 1-based. */
export interface ScenarioProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path with [i] for list items, e.g. `topology.callers[0].rate_per_s`; "" for the whole document. */
  readonly field: string;
  readonly message: string;
}

export class ScenarioError extends Error {
  constructor(readonly problems: readonly ScenarioProblem[]) {
    super(formatProblems(problems));
    this.name = "ScenarioError";
  }
}

/** One line per problem: `file:line:column: field: message`. */
export function formatProblems(problems: readonly ScenarioProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ""}${p.message}`).join("\n");
}

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] };

/** Parses and validates scenario text; never throws. */
export function parseScenario(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number, field: string, message: string): ScenarioProblem => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, field, message };
  };
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => at(e.pos[0], "", `YAML: ${e.message.split("\n")[0]}`));
  if (yamlProblems.length > 0) return { ok: false, problems: yamlProblems };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, problems: [at(0, "", `YAML: ${(error as Error).message}`)] };
  }
  if (data === null || data === undefined) return { ok: false, problems: [at(0, "", "the file is empty; a scenario starts with `revision: 1`")] };
  if (!isMap(doc.contents)) return { ok: false, problems: [at(doc.contents?.range?.[0] ?? 0, "", "a scenario must be a mapping of keys (revision, name, topology, …)")] };
  const revision = (data as { revision?: unknown }).revision;
  if (typeof revision === "number" && revision !== SCENARIO_REVISION) {
    const node = doc.getIn(["revision"], true);
    return { ok: false, problems: [at(isNode(node) ? node.range![0] : 0, "revision", `this build reads revision ${SCENARIO_REVISION}; the file is revision ${revision}`)] };
  }

  const result = scenarioSchema.safeParse(data);
  if (result.success) return { ok: true, scenario: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => locateIssue(doc, issue, at)) };
}

/** Reads and validates a scenario file; throws a {@link ScenarioError} naming the file when it cannot. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ScenarioError([{ file: path, line: 1, column: 1, field: "", message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  const result = parseScenario(text, path);
  if (!result.ok) throw new ScenarioError(result.problems);
  return result.scenario;
}

type PathKey = string | number;

/** The key node of `key` in the mapping at `path` (only mappings have keys; a list index has none). */
function keyNode(doc: Document, path: readonly PathKey[], key: PathKey): { range?: [number, number, number] | null } | undefined {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === key);
  return isNode(pair?.key) ? pair.key : undefined;
}

function formatField(path: readonly PathKey[]): string {
  return path.reduce<string>((field, key) => (typeof key === "number" ? `${field}[${key}]` : field ? `${field}.${key}` : key), "");
}

/** Points a zod issue at the YAML node it is about, or the nearest ancestor that exists. */
function locateIssue(doc: Document, issue: z.core.$ZodIssue, at: (offset: number, field: string, message: string) => ScenarioProblem): ScenarioProblem {
  const path = issue.path.filter((k): k is PathKey => typeof k === "string" || typeof k === "number");
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    message = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    const found = keyNode(doc, path, key);
    if (found?.range) return at(found.range[0], formatField([...path, key]), message);
  }
  const node = doc.getIn(path, true);
  if (isNode(node) && node.range) return at(node.range[0], formatField(path), message);
  // The node is missing: point at the key of the mapping that lacks it, or at the nearest ancestor.
  if (issue.code === "invalid_type" && issue.input === undefined) message = `missing required field "${String(path.at(-1))}"`;
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parentKey = depth > 0 ? keyNode(doc, path.slice(0, depth - 1), path[depth - 1]!) : undefined;
    if (parentKey?.range) return at(parentKey.range[0], formatField(path), message);
    const ancestor = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(ancestor) && ancestor.range) return at(ancestor.range[0], formatField(path), message);
  }
  return at(0, formatField(path), message);
}
