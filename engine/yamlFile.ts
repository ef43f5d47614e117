/**
 * Reads a YAML file of one of the lab's formats (scenarios, lessons): the text within its kind's caps
 * (engine/textFile.ts, engine/yamlDocument.ts), YAML syntax, then the format's zod schema, with every problem
 * located by file, line, column and field so a person can fix it in their editor.
 * One implementation for every format, so each gets the same quality of errors.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, visit, type Document, type Node, type Pair, type Scalar, type YAMLError, type YAMLMap } from "yaml";
import { z } from "zod";
import { capProblems, FileProblemsError, type FileProblem } from "./fileProblems";
import { readTextFile, type TextKind } from "./textFile";
import { parseYamlText } from "./yamlDocument";

/** What {@link parseYamlFile} needs to know of a format; its name and top keys only word the messages. */
export interface YamlFormat<T> {
  /** The format's name in messages: "a scenario must be a mapping of keys …", "not part of the scenario format". */
  readonly name: string;
  /** The `revision` this build reads; a file of another revision gets that one problem, not the schema's noise. */
  readonly revision: number;
  /** The first few top-level keys, shown as an example when the document is not a mapping. */
  readonly topKeys: readonly string[];
  readonly schema: z.ZodType<T>;
  /** Which caps of engine/textFile.ts the file is held to. */
  readonly kind: TextKind;
}

/** A valid value with the schema's defaults filled in, or at least one problem, sorted by position in the file. */
export type YamlFileResult<T> = { ok: true; value: T } | { ok: false; problems: FileProblem[] };

type Locate = (offset: number, field: string, message: string) => FileProblem;
type PathKey = string | number;

/** Parses and validates text of `format`; `file` only labels the problems. Never throws, whatever the text. */
export function parseYamlFile<T>(text: string, file: string, format: YamlFormat<T>): YamlFileResult<T> {
  const parsed = parseYamlText(text, file, format.kind);
  if (!parsed.ok) return failure(parsed.problems);
  const { doc, lineCounter } = parsed;
  const at: Locate = (offset, field, message) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, field, message };
  };
  const syntax = [...yamlProblems(doc, format, at), ...parsed.duplicates];
  if (syntax.length > 0) return failure(syntax);
  const data = toData(doc, at);
  if (!data.ok) return failure([data.problem]);
  const documentProblem = checkDocument(doc, data.value, format, at);
  if (documentProblem) return failure([documentProblem]);

  const result = format.schema.safeParse(data.value, { error: readableMessages(format) });
  if (result.success) return { ok: true, value: result.data };
  return failure(firstRound(result.error.issues).flatMap((issue) => locateIssue(doc, issue, at)));
}

/** Reads (engine/textFile.ts) and validates a file of `format`; throws a {@link FileProblemsError} naming the file when it cannot, unreadable files included. */
export function loadYamlFile<T>(path: string, format: YamlFormat<T>): T {
  const result = parseYamlFile(readTextFile(path, format.kind), path, format);
  if (!result.ok) throw new FileProblemsError(result.problems);
  return result.value;
}

function failure(problems: FileProblem[]): { ok: false; problems: FileProblem[] } {
  return { ok: false, problems: capProblems(problems.sort((a, b) => a.line - b.line || a.column - b.column)) };
}

/**
 * A schema's cross-reference checks also run on data that failed a range or format check, where they mislead
 * (`duration_s: -5` adds "fault starts after the run ends"); they are reported once everything else is fixed.
 */
function firstRound(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const structural = issues.filter((issue) => issue.code !== "custom");
  return structural.length > 0 ? structural : issues;
}

/** YAML errors and warnings alike: a warning (e.g. an unknown tag) means the data is not what the author wrote. */
function yamlProblems(doc: Document.Parsed, format: YamlFormat<unknown>, at: Locate): FileProblem[] {
  return [...doc.errors, ...doc.warnings].map((e) => at(e.pos[0], "", `YAML: ${yamlMessage(e, format)}`));
}

function yamlMessage(error: YAMLError, format: YamlFormat<unknown>): string {
  switch (error.code) {
    case "MULTIPLE_DOCS":
      return `a ${format.name} file holds one YAML document; this \`---\` starts a second`;
    default:
      return error.message;
  }
}

