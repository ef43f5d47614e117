/**
 * The report's data as the page's charts take it. Pure, so the arithmetic is tested without a canvas.
 */
import type { ReportPageData } from "../engine/report/pageData";
import type { FaultMarker, FaultMarks } from "../renderer/charts/faultMarkers";

/** uPlot's aligned columns over every second from 0 to the end, x in virtual seconds. */
export interface ReportColumns {
  readonly x: number[];
  readonly requests: number[];
  readonly ok: number[];
  readonly errors: number[];
  readonly rejected: number[];
  /** ms; null for a second with no request served. */
  readonly p95: (number | null)[];
}

/** The series skips seconds without an answer; the charts show them as no traffic rather than join the gap. */
export function reportColumns(data: ReportPageData): ReportColumns {
  const bySecond = new Map(data.series.map((point) => [point.t_s, point]));
  const columns: ReportColumns = { x: [], requests: [], ok: [], errors: [], rejected: [], p95: [] };
  for (let t = 0; t < data.end_s; t++) {
    const point = bySecond.get(t);
    columns.x.push(t);
    columns.requests.push(point?.requests ?? 0);
    columns.ok.push(point?.ok ?? 0);
    columns.errors.push(point?.errors ?? 0);
    columns.rejected.push(point?.rejected ?? 0);
    columns.p95.push(point ? point.p95_ms : null);
  }
  return columns;
}

/** A line where each fault was injected (its id) and healed, and its active span shaded up to the end. */
export function reportFaultMarks(data: ReportPageData): FaultMarks {
  return {
    markers: data.faults.flatMap((fault): FaultMarker[] => {
      const injected: FaultMarker = { x: fault.at_s, edge: "injected", label: fault.id };
      return fault.heal_s === null ? [injected] : [injected, { x: fault.heal_s, edge: "healed", label: `${fault.id} healed`, shortLabel: fault.id }];
    }),
    spans: data.faults.map((fault) => ({ from: fault.at_s, to: fault.heal_s ?? data.end_s })),
  };
}
