import { describe, expect, it } from "vitest";
import { timeAxisTicks } from "../../renderer/controls/timeAxis";

describe("timeAxisTicks", () => {
  it("takes the smallest whole step that leaves the gap between labels", () => {
    // 480 s over 1600 px: 10 s is 33 px, 30 s is 100 px.
    expect(timeAxisTicks(480_000, 1600, 90)).toEqual([0, 30_000, 60_000, 90_000, 120_000, 150_000, 180_000, 210_000, 240_000, 270_000, 300_000, 330_000, 360_000, 390_000, 420_000, 450_000, 480_000]);
    // A narrower scrubber takes a longer step.
    expect(timeAxisTicks(480_000, 800, 90)).toEqual([0, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000]);
  });

  it("counts hours in hours, and labels the end only where it clears the last tick", () => {
    // 10 h over 1280 px: an hour is 128 px.
    expect(timeAxisTicks(36_000_000, 1280, 90)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((h) => h * 3_600_000));
    // 100 s at 300 px: 30 s steps (90 px); the end, 10 s (30 px) past 90 s, is too close to label.
    expect(timeAxisTicks(100_000, 300, 90)).toEqual([0, 30_000, 60_000, 90_000]);
    // 350 s at 400 px: 120 s steps (137 px); the end, 110 s (126 px) past 240 s, is labelled.
    expect(timeAxisTicks(350_000, 400, 90)).toEqual([0, 120_000, 240_000, 350_000]);
  });

  it("gives nothing to label before the scrubber has a width or the scenario a duration", () => {
    expect(timeAxisTicks(480_000, 0, 90)).toEqual([]);
    expect(timeAxisTicks(0, 1600, 90)).toEqual([]);
  });
});