/**
 * The document as plain data. yaml's default alias budget (maxAliasCount 100) makes an alias bomb throw here
 * instead of expanding; an alias naming an anchor set only later throws too.
 */
function toData(doc: Document.Parsed, at: Locate): { ok: true; value: unknown } | { ok: false; problem: FileProblem } {
  try {
    return { ok: true, value: doc.toJS() };
  } catch (error) {
    return { ok: false, problem: at(failedAliasOffset(doc), "", `YAML: ${(error as Error).message}`) };
  }
}

/** The first alias naming an anchor not set before it, else the first alias: where the expansion started. */
function failedAliasOffset(doc: Document.Parsed): number {
  const anchors = new Set<string>();
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, (_, node) => {
    if (isAlias(node)) {
      first ??= start(node);
      if (anchors.has(node.source)) return;
      unresolved = start(node);
      return visit.BREAK;
    }
    if (isNode(node) && node.anchor) anchors.add(node.anchor);
  });
  return unresolved ?? first ?? 0;
}

/** Problems that make every schema message noise: nothing there, not a mapping, or another format revision. */
function checkDocument(doc: Document.Parsed, data: unknown, format: YamlFormat<unknown>, at: Locate): FileProblem | undefined {
  if (doc.contents === null) return at(0, "", `the file is empty; a ${format.name} starts with \`revision: ${format.revision}\``);
  if (!isMap(doc.contents))
    return at(start(doc.contents), "", `a ${format.name} must be a mapping of keys (${format.topKeys.join(", ")}, …), not ${received(data)}`);
  const revision = (data as Record<string, unknown>).revision;
  if (typeof revision === "number" && revision !== format.revision) {
    const spot = find(doc, ["revision"]);
    return at(start(spot.node), "revision", `this build reads revision ${format.revision}; the file is revision ${revision}`);
  }
  return undefined;
}

/**
 * Points a zod issue at the YAML it is about: the value itself, the key for key problems, or, when the node
 * does not exist (a missing field), the key of the nearest ancestor that does. One problem per unknown key.
 */
function locateIssue(doc: Document.Parsed, issue: z.core.$ZodIssue, at: Locate): FileProblem[] {
  const path = issue.path.filter((key): key is PathKey => typeof key !== "symbol");
  if (issue.code === "unrecognized_keys")
    return issue.keys.map((key) => {
      const spot = find(doc, [...path, key]);
      return at(start(spot.key ?? spot.node), formatField([...path, key]), `unknown key ${received(key)}; ${issue.message}`);
    });
  const spot = find(doc, path);
  const exact = spot.depth === path.length && issue.code !== "invalid_key";
  return [at(start(exact ? spot.node : (spot.key ?? spot.node)), formatField(path), issue.message)];
}

/** `topology.callers[0].rate_per_s` from `["topology", "callers", 0, "rate_per_s"]`. */
function formatField(path: readonly PathKey[]): string {
  return path.reduce<string>((field, key) => (typeof key === "number" ? `${field}[${key}]` : field ? `${field}.${key}` : key), "");
}

interface Spot {
  node: Node;
  /** The mapping key `node` is the value of, if it is one. */
  key: Node | undefined;
  /** How many leading segments of the path exist in the document. */
  depth: number;
}

/** Follows `path` from the root mapping as far as the document goes. */
function find(doc: Document.Parsed, path: readonly PathKey[]): Spot {
  let spot: Spot = { node: doc.contents!, key: undefined, depth: 0 };
  for (const segment of path) {
    const next = child(spot.node, segment);
    if (!next) break;
    spot = { ...next, depth: spot.depth + 1 };
  }
  return spot;
}

/**
 * Aliases are not followed: a field whose value comes from an alias is located at the alias, where that field is
 * written, not at an anchor elsewhere that other fields share.
 */
function child(node: Node, segment: PathKey): Omit<Spot, "depth"> | undefined {
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return isNode(item) ? { node: item, key: undefined } : undefined;
  }
  if (!isMap(node)) return undefined;
  const pair = keyIndex(node).get(String(segment));
  if (!pair || !isNode(pair.key)) return undefined;
  return { node: isNode(pair.value) ? pair.value : pair.key, key: pair.key };
}

