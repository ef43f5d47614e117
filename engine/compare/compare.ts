/**
 * Two drill reports side by side: the same questions answered for two designs (reject vs consent, DNS vs
 * anycast, Pattern A vs B) run on the same seed. Pure: it decides what differs and which side is better;
 * the text table and the HTML page only render that decision.
 */
import type { DrillReport } from "../drill";
import type { SecondPoint } from "../report/recorder";

/** Which way a figure is better; `null` where neither is (a design choice, a volume), so only the difference is shown. */
export type Direction = "lower" | "higher" | null;

/** How a row's values read: a count, virtual seconds, milliseconds or a share of 1. */
export type Unit = "count" | "s" | "ms" | "share";

export type Section = "totals" | "detection" | "policy" | "inflight" | "audit";

export interface ComparisonRow {
  readonly section: Section;
  readonly label: string;
  readonly unit: Unit;
  readonly a: number | null;
  readonly b: number | null;
  /** b − a; null when either side has no value. */
  readonly diff: number | null;
  /** Whether the two sides differ, a value on one side only included. */
  readonly differs: boolean;
  /** The better side where the row defines better and the values differ; null otherwise. */
  readonly better: "a" | "b" | null;
}

export interface Comparison {
  readonly labels: { readonly a: string; readonly b: string };
  readonly scenarios: { readonly a: string; readonly b: string };
  readonly seeds: { readonly a: number; readonly b: number };
  readonly rows: readonly ComparisonRow[];
  /** Faults matched by id; the others ran in one design only, so they have no row. */
  readonly faults: {
    readonly matched: readonly string[];
    readonly onlyA: readonly string[];
    readonly onlyB: readonly string[];
    /** When each fault was active, virtual seconds, A's where both runs have it; `heal_s` null when it lasted to the end. */
    readonly windows: readonly { readonly id: string; readonly at_s: number; readonly heal_s: number | null }[];
  };
  /** Rows whose values differ. */
  readonly differences: number;
  readonly series: { readonly a: readonly SecondPoint[]; readonly b: readonly SecondPoint[] };
}

interface RowSpec {
  readonly section: Section;
  readonly label: string;
  readonly unit: Unit;
  readonly better: Direction;
  readonly value: (report: DrillReport) => number | null;
}

const lower = "lower" as const;
const higher = "higher" as const;

/** Figures every report has. Refusals count as lower-is-better: a refused request is a failure the caller sees. */
const REPORT_ROWS: readonly RowSpec[] = [
  { section: "totals", label: "requests", unit: "count", better: null, value: (r) => r.totals.requests },
  { section: "totals", label: "ok", unit: "count", better: higher, value: (r) => r.totals.ok },
  { section: "totals", label: "failed", unit: "count", better: lower, value: (r) => r.totals.errors },
  { section: "totals", label: "refused", unit: "count", better: lower, value: (r) => r.totals.rejected },
  { section: "totals", label: "success rate", unit: "share", better: higher, value: (r) => r.totals.success_rate },
  { section: "totals", label: "retried", unit: "count", better: lower, value: (r) => r.totals.retried },
  { section: "totals", label: "unfinished", unit: "count", better: lower, value: (r) => r.totals.unfinished },
  { section: "totals", label: "latency p50", unit: "ms", better: lower, value: (r) => r.totals.latency_ms.p50 },
  { section: "totals", label: "latency p95", unit: "ms", better: lower, value: (r) => r.totals.latency_ms.p95 },
  { section: "totals", label: "latency p99", unit: "ms", better: lower, value: (r) => r.totals.latency_ms.p99 },
  { section: "detection", label: "detection (slowest fault)", unit: "s", better: lower, value: (r) => r.metrics.detection_s },
  { section: "detection", label: "reroute (slowest fault)", unit: "s", better: lower, value: (r) => r.metrics.reroute_s },
  { section: "detection", label: "RTO (longest)", unit: "s", better: lower, value: (r) => r.metrics.rto_s },
  { section: "policy", label: "residency violations", unit: "count", better: lower, value: (r) => r.questions.policy.violations },
  { section: "policy", label: "refused by residency policy", unit: "count", better: lower, value: (r) => r.questions.policy.rejectedByPolicy },
  { section: "policy", label: "served cross-border", unit: "count", better: null, value: (r) => r.metrics.cross_border_served },
  { section: "policy", label: "refused by identity", unit: "count", better: lower, value: (r) => r.totals.rejected_by.identity },
  { section: "policy", label: "refused by audit (fail-closed)", unit: "count", better: lower, value: (r) => r.totals.rejected_by.audit },
  { section: "inflight", label: "failovers", unit: "count", better: null, value: (r) => r.questions.inflight.failovers.length },
  { section: "inflight", label: "in flight at a failover, failed", unit: "count", better: lower, value: (r) => r.metrics.inflight_failed },
  { section: "audit", label: "audit entries", unit: "count", better: null, value: (r) => r.questions.audit.entries },
  { section: "audit", label: "audit gaps", unit: "count", better: lower, value: (r) => r.questions.audit.gaps },
  { section: "audit", label: "audit entries lost", unit: "count", better: lower, value: (r) => r.questions.audit.lost },
  { section: "audit", label: "audit entries at risk at the end", unit: "count", better: lower, value: (r) => r.metrics.audit_at_risk },
  { section: "audit", label: "hash chain valid", unit: "count", better: higher, value: (r) => r.metrics.chain_valid },
];

