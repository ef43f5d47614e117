/**
 * A comparison as a person reads it in a terminal: one table, a row per figure, the better side named where
 * the figure has one. Numbers are worded as the drill summary words them.
 */
import { formatCount, formatDuration } from "../report/summary";
import type { Comparison, ComparisonRow, Section, Unit } from "./compare";

export const SECTION_TITLES: Readonly<Record<Section, string>> = {
  totals: "Requests",
  detection: "1. Detection and reroute",
  policy: "2. Policy and residency",
  inflight: "3. Requests in flight",
  audit: "4. Audit log",
};

/** One value as the drill summary words it; "–" where a run has none. */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return unit === "s" ? formatDuration(null) : "–";
  if (unit === "s") return formatDuration(value);
  if (unit === "ms") return `${formatCount(value)} ms`;
  if (unit === "share") return `${(value * 100).toFixed(2)} %`;
  return formatCount(value);
}

/** b − a with its sign; empty when the two are the same, so that differences stand out. */
export function formatDiff(row: ComparisonRow): string {
  if (!row.differs) return "";
  if (row.diff === null) return row.a === null ? "B only" : "A only";
  const sign = row.diff > 0 ? "+" : "−";
  const magnitude = Math.abs(row.diff);
  // Durations to a tenth and shares in points, so a difference reads in the unit its values do.
  if (row.unit === "s") return `${sign}${magnitude.toFixed(1)} s`;
  if (row.unit === "share") return `${sign}${(magnitude * 100).toFixed(2)} pt`;
  return `${sign}${formatValue(magnitude, row.unit)}`;
}

export const betterLabel = (row: ComparisonRow, labels: Comparison["labels"]): string => (row.better === null ? "" : labels[row.better]);

export function formatComparison(comparison: Comparison): string {
  const { labels } = comparison;
  const header = ["", `A: ${labels.a}`, `B: ${labels.b}`, "B − A", "better"];
  const body: (string[] | Section)[] = [];
  let section: Section | undefined;
  for (const row of comparison.rows) {
    if (row.section !== section) body.push((section = row.section));
    body.push([`  ${row.label}`, formatValue(row.a, row.unit), formatValue(row.b, row.unit), formatDiff(row), betterLabel(row, labels)]);
  }
  const cells = [header, ...body.filter((line): line is string[] => Array.isArray(line))];
  const widths = header.map((_, i) => Math.max(...cells.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd();
  const lines = [
    `Failover Lab comparison: ${labels.a} vs ${labels.b}`,
    `A: ${comparison.scenarios.a} (seed ${comparison.seeds.a})`,
    `B: ${comparison.scenarios.b} (seed ${comparison.seeds.b})`,
    "",
    line(header),
    ...body.map((entry) => (typeof entry === "string" ? SECTION_TITLES[entry] : line(entry))),
  ];
  const { onlyA, onlyB } = comparison.faults;
  if (onlyA.length > 0) lines.push("", `faults in ${labels.a} only (not compared): ${onlyA.join(", ")}`);
  if (onlyB.length > 0) lines.push("", `faults in ${labels.b} only (not compared): ${onlyB.join(", ")}`);
  lines.push("", comparison.differences === 0 ? "No differences." : `${comparison.differences} figures differ.`);
  return lines.join("\n");
}