const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/**
 * The pairs of a mapping by key, built once per mapping so a file with thousands of wrong keys is located in linear
 * time. Keys are strings because toJS turns every key into one; a later equal key wins, as it does in toJS.
 */
function keyIndex(map: YAMLMap): Map<string, Pair> {
  let index = keyIndexes.get(map);
  if (!index) {
    index = new Map(map.items.filter((p) => isScalar(p.key)).map((p) => [String((p.key as Scalar).value), p]));
    keyIndexes.set(map, index);
  }
  return index;
}

function start(node: Node): number {
  return node.range?.[0] ?? 0;
}

/**
 * Messages for zod's built-in checks, worded for someone editing YAML and naming what was found. Messages written
 * in the schema take precedence over this map; codes not handled keep zod's wording.
 */
const readableMessages = (format: YamlFormat<unknown>): z.core.$ZodErrorMap => (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return typeMessage(issue.expected, issue.input);
    case "too_big":
    case "too_small":
      return boundMessage(issue.code === "too_big", Number(issue.code === "too_big" ? issue.maximum : issue.minimum), issue.inclusive ?? true, issue.origin, issue.input);
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${received(issue.values[0])}, got ${received(issue.input)}`
        : `expected one of ${issue.values.join(", ")}; got ${received(issue.input)}`;
    case "invalid_format":
      return issue.format === "url" ? `must be an http(s) URL, got ${received(issue.input)}` : undefined;
    case "invalid_union":
      return issue.discriminator === undefined || issue.inclusive === false ? undefined : discriminatorMessage(issue.discriminator, issue.options ?? [], issue.input);
    case "invalid_key":
      return `invalid key ${received(issue.input)}: ${issue.issues.map((i) => i.message).join("; ")}`;
    case "unrecognized_keys":
      // locateIssue prefixes `unknown key "…"` per key; this is the advice that follows it.
      return allowedKeys(issue.inst, format);
    default:
      return undefined;
  }
};

const TYPE_NAMES: Record<string, string> = { int: "an integer", number: "a number", string: "a string", object: "a mapping", record: "a mapping", array: "a list", tuple: "a list", boolean: "true or false" };

function typeMessage(expected: string, input: unknown): string {
  const wanted = TYPE_NAMES[expected] ?? expected;
  if (input === undefined) return `required, but missing; expected ${wanted}`;
  if (typeof input === "number" && !Number.isFinite(input)) return `must be a finite number, got ${input}`;
  // "10" in quotes is text to YAML; saying so explains why a number-looking value fails.
  return `expected ${wanted}, got ${typeof input === "string" ? "the text " : ""}${received(input)}`;
}

function boundMessage(over: boolean, limit: number, inclusive: boolean, origin: string, input: unknown): string {
  const words = over ? (inclusive ? "at most" : "less than") : inclusive ? "at least" : "greater than";
  const sized = origin === "array" || origin === "string";
  if (sized && !over && inclusive && limit === 1) return "must not be empty";
  if (origin === "array") return `must have ${words} ${limit} item${limit === 1 ? "" : "s"}, got ${(input as unknown[]).length}`;
  if (origin === "string") return `must be ${words} ${limit} characters long, got ${(input as string).length}`;
  return `must be ${words} ${limit}, got ${received(input)}`;
}

function discriminatorMessage(discriminator: string, options: readonly unknown[], input: unknown): string {
  const value = typeof input === "object" && input !== null ? (input as Record<string, unknown>)[discriminator] : undefined;
  const found = value === undefined ? "it is missing" : `got ${received(value)}`;
  return `${discriminator} must be one of ${options.join(", ")}; ${found}`;
}

function allowedKeys(schema: unknown, format: YamlFormat<unknown>): string {
  if (schema instanceof z.ZodObject) return `allowed here: ${Object.keys(schema.shape).join(", ")}`;
  if (schema instanceof z.ZodRecord && schema.keyType instanceof z.ZodEnum) return `allowed here: ${schema.keyType.options.join(", ")}`;
  return `not part of the ${format.name} format`;
}

const MAX_SHOWN = 60;

/** A short description of a value from YAML. Never serialises collections: through aliases they may be cyclic. */
function received(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a date";
  if (ArrayBuffer.isView(value)) return "binary data";
  return "a mapping";
}
