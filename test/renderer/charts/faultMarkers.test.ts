import { describe, expect, it } from "vitest";
import { placeLabels } from "../../../renderer/charts/faultMarkers";

/** Every character 6 px wide, as if the font were monospaced. */
const measure = (text: string) => text.length * 6;
const RIGHT = 600;

describe("placeLabels", () => {
  it("puts labels far apart in the lane nearest the plot, whole, 3 px right of their line", () => {
    expect(placeLabels([{ at: 100, labels: ["f1 region-outage eu-west"] }, { at: 300, labels: ["f1 healed"] }], measure, RIGHT, 1)).toEqual([
      { text: "f1 region-outage eu-west", left: 103, row: 0 },
      { text: "f1 healed", left: 303, row: 0 },
    ]);
  });

  it("staggers close labels in the two lanes, each cut to end before the line that takes its lane next", () => {
    const lines = [60, 80, 120, 140, 180].map((at, i) => ({ at, labels: [i % 2 ? `f${i} healed` : `f${i} region-outage eu-west`, `f${i}`] }));
    const placed = placeLabels(lines, measure, RIGHT, 1);
    expect(placed.map((label) => label?.row)).toEqual([0, 1, 0, 1, 0]);
    // The first may run to 6 px before the third line (120): 51 px, so 7 characters and an ellipsis.
    expect(placed[0]).toEqual({ text: "f0 regi…", left: 63, row: 0 });
    expect(placed[1]).toEqual({ text: "f1 heal…", left: 83, row: 1 });
    // The last has the rest of the plot: whole.
    expect(placed[4]).toEqual({ text: "f4 region-outage eu-west", left: 183, row: 0 });
    // No two labels of one lane overlap.
    for (const row of [0, 1]) {
      const inLane = placed.filter((label) => label?.row === row).map((label) => [label!.left, label!.left + measure(label!.text)]);
      for (let i = 1; i < inLane.length; i++) expect(inLane[i]![0]).toBeGreaterThanOrEqual(inLane[i - 1]![1]! + 6);
    }
  });

  it("prints the short label where too little of the long one would be left, and leaves a label out when both lanes are taken", () => {
    const crowded = [0, 10, 20].map((at, i) => ({ at, labels: [`f${i} region-outage eu-west`, `f${i}`] }));
    expect(placeLabels(crowded, measure, RIGHT, 1)).toEqual([
      // Room until the third line: 20 - 3 - 6 = 11 px, not even "f0 reg…"; the short form is printed whole.
      { text: "f0", left: 3, row: 0 },
      { text: "f1 region-outage eu-west", left: 13, row: 1 },
      { text: "f2 region-outage eu-west", left: 23, row: 0 },
    ]);
    const tighter = [0, 4, 8].map((at, i) => ({ at, labels: [`f${i} healed`, `f${i}`] }));
    expect(placeLabels(tighter, measure, RIGHT, 1)[2]).toBeNull();
  });

  it("scales offsets and gaps by the pixel ratio, and pulls a label at the right edge back inside the plot", () => {
    expect(placeLabels([{ at: 100, labels: ["f1"] }, { at: 115, labels: ["f2"] }], measure, RIGHT, 2)).toEqual([
      { text: "f1", left: 106, row: 0 },
      // 12 px clear of the first label's end (118) is 130; the second starts at 121: the other lane.
      { text: "f2", left: 121, row: 1 },
    ]);
    expect(placeLabels([{ at: 595, labels: ["f1 healed", "f1"] }], measure, RIGHT, 1)).toEqual([{ text: "f1", left: RIGHT - 12, row: 0 }]);
  });
});
