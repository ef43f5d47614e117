/**
 * `topology.rtt_ms` as a matrix of regions: a list of `[regionA, regionB, ms]` triples, symmetric, so a pair is
 * one entry in either order. A cell rewrites the whole list, keeping every other entry as the file had it, even
 * one the engine cannot read, so its problem stays shown.
 */
import { text } from "./fieldPath";

const isPair = (entry: unknown, a: string, b: string): boolean =>
  Array.isArray(entry) && ((entry[0] === a && entry[1] === b) || (entry[0] === b && entry[1] === a));

/** The index of the pair's first entry, where its problems are; -1 when the list has none. */
export function rttIndex(entries: unknown, a: string, b: string): number {
  return Array.isArray(entries) ? entries.findIndex((e) => isPair(e, a, b)) : -1;
}

/** The pair's round trip as its cell shows it; "" when not given. */
export function rttCell(entries: unknown, a: string, b: string): string {
  const entry = Array.isArray(entries) ? (entries as unknown[]).find((e) => isPair(e, a, b)) : undefined;
  return Array.isArray(entry) ? text(entry[2]) : "";
}

/**
 * The list with the pair at `ms`, in its first entry's place, or without the pair when `ms` is undefined; a
 * duplicate of the pair goes either way, as the cell showed the first only.
 */
export function withRtt(entries: unknown, a: string, b: string, ms: unknown): unknown[] {
  const before = Array.isArray(entries) ? (entries as unknown[]) : [];
  if (ms === undefined) return before.filter((e) => !isPair(e, a, b));
  const first = rttIndex(before, a, b);
  if (first < 0) return [...before, [a, b, ms]];
  const [x, y] = before[first] as unknown[];
  return before.flatMap((e, i) => (i === first ? [[x, y, ms]] : isPair(e, a, b) ? [] : [e]));
}
