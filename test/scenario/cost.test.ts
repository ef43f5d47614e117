import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../engine";
import {
  describeCost,
  estimateRun,
  estimateRuns,
  expectedRequests,
  formatSeconds,
  MAX_REQUESTS_PER_RUN,
  MAX_REQUESTS_PER_SWEEP,
  rateSegments,
  refusalOf,
  SIMULATED_REQUESTS_PER_S,
  sweepRefusal,
  totalRateIssue,
  type CostInput,
} from "../../engine/scenario/cost";
import type { Fault } from "../../engine/scenario/schema";

const populations = (...rates: number[]) => ({ callers: rates.map((rate_per_s, i) => ({ id: `p${i}`, rate_per_s })) });
const surge = (population: string, factor: number, at_s: number, heal_s?: number): Fault =>
  ({ kind: "traffic-surge", population, factor, at_s, ...(heal_s === undefined ? {} : { heal_s }) }) as Fault;
const outage: Fault = { kind: "region-outage", region: "eu-west", at_s: 10, heal_s: 20 } as Fault;
const scenario = (duration_s: number, rates: number[], faults: Fault[] = []): CostInput => ({ duration_s, topology: populations(...rates), faults });

describe("the cost of a run", () => {
  it("is rate × duration summed over the populations, other faults costing nothing", () => {
    expect(expectedRequests(scenario(600, [50]))).toBe(30_000);
    expect(expectedRequests(scenario(120, [5, 2.5], [outage]))).toBe(900);
    expect(expectedRequests(scenario(3600, []))).toBe(0);
  });

  it("adds a surge's extra rate over its length, only for its population, and only within the run", () => {
    // 10/s for 100 s, and 3× from 20 to 50 s: 1,000 + 2 × 10 × 30.
    expect(expectedRequests(scenario(100, [10, 1], [surge("p0", 3, 20, 50)]))).toBe(1_000 + 600 + 100);
    // Never healed: to the end of the run.
    expect(expectedRequests(scenario(100, [10], [surge("p0", 2, 60)]))).toBe(1_000 + 400);
    // Healed after the end: counted to the end.
    expect(expectedRequests(scenario(100, [10], [surge("p0", 2, 60, 500)]))).toBe(1_000 + 400);
  });

  it("multiplies overlapping surges on one population", () => {
    const segments = rateSegments(scenario(100, [10], [surge("p0", 2, 10, 40), surge("p0", 5, 30, 60)]));
    expect(segments.map((s) => [s.from_s, s.to_s, s.rates[0], s.surges])).toEqual([
      [0, 10, 10, []],
      [10, 30, 20, [0]],
      [30, 40, 100, [0, 1]],
      [40, 60, 50, [1]],
      [60, 100, 10, []],
    ]);
    expect(expectedRequests(scenario(100, [10], [surge("p0", 2, 10, 40), surge("p0", 5, 30, 60)]))).toBe(100 + 400 + 1_000 + 1_000 + 400);
  });

  it("gives the expected wall time at the benchmarked rate, and the bound", () => {
    const cost = estimateRun(scenario(600, [50]));
    expect(cost).toEqual({ requests: 30_000, seconds: 30_000 / SIMULATED_REQUESTS_PER_S, bound: MAX_REQUESTS_PER_RUN, overBound: false });
    expect(describeCost(cost)).toBe("~30,000 requests ≈ 6 s here");
    expect(estimateRun(scenario(200, [10_000])).overBound).toBe(false);
    expect(estimateRun(scenario(201, [10_000])).overBound).toBe(true);
    // The issue's maximum duration at the maximum rate: about 6 × 10⁹ requests, two weeks here.
    const week = estimateRun(scenario(7 * 86_400, [10_000]));
    expect(week.requests).toBe(6_048_000_000);
    expect(describeCost(week)).toBe("~6,048,000,000 requests ≈ 14 days here");
    expect(formatSeconds(0.2)).toBe("< 1 s");
    expect(formatSeconds(600)).toBe("10 min");
    expect(formatSeconds(3 * 3_600)).toBe("3.0 h");
  });

  it("refuses above the bound naming the file, the estimate and the flag", () => {
    expect(refusalOf(estimateRun(scenario(60, [10])), "x.yaml", "--allow-large")).toBeUndefined();
    expect(refusalOf(estimateRun(scenario(7 * 86_400, [10_000])), "x.yaml", "--allow-large")).toBe(
      "x.yaml: ~6,048,000,000 requests ≈ 14 days here, over the bound of 2,000,000 requests a run; --allow-large runs it anyway. Nothing ran.",
    );
  });

  it("holds a sweep's runs to the run's bound each and to the sweep's together", () => {
    const small = estimateRun(scenario(60, [10]));
    expect(sweepRefusal(Array(200).fill(small), "x.yaml", "--allow-large")).toBeUndefined();
    expect(estimateRuns(Array(200).fill(small))).toMatchObject({ requests: 120_000, bound: MAX_REQUESTS_PER_SWEEP, overBound: false });
    const large = estimateRun(scenario(300, [10_000]));
    expect(sweepRefusal([small, large], "x.yaml", "--allow-large")).toMatch(/^x\.yaml: one run: ~3,000,000 requests ≈ 10 min here, over the bound of 2,000,000 requests a run; --allow-large/);
    const medium = estimateRun(scenario(100, [10_000]));
    expect(sweepRefusal(Array(21).fill(medium), "x.yaml", "--allow-large")).toMatch(/^x\.yaml: 21 runs: ~21,000,000 requests ≈ 70 min here, over the bound of 20,000,000 requests a sweep/);
  });

  it("names the population or the surge that takes the total rate over the cap", () => {
    expect(totalRateIssue(scenario(60, [5_000, 5_000]))).toBeUndefined();
    expect(totalRateIssue(scenario(60, [5_000, 5_000, 1]))).toEqual({
      path: ["topology", "callers", 2, "rate_per_s"],
      message: "the populations send 10,001 requests/s together up to here; at most 10,000 in all",
    });
    expect(totalRateIssue(scenario(60, [100, 100], [outage, surge("p1", 50, 10, 20), surge("p1", 100, 30, 40)]))).toEqual({
      path: ["faults", 2, "factor"],
      message: "with this surge the populations send 10,100 requests/s together from 30 s; at most 10,000 in all, surges counted",
    });
    // A surge that starts after the run ends costs nothing.
    expect(totalRateIssue(scenario(60, [200], [surge("p0", 100, 61)]))).toBeUndefined();
  });

  it("estimates a scenario file as loaded", () => {
    const file = join(import.meta.dirname, "../fixtures/short-drill.yaml");
    expect(readFileSync(file, "utf8")).toContain("rate_per_s: 10");
    expect(estimateRun(loadScenarioFile(file)).requests).toBe(600);
  });
});
