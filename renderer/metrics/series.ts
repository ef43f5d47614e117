/**
 * Turns the snapshot's per-second metrics into uPlot's aligned columns. Pure, so the arithmetic is tested
 * without a canvas.
 */
import type { FaultView, MetricsPoint } from "../../engine/lab/contract";
import type { FaultMarker } from "../charts/faultMarkers";

/** uPlot's aligned data: x values (virtual seconds), then one column per series; null leaves a gap. */
export type AlignedColumns = [x: number[], ...y: (number | null)[][]];

export interface MetricsSeries {
  /** The share chart's series, in column order: the given regions, then any other gateway seen in the points. */
  readonly regions: readonly string[];
  /** Virtual seconds each value looks back over, ending with its own second (1: per second). */
  readonly windowS: number;
  /** Per region, the share 0..1 of the window's requests its gateway handled; null for a window without requests. */
  readonly share: AlignedColumns;
  /** errors / requests, then refused / requests, over the window, 0..1; null for a window without requests. */
  readonly errorRate: AlignedColumns;
  /**
   * Latency p95 in ms: each second's p95, or over a longer window their mean weighted by each second's
   * requests (the seconds' latencies are not in the snapshot, so not the window's own p95); null where the
   * window had no latency sample.
   */
  readonly p95: AlignedColumns;
}

/**
 * Requests a window should hold: at a few requests a second, one second's share of each gateway and its p95
 * jump between 0 and 100 % and between the fastest and slowest answer; a hundred requests make a share
 * move in steps of 1 %.
 */
const REQUESTS_PER_WINDOW = 100;
/** Windows a chart may look back over, virtual seconds. */
const WINDOWS_S = [1, 2, 5, 10, 15, 30];

/** The shortest window that holds {@link REQUESTS_PER_WINDOW} requests at the points' mean rate, in virtual seconds. */
export function smoothingWindowS(points: readonly MetricsPoint[]): number {
  if (points.length === 0) return 1;
  const spanS = (points.at(-1)!.t - points[0]!.t) / 1000 + 1;
  const ratePerS = points.reduce((n, point) => n + point.requests, 0) / spanS;
  return WINDOWS_S.find((windowS) => windowS * ratePerS >= REQUESTS_PER_WINDOW) ?? WINDOWS_S.at(-1)!;
}

/**
 * `points[i].t` is virtual ms, one point per second that had traffic; x comes out in virtual seconds. Each
 * value covers the `windowS` seconds ending with its own (a rolling window over time, so a second without
 * a point counts as no traffic).
 */
export function metricsSeries(points: readonly MetricsPoint[], regions: readonly string[], windowS = 1): MetricsSeries {
  // A gateway missing from `regions` still takes traffic; without its own series the shares would not add up.
  const extra = new Set<string>();
  for (const point of points) for (const region of Object.keys(point.byGateway)) if (!regions.includes(region)) extra.add(region);
  const all = [...regions, ...[...extra].sort()];

  const x = points.map((point) => point.t / 1000);
  const windows = rollingSums(points, windowS * 1000, all);
  const perRequest = (sums: WindowSums, count: number) => (sums.requests > 0 ? count / sums.requests : null);
  return {
    regions: all,
    windowS,
    share: [x, ...all.map((region) => windows.map((sums) => perRequest(sums, sums.byGateway[region]!)))],
    errorRate: [x, windows.map((sums) => perRequest(sums, sums.errors)), windows.map((sums) => perRequest(sums, sums.refused))],
    p95: [x, windows.map((sums) => (sums.p95Weight > 0 ? sums.p95Weighted / sums.p95Weight : null))],
  };
}

interface WindowSums {
  requests: number;
  errors: number;
  refused: number;
  byGateway: Record<string, number>;
  /** Sum of p95 × requests over the seconds with a p95, and of those requests. */
  p95Weighted: number;
  p95Weight: number;
}

/** For each point, the sums over the points within `windowMs` up to and including it (two pointers, one pass). */
function rollingSums(points: readonly MetricsPoint[], windowMs: number, regions: readonly string[]): WindowSums[] {
  const sums: WindowSums = { requests: 0, errors: 0, refused: 0, byGateway: Object.fromEntries(regions.map((region) => [region, 0])), p95Weighted: 0, p95Weight: 0 };
  const add = (point: MetricsPoint, sign: 1 | -1) => {
    sums.requests += sign * point.requests;
    sums.errors += sign * point.errors;
    sums.refused += sign * point.refused;
    for (const [region, n] of Object.entries(point.byGateway)) sums.byGateway[region]! += sign * n;
    if (point.p95Ms !== null) {
      // A second with a p95 had at least one request; weigh it by its requests, at least one.
      const weight = Math.max(point.requests, 1);
      sums.p95Weighted += sign * point.p95Ms * weight;
      sums.p95Weight += sign * weight;
    }
  };
  let first = 0;
  return points.map((point) => {
    add(point, 1);
    while (points[first]!.t <= point.t - windowMs) add(points[first++]!, -1);
    return { ...sums, byGateway: { ...sums.byGateway } };
  });
}

/** One marker per injection and one per heal, in the order given. */
export function faultMarkers(faults: readonly FaultView[]): FaultMarker[] {
  return faults.flatMap((view) => {
    const fault = view.fault;
    // Named by the fields a kind places itself with, so a new kind needs no case here.
    const where = "region" in fault ? fault.region : "from" in fault ? `${fault.from}→${fault.to}` : "population" in fault ? fault.population : "idp";
    const injected: FaultMarker = { x: view.injectedAt / 1000, edge: "injected", label: `${view.id} ${view.kind} ${where}`, shortLabel: view.id };
    return view.healedAt === null ? [injected] : [injected, { x: view.healedAt / 1000, edge: "healed", label: `${view.id} healed`, shortLabel: view.id }];
  });
}
