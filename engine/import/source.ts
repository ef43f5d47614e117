/**
 * A gateway config read for import: its data, and where each field of it is written, so every warning and
 * problem names `file:line:column: field` as scenario problems do (engine/yamlFile.ts).
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { ScenarioProblem } from "../scenario/load";

export type SourcePath = readonly (string | number)[];
/** A value read from the config, with the path it is written at, so it can be warned about there once it is read. */
export type Setting = { value: unknown; path: SourcePath };

/** Larger than any hand-written gateway config by far; a bigger file is refused before it is parsed. */
const MAX_SOURCE_CHARS = 1_000_000;

export interface Source {
  readonly data: unknown;
  /** A problem (or warning) located at the value of `path`, or at the nearest part of it the file has. */
  readonly at: (path: SourcePath, message: string) => ScenarioProblem;
}

/** The config's data, or the one problem that makes it unreadable. Never throws, whatever the text. */
export function readSource(text: string, file: string): { ok: true; source: Source } | { ok: false; problem: ScenarioProblem } {
  const whole = (message: string): ScenarioProblem => ({ file, line: 1, column: 1, field: "", message });
  if (text.length > MAX_SOURCE_CHARS) return { ok: false, problem: whole(`the file is ${text.length} characters long; a config this large (over ${MAX_SOURCE_CHARS}) is not imported`) };
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  let data: unknown;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: "error" });
    const first = doc.errors[0];
    if (first) {
      const { line, col } = lineCounter.linePos(first.pos[0]);
      return { ok: false, problem: { file, line, column: col, field: "", message: `YAML: ${readable(first.message)}` } };
    }
    data = doc.toJS();
  } catch (error) {
    // Deep nesting exhausts the stack and an alias bomb exceeds yaml's alias budget: both are a refusal, not a crash.
    return { ok: false, problem: whole(`YAML: cannot read the file: ${readable((error as Error).message)}`) };
  }
  const at = (path: SourcePath, message: string): ScenarioProblem => {
    const { line, col } = lineCounter.linePos(offsetOf(doc, path));
    return { file, line, column: col, field: formatField(path), message };
  };
  return { ok: true, source: { data, at } };
}

/** yaml reports nesting deeper than the stack as the stack's own error; the author needs to hear what it means. */
function readable(message: string): string {
  return /call stack/i.test(message) ? "the file nests too deeply to read (thousands of levels); no gateway config does" : message;
}

function offsetOf(doc: Document.Parsed, path: SourcePath): number {
  let node: Node | null = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (!isNode(item)) break;
      node = item;
    } else if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (!isNode(pair.value)) {
        node = isNode(pair.key) ? pair.key : null;
        offset = node?.range?.[0] ?? offset;
        break;
      }
      node = pair.value;
    } else break;
    offset = node.range?.[0] ?? offset;
  }
  return offset;
}

/** `router_settings.fallbacks[0]` from `["router_settings", "fallbacks", 0]`. */
function formatField(path: SourcePath): string {
  return path.reduce<string>((field, key) => (typeof key === "number" ? `${field}[${key}]` : field ? `${field}.${key}` : key), "");
}
