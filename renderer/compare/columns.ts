/**
 * The two designs' per-second series as uPlot columns on one time axis, and a row's values in the app's
 * words: pure, so the overlay and the table are tested without a browser.
 */
import type { Comparison, ComparisonRow } from "../../engine/lab/contract";
import type { FaultMarker } from "../charts/faultMarkers";
import { formatLatency, formatPercent } from "../charts/format";
import type { AlignedColumns } from "../metrics/series";

/** Requests served each second, then the share failed or refused, A beside B; a second one run lacks is a gap. */
export function overlaidColumns(comparison: Pick<Comparison, "series">): { served: AlignedColumns; errorRate: AlignedColumns } {
  const { a, b } = comparison.series;
  const last = Math.max(a.at(-1)?.t_s ?? -1, b.at(-1)?.t_s ?? -1);
  const seconds = Array.from({ length: last + 1 }, (_, t) => t);
  const byTime = (points: typeof a) => new Map(points.map((p) => [p.t_s, p]));
  const [atA, atB] = [byTime(a), byTime(b)];
  const served = (at: typeof atA) => seconds.map((t) => at.get(t)?.ok ?? null);
  const errorRate = (at: typeof atA) =>
    seconds.map((t) => {
      const p = at.get(t);
      return p && p.requests > 0 ? (p.errors + p.rejected) / p.requests : null;
    });
  return { served: [seconds, served(atA), served(atB)], errorRate: [seconds, errorRate(atA), errorRate(atB)] };
}

/** Each matched fault's start and heal, as the metrics charts mark them. */
export function comparisonMarkers(comparison: Pick<Comparison, "faults">): FaultMarker[] {
  return comparison.faults.windows.flatMap(({ id, at_s, heal_s }) => {
    const injected: FaultMarker = { x: at_s, edge: "injected", label: id };
    return heal_s === null ? [injected] : [injected, { x: heal_s, edge: "healed", label: `${id} healed`, shortLabel: id }];
  });
}

/** One side's value, or "–" where that run has none (a question it never had to answer). */
export function formatValue(row: Pick<ComparisonRow, "unit">, value: number | null): string {
  if (value === null) return "–";
  switch (row.unit) {
    case "count":
      return value.toLocaleString("en");
    case "s":
      return `${value.toFixed(1)} s`;
    case "ms":
      return formatLatency(value);
    case "share":
      return formatPercent(value);
  }
}

/** B − A with its sign; shares in percentage points. */
export function formatDifference(row: Pick<ComparisonRow, "unit" | "diff">): string {
  if (row.diff === null || row.diff === 0) return "";
  const sign = row.diff > 0 ? "+" : "−";
  const size = Math.abs(row.diff);
  if (row.unit === "share") return `${sign}${Number((size * 100).toFixed(2))} pt`;
  return `${sign}${formatValue(row, size)}`;
}
