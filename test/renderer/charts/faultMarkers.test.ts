import { describe, expect, it } from "vitest";
import { placeLabels } from "../../../renderer/charts/faultMarkers";

/** Every character 6 px wide, as if the font were monospaced. */
const measure = (text: string) => text.length * 6;
const RIGHT = 600;

describe("placeLabels", () => {
  it("puts labels that do not overlap on the top row, 3 px right of their line", () => {
    expect(placeLabels([{ at: 100, labels: ["f1"] }, { at: 300, labels: ["f1 healed"] }], measure, RIGHT, 1)).toEqual([
      { text: "f1", left: 103, row: 0 },
      { text: "f1 healed", left: 303, row: 0 },
    ]);
  });

  it("moves a label that would touch the one before it down a row, and scales the gaps by the pixel ratio", () => {
    const lines = [
      { at: 100, labels: ["f1 healed"] },
      { at: 150, labels: ["f2"] },
      { at: 161, labels: ["f3"] },
    ];
    expect(placeLabels(lines, measure, RIGHT, 1)).toEqual([
      { text: "f1 healed", left: 103, row: 0 },
      { text: "f2", left: 153, row: 1 },
      // 4 px clear of the first label's end (157).
      { text: "f3", left: 164, row: 0 },
    ]);
    // Twice the pixel ratio: 6 px right of its line, and 8 px clear of the first label's end (160) is too narrow.
    expect(placeLabels(lines, measure, RIGHT, 2)[2]).toEqual({ text: "f3", left: 167, row: 2 });
  });

  it("falls back to the short label, and leaves a label out once all three rows are taken", () => {
    const crowded = [0, 10, 20, 30].map((at) => ({ at, labels: ["a long label here", "id"] }));
    expect(placeLabels(crowded, measure, RIGHT, 1)).toEqual([
      { text: "a long label here", left: 3, row: 0 },
      { text: "a long label here", left: 13, row: 1 },
      { text: "a long label here", left: 23, row: 2 },
      null,
    ]);
    // Near the right edge the long label is pulled back over the rows' labels; the short one still fits.
    const nearEdge = [0, 1, 2].map((at) => ({ at, labels: ["a long label here"] }));
    expect(placeLabels([...nearEdge, { at: 113, labels: ["f2 healed", "f2"] }], measure, 150, 1)[3]).toEqual({ text: "f2", left: 116, row: 0 });
  });

  it("pulls a label at the right edge back inside the plot", () => {
    expect(placeLabels([{ at: 595, labels: ["f1 healed"] }], measure, RIGHT, 1)).toEqual([{ text: "f1 healed", left: RIGHT - 54, row: 0 }]);
  });
});
