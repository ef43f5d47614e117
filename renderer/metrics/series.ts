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
  /** Per region, the share 0..1 of the second's requests its gateway handled; null for a second without requests. */
  readonly share: AlignedColumns;
  /** errors / requests, then refused / requests, 0..1; null for a second without requests. */
  readonly errorRate: AlignedColumns;
  /** Latency p95 in ms; null where the second had no latency sample. */
  readonly p95: AlignedColumns;
}

/** `points[i].t` is virtual ms; x comes out in virtual seconds. */
export function metricsSeries(points: readonly MetricsPoint[], regions: readonly string[]): MetricsSeries {
  // A gateway missing from `regions` still takes traffic; without its own series the shares would not add up.
  const extra = new Set<string>();
  for (const point of points) for (const region of Object.keys(point.byGateway)) if (!regions.includes(region)) extra.add(region);
  const all = [...regions, ...[...extra].sort()];

  const x = points.map((point) => point.t / 1000);
  const perRequest = (point: MetricsPoint, count: number) => (point.requests > 0 ? count / point.requests : null);
  return {
    regions: all,
    share: [x, ...all.map((region) => points.map((point) => perRequest(point, point.byGateway[region] ?? 0)))],
    errorRate: [x, points.map((point) => perRequest(point, point.errors)), points.map((point) => perRequest(point, point.refused))],
    p95: [x, points.map((point) => point.p95Ms)],
  };
}

/** One marker per injection and one per heal, in the order given. */
export function faultMarkers(faults: readonly FaultView[]): FaultMarker[] {
  return faults.flatMap((view) => {
    const fault = view.fault;
    // Named by the fields a kind places itself with, so a new kind needs no case here.
    const where = "region" in fault ? fault.region : "from" in fault ? `${fault.from}→${fault.to}` : "population" in fault ? fault.population : "idp";
    const injected: FaultMarker = { x: view.injectedAt / 1000, edge: "injected", label: `${view.id} ${view.kind} ${where}` };
    return view.healedAt === null ? [injected] : [injected, { x: view.healedAt / 1000, edge: "healed", label: `${view.id} healed` }];
  });
}
