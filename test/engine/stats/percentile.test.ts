import fc from "fast-check";
import { quantileSorted } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { MillisecondCounts, percentile } from "../../../engine/stats/percentile";

const ascending = (values: readonly number[]) => [...values].sort((a, b) => a - b);

describe("percentile", () => {
  it.each([
    // R: quantile(c(3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20), q) with the default type 7.
    { values: [3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], fraction: 0.5, expected: 9 },
    { values: [3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], fraction: 0.25, expected: 7.5 },
    { values: [1, 2, 3, 4], fraction: 0.95, expected: 3.85 },
    { values: [10, 20], fraction: 0.5, expected: 15 },
    { values: [42], fraction: 0.95, expected: 42 },
    { values: [5, 7, 9], fraction: 0, expected: 5 },
    { values: [5, 7, 9], fraction: 1, expected: 9 },
  ])("interpolates between the closest ranks: $fraction of $values is $expected", ({ values, fraction, expected }) => {
    expect(percentile(values, fraction)).toBeCloseTo(expected, 12);
  });

  it("refuses no values and a fraction outside 0..1, rather than answer NaN", () => {
    expect(() => percentile([], 0.5)).toThrow(/at least one value/);
    expect(() => percentile([1], 95)).toThrow(/within 0\.\.1, got 95/);
    expect(() => percentile([1], Number.NaN)).toThrow(/within 0\.\.1/);
  });

  it("gives routing the same numbers, to the bit, as the simple-statistics quantile it used before", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, fraction) => {
        const sorted = ascending(values);
        expect(Object.is(percentile(sorted, fraction), quantileSorted(sorted, fraction))).toBe(true);
        expect(percentile(Float64Array.from(values).sort(), fraction)).toBe(quantileSorted(sorted, fraction));
      }),
    );
  });
});

describe("MillisecondCounts", () => {
  it("answers as the percentile of every value recorded, rounded to the whole millisecond", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 5_000, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.constantFrom(0, 0.5, 0.95, 0.99, 1), (values, fraction) => {
        const counts = new MillisecondCounts();
        for (const value of values) counts.record(value);
        expect(counts.count).toBe(values.length);
        expect(counts.percentile(fraction)).toBe(percentile(ascending(values.map(Math.round)), fraction));
      }),
    );
  });

  it("ranks a repeated millisecond once per value recorded", () => {
    const counts = new MillisecondCounts();
    for (let i = 0; i < 100_000; i++) counts.record(100 + (i % 3));
    expect(counts.count).toBe(100_000);
    expect(counts.percentile(0.5)).toBe(101);
    expect(counts.percentile(0.99)).toBe(102);
    expect(() => new MillisecondCounts().percentile(0.5)).toThrow(/at least one value/);
  });
});
