/**
 * `policy.residency` as rows: per origin jurisdiction, the jurisdictions allowed to serve its data. The map's
 * keys are the origins, so changing a row's origin rewrites the map, keeping the rows' order.
 */
import { strings, type Row } from "./fieldPath";

export interface ResidencyRow {
  readonly origin: string;
  readonly allowed: readonly string[];
}

const entries = (residency: unknown): [string, unknown][] =>
  typeof residency === "object" && residency !== null && !Array.isArray(residency) ? Object.entries(residency as Row) : [];

export function residencyRows(residency: unknown): ResidencyRow[] {
  return entries(residency).map(([origin, allowed]) => ({ origin, allowed: strings(allowed) }));
}

/** The origins a new row may take: the choices no row has yet. */
export function freeOrigins(residency: unknown, choices: readonly string[]): string[] {
  const taken = new Set(entries(residency).map(([origin]) => origin));
  return choices.filter((c) => !taken.has(c));
}

/** The map with origin `from` now `to`, its allowed list and place kept. */
export function withOrigin(residency: unknown, from: string, to: string): Record<string, unknown> {
  return Object.fromEntries(entries(residency).map(([origin, allowed]) => [origin === from ? to : origin, allowed]));
}
