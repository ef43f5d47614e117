/**
 * YAML text parsed within its kind's limits (engine/textFile.ts): the text checked as any text file is, then a
 * pass of yaml's lexer that counts values and nesting and stops at the cap, so a file of 2.4 million keys or ten
 * thousand `[` is refused in milliseconds before a document is built; then the document, parsed without yaml's
 * duplicate-key check (quadratic in the keys of one mapping), which {@link walk} does in linear time.
 */
import { CST, isAlias, isCollection, isMap, isPair, isScalar, Lexer, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { FileProblem } from "./fileProblems";
import { checkText, MAX_YAML_DEPTH, positionAt, TEXT_LIMITS, type TextKind } from "./textFile";

/** A parsed document and where its offsets are, with its duplicate keys; or the problems that kept it from being parsed. */
export type YamlText =
  | { readonly ok: true; readonly doc: Document.Parsed; readonly lineCounter: LineCounter; readonly duplicates: FileProblem[] }
  | { readonly ok: false; readonly problems: FileProblem[] };

/**
 * Parses `text` of `kind` (a YAML kind: its limit has `yamlValues`); `file` labels the problems. yaml's own errors
 * stay in `doc.errors` for the format to word. Never throws, whatever the text.
 */
export function parseYamlText(text: string, file: string, kind: TextKind): YamlText {
  const refused = yamlTextProblem(text, file, kind);
  if (refused) return { ok: false, problems: [refused] };
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    // logLevel "error": yaml would otherwise print its own warnings to stderr; the formats report them instead.
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, logLevel: "error" });
  } catch (error) {
    return { ok: false, problems: [{ file, line: 1, column: 1, field: "", message: `YAML: cannot read the file: ${(error as Error).message}` }] };
  }
  const at = (node: Node, message: string): FileProblem => {
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
    return { file, line, column: col, field: "", message };
  };
  const walked = walk(doc, at, TEXT_LIMITS[kind].what);
  return "tooDeep" in walked ? { ok: false, problems: [walked.tooDeep] } : { ok: true, doc, lineCounter, duplicates: walked.duplicates };
}

/**
 * What makes `text` not worth parsing as YAML of `kind`: a problem of the text itself ({@link checkText}), more
 * values (keys and scalars) than the kind allows, or collections nested past {@link MAX_YAML_DEPTH}. The nesting
 * seen here is a lower bound, give or take a level (a scalar on a line of its own counts as one); the document's
 * walk after parsing is exact.
 */
export function yamlTextProblem(text: string, file: string, kind: TextKind): FileProblem | undefined {
  const textProblem = checkText(text, file, kind);
  if (textProblem) return textProblem;
  const limit = TEXT_LIMITS[kind];
  const maxValues = limit.yamlValues ?? Infinity;
  const problem = (offset: number, message: string): FileProblem => ({ file, ...positionAt(text, offset), field: "", message });
  let offset = 0;
  let values = 0;
  let flow = 0;
  // Indentations of the lines that start a node, outermost first: each deeper one is a collection nested in the one before.
  const indents: number[] = [];
  let lineStart = true;
  let indent = 0;
  let compact = 0;
  let inBlockScalar = false;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    const at = offset;
    // The lexer's markers (document, scalar, flow end) are not characters of the text.
    if (type !== "doc-mode" && type !== "scalar" && type !== "flow-error-end") offset += token.length;
    if (type === "newline") {
      lineStart = true;
      indent = 0;
      compact = 0;
      continue;
    }
    if (type === "space") {
      if (lineStart) indent = token.length;
      continue;
    }
    if (type === "comment" || type === "doc-mode") continue;
    if (type === "doc-start") indents.length = 0;
    if (inBlockScalar) {
      // A block scalar's header is followed by its content, a marker and one token whose lines are text, not nodes.
      if (type === undefined || type === null) inBlockScalar = false;
      continue;
    }
    if (lineStart && flow === 0) {
      while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
      indents.push(indent);
    }
    lineStart = false;
    switch (type) {
      case "scalar":
      case "single-quoted-scalar":
      case "double-quoted-scalar":
      case "alias":
      case "block-scalar-header":
        if (++values > maxValues)
          return problem(at, `more than ${maxValues.toLocaleString("en")} YAML values (keys and scalars); a ${limit.what} holds at most that many`);
        inBlockScalar = type === "block-scalar-header";
        break;
      case "flow-map-start":
      case "flow-seq-start":
        flow++;
        break;
      case "flow-map-end":
      case "flow-seq-end":
        flow = Math.max(0, flow - 1);
        break;
      case "seq-item-ind":
      case "explicit-key-ind":
        compact++;
        break;
    }
    const depth = flow + indents.length - 1 + Math.max(1, compact);
    if (depth > MAX_YAML_DEPTH + 1) return problem(at, nestingMessage(limit.what));
  }
  return undefined;
}

function nestingMessage(what: string): string {
  return `collections nested more than ${MAX_YAML_DEPTH} deep; a ${what} needs a few levels`;
}

/**
 * Every mapping's keys checked with a set (yaml's own check compares each key with every earlier one), each
 * repeated key reported once per mapping at its second appearance; and the exact nesting, which stops the walk.
 * Keys compare as yaml compares them: scalars by value, so `1` and `"1"` differ. Aliases are not followed.
 */
function walk(doc: Document.Parsed, at: (node: Node, message: string) => FileProblem, what: string): { duplicates: FileProblem[] } | { tooDeep: FileProblem } {
  const duplicates: FileProblem[] = [];
  const stack: [unknown, number][] = [[doc.contents, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isCollection(node) || isAlias(node)) continue;
    if (depth > MAX_YAML_DEPTH) return { tooDeep: at(node, nestingMessage(what)) };
    if (isMap(node)) {
      const seen = new Set<unknown>();
      const reported = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = pair.key.value;
          if (seen.has(key) && !reported.has(key)) {
            reported.add(key);
            duplicates.push(at(pair.key, `YAML: duplicate key ${shown(key)}; each key may appear once per mapping`));
          }
          seen.add(key);
        }
        stack.push([pair.key, depth + 1], [pair.value, depth + 1]);
      }
    } else for (const item of node.items) stack.push([isPair(item) ? item.value : item, depth + 1]);
  }
  return { duplicates };
}

function shown(key: unknown): string {
  if (typeof key !== "string") return String(key);
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
}
