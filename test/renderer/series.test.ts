import { describe, expect, it } from "vitest";
import type { FaultView, MetricsPoint } from "../../engine/lab/contract";
import { faultMarkers, metricsSeries, smoothingWindowS } from "../../renderer/metrics/series";

const point = (t: number, requests: number, errors: number, p95Ms: number | null, byGateway: Record<string, number>, refused = 0): MetricsPoint => ({ t, requests, errors, refused, p95Ms, byGateway });

const regions = ["eu-west", "us-east"];
const points = [
  point(1000, 40, 2, 120, { "eu-west": 30, "us-east": 10 }),
  point(2000, 0, 0, null, {}),
  point(3000, 50, 5, 340.5, { "eu-west": 0, "us-east": 50 }),
  point(4000, 9, 9, 10_000, { "eu-west": 3, "us-east": 3, "ap-south": 3 }),
];

describe("metricsSeries", () => {
  it("puts virtual seconds on x", () => {
    const series = metricsSeries(points, regions);
    for (const columns of [series.share, series.errorRate, series.p95]) expect(columns[0]).toEqual([1, 2, 3, 4]);
  });

  it("gives each gateway region its share of the second's requests, summing to 1 where there were requests", () => {
    const series = metricsSeries(points, regions);
    expect(series.regions).toEqual(["eu-west", "us-east", "ap-south"]);
    const [, euWest, usEast, apSouth] = series.share;
    expect(euWest).toEqual([0.75, null, 0, 1 / 3]);
    expect(usEast).toEqual([0.25, null, 1, 1 / 3]);
    expect(apSouth).toEqual([0, null, 0, 1 / 3]);
    points.forEach((p, i) => {
      if (p.requests === 0) return;
      const sum = series.share.slice(1).reduce((total, column) => total + (column[i] ?? 0), 0);
      expect(sum).toBeCloseTo(1, 10);
    });
  });

  it("keeps the given region order and adds unlisted gateways after it, sorted", () => {
    const series = metricsSeries([point(0, 4, 0, 1, { zz: 1, "eu-west": 1, aa: 2 })], ["us-east", "eu-west"]);
    expect(series.regions).toEqual(["us-east", "eu-west", "aa", "zz"]);
    expect(series.share.slice(1)).toEqual([[0], [0.25], [0.5], [0.25]]);
  });

  it("computes the error rate as errors over requests, null for a second without requests", () => {
    expect(metricsSeries(points, regions).errorRate[1]).toEqual([0.05, null, 0.1, 1]);
  });

  it("plots refusals beside the errors, as refused over requests: a second of refused tokens is not a 0 % second", () => {
    const refusing = [point(1000, 20, 0, null, { "eu-west": 20 }, 20), point(2000, 0, 0, null, {})];
    expect(metricsSeries(refusing, regions).errorRate.slice(1)).toEqual([[0, null], [1, null]]);
  });

  it("keeps p95 as given, with null where there was no sample", () => {
    expect(metricsSeries(points, regions).p95[1]).toEqual([120, null, 340.5, 10_000]);
  });

  it("returns empty columns for no points", () => {
    const series = metricsSeries([], regions);
    expect(series.share).toEqual([[], [], []]);
    expect(series.errorRate).toEqual([[], [], []]);
  });
});

describe("smoothing over a rolling window", () => {
  /** `n` seconds from t = 0 at `rate` requests each, to eu-west in even seconds and us-east in odd ones, all failing every fourth second. */
  const seconds = (n: number, rate: number) => Array.from({ length: n }, (_, i) => point(i * 1000, rate, i % 4 === 0 ? rate : 0, 100 * (i % 5) + 100, i % 2 ? { "us-east": rate } : { "eu-west": rate }));

  it("chooses the shortest window holding a hundred requests at the mean rate, 30 s at most", () => {
    expect(smoothingWindowS(seconds(60, 200))).toBe(1);
    expect(smoothingWindowS(seconds(60, 24))).toBe(5);
    expect(smoothingWindowS(seconds(60, 8))).toBe(15);
    expect(smoothingWindowS(seconds(60, 1))).toBe(30);
    expect(smoothingWindowS([])).toBe(1);
    // Seconds without any point count as no traffic: 24 requests in one point of a minute is a slow rate.
    expect(smoothingWindowS([point(0, 12, 0, 1, {}), point(59_000, 12, 0, 1, {})])).toBe(30);
  });

  it("turns per-second walls of 0 and 100 % into the window's shares", () => {
    const points = seconds(6, 3);
    expect(metricsSeries(points, regions).share[1]).toEqual([1, 0, 1, 0, 1, 0]);
    const smoothed = metricsSeries(points, regions, 2);
    expect(smoothed.windowS).toBe(2);
    // The first second has only itself; from then on each window holds one second of each gateway.
    expect(smoothed.share[1]).toEqual([1, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(smoothed.share[2]).toEqual([0, 0.5, 0.5, 0.5, 0.5, 0.5]);
    // Errors in seconds 0 and 4 only.
    expect(smoothed.errorRate[1]).toEqual([1, 0.5, 0, 0, 0.5, 0.5]);
  });

  it("averages the seconds' p95, weighted by their requests, and leaves a window with no sample empty", () => {
    const points = [point(0, 1, 0, 100, { "eu-west": 1 }), point(1000, 3, 0, 500, { "eu-west": 3 }), point(2000, 0, 0, null, {}), point(3000, 0, 0, null, {}), point(4000, 0, 0, null, {})];
    expect(metricsSeries(points, regions, 2).p95[1]).toEqual([100, 400, 500, null, null]);
  });

  it("counts a second missing from the points as no traffic, not as part of the window", () => {
    // 10 s window: the point at 20 s does not see the one at 5 s.
    const sparse = [point(5_000, 10, 10, 100, { "eu-west": 10 }), point(20_000, 10, 0, 100, { "us-east": 10 })];
    expect(metricsSeries(sparse, regions, 10).share[1]).toEqual([1, 0]);
    expect(metricsSeries(sparse, regions, 30).share[1]).toEqual([1, 0.5]);
  });
});

describe("faultMarkers", () => {
  const view = (id: string, fault: FaultView["fault"], injectedAt: number, healedAt: number | null): FaultView => ({ id, fault, kind: fault.kind, injectedAt, healedAt, byUser: false, faultedGateway: null });

  it("marks each injection, and each heal that happened, in virtual seconds", () => {
    const markers = faultMarkers([
      view("f1", { kind: "region-outage", at_s: 30, region: "eu-west", behaviour: "error-503" }, 30_000, 90_500),
      view("u1", { kind: "latency", at_s: 40, from: "eu-west", to: "us-east", added_ms: 500 }, 40_250, null),
    ]);
    expect(markers).toEqual([
      { x: 30, edge: "injected", label: "f1 region-outage eu-west", shortLabel: "f1" },
      { x: 90.5, edge: "healed", label: "f1 healed", shortLabel: "f1" },
      { x: 40.25, edge: "injected", label: "u1 latency eu-west→us-east", shortLabel: "u1" },
    ]);
  });
});
