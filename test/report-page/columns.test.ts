import { describe, expect, it } from "vitest";
import type { ReportPageData } from "../../engine/report/pageData";
import { reportColumns, reportFaultMarks } from "../../report-page/columns";

const second = (t_s: number, requests: number, errors: number, p95_ms: number | null) => ({ t_s, requests, ok: requests - errors, errors, rejected: 0, p95_ms });

const data: ReportPageData = {
  series: [second(0, 10, 0, 120), second(2, 8, 3, 480), second(3, 1, 1, null)],
  faults: [
    { id: "f1", at_s: 1, heal_s: 3 },
    { id: "f2", at_s: 2.5, heal_s: null },
  ],
  end_s: 5,
};

describe("reportColumns", () => {
  it("has every second from 0 to the end, a second without answers as no traffic and no latency", () => {
    const columns = reportColumns(data);
    expect(columns.x).toEqual([0, 1, 2, 3, 4]);
    expect(columns.requests).toEqual([10, 0, 8, 1, 0]);
    expect(columns.ok).toEqual([10, 0, 5, 0, 0]);
    expect(columns.errors).toEqual([0, 0, 3, 1, 0]);
    expect(columns.rejected).toEqual([0, 0, 0, 0, 0]);
    expect(columns.p95).toEqual([120, null, 480, null, null]);
  });
});

describe("reportFaultMarks", () => {
  it("marks each injection with the fault's id and each heal with a shorter fallback, and shades a fault that never healed to the end", () => {
    expect(reportFaultMarks(data)).toEqual({
      markers: [
        { x: 1, edge: "injected", label: "f1" },
        { x: 3, edge: "healed", label: "f1 healed", shortLabel: "f1" },
        { x: 2.5, edge: "injected", label: "f2" },
      ],
      spans: [
        { from: 1, to: 3 },
        { from: 2.5, to: 5 },
      ],
    });
  });
});
