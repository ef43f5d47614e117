import { describe, expect, it } from "vitest";
import { seededRandom } from "../../engine/random";

const draw = (n: number, next: () => number) => Array.from({ length: n }, next);

describe("seededRandom", () => {
  it("gives the same stream for the same seed and a different one for another seed", () => {
    expect(draw(5, () => seededRandom(42).fork("x").next())).toEqual(draw(5, () => seededRandom(42).fork("x").next()));
    const a = seededRandom(1);
    const b = seededRandom(2);
    expect(draw(5, () => a.next())).not.toEqual(draw(5, () => b.next()));
  });

  it("derives named streams independent of the order they are forked in", () => {
    const root = seededRandom(7);
    const first = root.fork("traffic:eu").next();
    root.fork("something-else").next();
    expect(seededRandom(7).fork("traffic:eu").next()).toBe(first);
    expect(root.fork("traffic:us").next()).not.toBe(first);
  });

  it("draws uniform values in [0, 1) with a plausible mean", () => {
    const r = seededRandom(3);
    const values = draw(20_000, () => r.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });

  it("draws exponential gaps with mean 1/rate (Poisson arrivals)", () => {
    const r = seededRandom(4);
    const gaps = draw(20_000, () => r.exponential(0.05));
    expect(gaps.reduce((a, b) => a + b, 0) / gaps.length).toBeGreaterThan(19);
    expect(gaps.reduce((a, b) => a + b, 0) / gaps.length).toBeLessThan(21);
    expect(() => r.exponential(0)).toThrow(/positive/);
  });

  it("draws log-normal latencies whose median and p95 match the parameters", () => {
    const r = seededRandom(5);
    const samples = draw(20_000, () => r.logNormal(900, 2500)).sort((a, b) => a - b);
    expect(samples[10_000]! / 900).toBeGreaterThan(0.95);
    expect(samples[10_000]! / 900).toBeLessThan(1.05);
    expect(samples[19_000]! / 2500).toBeGreaterThan(0.93);
    expect(samples[19_000]! / 2500).toBeLessThan(1.07);
  });

  it("hits a probability about as often as asked", () => {
    const r = seededRandom(6);
    const hits = draw(20_000, () => (r.chance(0.3) ? 1 : 0)).reduce((a, b) => a + b, 0);
    expect(hits / 20_000).toBeCloseTo(0.3, 1);
    expect(r.chance(0)).toBe(false);
  });
});
