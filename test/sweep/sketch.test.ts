/** The sketch: quantiles within 1 % of the exact nearest-rank ones, and the same bits whatever the order and split of its values. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExactSum, LogSketch, SKETCH_ACCURACY } from "../../engine/sweep/sketch";

const sketchOf = (values: readonly number[]) => {
  const sketch = new LogSketch();
  for (const value of values) sketch.add(value);
  return sketch;
};

const nearestRank = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil(q * values.length)) - 1]!;

const metricValue = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 100_000 }));

describe("LogSketch", () => {
  it("reads each quantile within 1 % of the exact one, and min, max and count exactly", () => {
    fc.assert(
      fc.property(fc.array(metricValue, { minLength: 1, maxLength: 300 }), fc.constantFrom(0, 0.5, 0.95, 0.99, 1), (values, q) => {
        const sketch = sketchOf(values);
        const exact = nearestRank(values, q);
        // Whole numbers are rounded after the 1 % estimate, which can add half a unit.
        expect(Math.abs(sketch.quantile(q) - exact)).toBeLessThanOrEqual(exact * SKETCH_ACCURACY + 0.5 + 1e-9);
        expect([sketch.quantile(0), sketch.quantile(1)]).toEqual([Math.min(...values), Math.max(...values)]);
        const d = sketch.distribution()!;
        expect([d.count, d.min, d.max]).toEqual([values.length, Math.min(...values), Math.max(...values)]);
      }),
    );
  });

  it("merged from any split, in any order, gives the same distribution bit for bit as one sketch of every value", () => {
    fc.assert(
      fc.property(fc.array(metricValue, { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (values, parts, salt) => {
        const whole = sketchOf(values).distribution();
        const shuffled = values.map((v, i) => ({ v, k: Math.imul(i + 1, salt | 1) >>> 0 })).sort((a, b) => a.k - b.k).map(({ v }) => v);
        const pieces = Array.from({ length: parts }, (_, p) => sketchOf(shuffled.filter((_, i) => i % parts === p)));
        const merged = new LogSketch();
        for (const piece of pieces.reverse()) merged.merge(piece);
        expect(merged.distribution()).toEqual(whole);
      }),
    );
  });

  it("has no distribution without values, and refuses what is not a finite number", () => {
    expect(new LogSketch().distribution()).toBeNull();
    expect(() => new LogSketch().add(Number.NaN)).toThrow(/finite/);
  });
});

describe("ExactSum", () => {
  it("is the correctly rounded sum, whatever the order of its terms", () => {
    const terms = [1e16, 1, -1e16, 0.1, 0.2, 0.3, 1e-8];
    const orders = [terms, [...terms].reverse(), [0.3, 1e16, 0.1, 1e-8, -1e16, 0.2, 1]];
    const sums = orders.map((order) => {
      const sum = new ExactSum();
      for (const term of order) sum.add(term);
      return sum.value();
    });
    expect(new Set(sums).size).toBe(1);
    expect(sums[0]).toBe(1.60000001);
  });
});
