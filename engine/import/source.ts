/**
 * A gateway config read for import: its data, and where each field of it is written, so every warning and
 * problem names `file:line:column: field` as scenario problems do (engine/yamlFile.ts).
 */
import { isMap, isNode, isScalar, isSeq, type Document, type Node } from "yaml";
import type { ScenarioProblem } from "../scenario/load";
import { parseYamlText } from "../yamlDocument";

export type SourcePath = readonly (string | number)[];
/** A value read from the config, with the path it is written at, so it can be warned about there once it is read. */
export type Setting = { value: unknown; path: SourcePath };

export interface Source {
  readonly data: unknown;
  /** A problem (or warning) located at the value of `path`, or at the nearest part of it the file has. */
  readonly at: (path: SourcePath, message: string) => ScenarioProblem;
}

/** The config's data, or the one problem that makes it unreadable. Never throws, whatever the text. */
export function readSource(text: string, file: string): { ok: true; source: Source } | { ok: false; problem: ScenarioProblem } {
  // A config's size, values and nesting are capped as every text file's are (engine/textFile.ts, kind "config").
  const parsed = parseYamlText(text, file, "config");
  if (!parsed.ok) return { ok: false, problem: parsed.problems[0]! };
  const { doc, lineCounter } = parsed;
  let data: unknown;
  try {
    const first = doc.errors[0];
    if (first) {
      const { line, col } = lineCounter.linePos(first.pos[0]);
      return { ok: false, problem: { file, line, column: col, field: "", message: `YAML: ${first.message}` } };
    }
    const duplicate = parsed.duplicates[0];
    if (duplicate) return { ok: false, problem: duplicate };
    data = doc.toJS();
  } catch (error) {
    // An alias bomb exceeds yaml's alias budget: a refusal, not a crash.
    return { ok: false, problem: { file, line: 1, column: 1, field: "", message: `YAML: cannot read the file: ${(error as Error).message}` } };
  }
  const at = (path: SourcePath, message: string): ScenarioProblem => {
    const { line, col } = lineCounter.linePos(offsetOf(doc, path));
    return { file, line, column: col, field: formatField(path), message };
  };
  return { ok: true, source: { data, at } };
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
