/** The in-app comparison's pure half: the two runs on one time axis, and a row's values and difference in words. */
import { describe, expect, it } from "vitest";
import { comparisonMarkers, formatDifference, formatValue, overlaidColumns } from "../../renderer/compare/columns";

const second = (t_s: number, requests: number, ok: number, errors: number, rejected: number) => ({ t_s, requests, ok, errors, rejected, p95_ms: null });

describe("the comparison's charts", () => {
  it("puts both runs on one axis of whole seconds, a second one run lacks left as a gap", () => {
    const columns = overlaidColumns({ series: { a: [second(0, 10, 10, 0, 0), second(1, 10, 6, 2, 2)], b: [second(0, 8, 8, 0, 0), second(2, 4, 2, 0, 2)] } });
    expect(columns.served).toEqual([
      [0, 1, 2],
      [10, 6, null],
      [8, null, 2],
    ]);
    expect(columns.errorRate).toEqual([
      [0, 1, 2],
      [0, 0.4, null],
      [0, null, 0.5],
    ]);
  });

  it("marks each matched fault's start, and its heal when it healed within the run", () => {
    const markers = comparisonMarkers({ faults: { matched: ["f1", "f2"], onlyA: [], onlyB: [], windows: [{ id: "f1", at_s: 90, heal_s: 270 }, { id: "f2", at_s: 120, heal_s: null }] } });
    expect(markers.map((m) => [m.x, m.edge, m.label])).toEqual([
      [90, "injected", "f1"],
      [270, "healed", "f1 healed"],
      [120, "injected", "f2"],
    ]);
  });
});

describe("a comparison row in words", () => {
  it("writes each unit as the app does, and a missing value as a dash", () => {
    expect(formatValue({ unit: "count" }, 7042)).toBe("7,042");
    expect(formatValue({ unit: "s" }, 0.14)).toBe("0.1 s");
    expect(formatValue({ unit: "ms" }, 2584)).toBe("2.6 s");
    expect(formatValue({ unit: "share" }, 0.6484)).toBe("65%");
    expect(formatValue({ unit: "count" }, null)).toBe("–");
  });

  it("signs the difference, writes shares in percentage points, and leaves no difference blank", () => {
    expect(formatDifference({ unit: "count", diff: -712 })).toBe("−712");
    expect(formatDifference({ unit: "share", diff: 0.1011 })).toBe("+10.11 pt");
    expect(formatDifference({ unit: "ms", diff: 5 })).toBe("+5 ms");
    expect(formatDifference({ unit: "count", diff: 0 })).toBe("");
    expect(formatDifference({ unit: "s", diff: null })).toBe("");
  });
});