type FaultFigure = "detection_s" | "reroute_s" | "rto_s" | "requests_failed" | "requests_refused";

const FAULT_ROWS: readonly { readonly figure: FaultFigure; readonly label: string; readonly unit: Unit }[] = [
  { figure: "detection_s", label: "detection", unit: "s" },
  { figure: "reroute_s", label: "reroute", unit: "s" },
  { figure: "rto_s", label: "RTO", unit: "s" },
  { figure: "requests_failed", label: "touching requests failed", unit: "count" },
  { figure: "requests_refused", label: "touching requests refused", unit: "count" },
];

/** Each design named by its file without the extension; the same file twice is told apart by "(B)". */
export function designLabels(fileA: string, fileB: string): { readonly a: string; readonly b: string } {
  const name = (file: string) => file.replace(/^.*[\\/]/, "").replace(/\.ya?ml$/i, "");
  const [a, b] = [name(fileA), name(fileB)];
  return { a, b: a === b ? `${b} (B)` : b };
}

export function compareReports(a: DrillReport, b: DrillReport, labels: { readonly a: string; readonly b: string }): Comparison {
  const faultsA = new Map(a.questions.detection.faults.map((f) => [f.id, f]));
  const faultsB = new Map(b.questions.detection.faults.map((f) => [f.id, f]));
  const matched = [...faultsA.keys()].filter((id) => faultsB.has(id));
  const faultRows = matched.flatMap((id) =>
    FAULT_ROWS.map(({ figure, label, unit }) => row("detection", `${id} ${label}`, unit, lower, faultsA.get(id)![figure], faultsB.get(id)![figure])),
  );
  const rows = [...REPORT_ROWS.map((spec) => row(spec.section, spec.label, spec.unit, spec.better, spec.value(a), spec.value(b))), ...faultRows];
  return {
    labels: { a: labels.a, b: labels.b },
    scenarios: { a: a.scenario.name, b: b.scenario.name },
    seeds: { a: a.seed, b: b.seed },
    rows: sortBySection(rows),
    faults: {
      matched,
      onlyA: [...faultsA.keys()].filter((id) => !faultsB.has(id)),
      onlyB: [...faultsB.keys()].filter((id) => !faultsA.has(id)),
      windows: [...new Map([...faultsB, ...faultsA]).values()].map(({ id, at_s, heal_s }) => ({ id, at_s, heal_s })),
    },
    differences: rows.filter((r) => r.differs).length,
    series: { a: a.series, b: b.series },
  };
}

function row(section: Section, label: string, unit: Unit, direction: Direction, a: number | null, b: number | null): ComparisonRow {
  // Shares to the report's 4 digits, so that the JSON does not carry a float subtraction's noise.
  const diff = a === null || b === null ? null : unit === "share" ? Math.round((b - a) * 10_000) / 10_000 : b - a;
  const differs = a !== b;
  const better = direction === null || diff === null || diff === 0 ? null : (diff < 0) === (direction === "lower") ? "b" : "a";
  return { section, label, unit, a, b, diff, differs, better };
}

const SECTION_ORDER: readonly Section[] = ["totals", "detection", "policy", "inflight", "audit"];

/** Per-fault rows sit with the run-wide detection figures; the sort is stable, so each section keeps its order. */
function sortBySection(rows: readonly ComparisonRow[]): ComparisonRow[] {
  return [...rows].sort((x, y) => SECTION_ORDER.indexOf(x.section) - SECTION_ORDER.indexOf(y.section));
}
