/** The aggregate: the same whatever order its lines come in, runs counted once, failures listed in sweep order and bounded. */
import { describe, expect, it } from "vitest";
import { FAILURES_LISTED, SweepAggregator, type SweepLine } from "../../engine/sweep/aggregate";
import { formatSweep } from "../../engine/sweep/format";
import { renderSweepHtml } from "../../engine/sweep/html";

const line = (index: number, seed: number, ttl: number, detection: number | null, pass: boolean): SweepLine => ({
  format: 1,
  scenario: "eu <outage>.yaml",
  index,
  seed,
  vary: [{ path: "director.ttl_s", value: ttl }],
  metrics: { detection_s: detection, errors: seed * 3, residency_violations: pass ? 0 : 1, reroute_s: null },
  expectations: [
    { expectation: "residency_violations == 0", pass },
    { expectation: "errors >= 0", pass: true },
  ],
  wall_ms: 1000 + index,
});

const lines = Array.from({ length: 60 }, (_, i) => line(i, (i % 30) + 1, i < 30 ? 10 : 60, i % 7 === 0 ? null : 0.1 * (i + 1), i % 4 !== 1));

const aggregate = (input: readonly SweepLine[]) => {
  const aggregator = new SweepAggregator();
  for (const l of input) aggregator.add(l);
  return aggregator;
};

describe("SweepAggregator", () => {
  it("gives the same aggregate whatever order the lines arrive in", () => {
    const inOrder = aggregate(lines).result();
    const shuffled = [...lines].sort((a, b) => ((a.index * 37) % 61) - ((b.index * 37) % 61));
    expect(aggregate(shuffled).result()).toEqual(inOrder);
    expect(aggregate([...lines].reverse()).result()).toEqual(inOrder);
  });

  it("groups by combination in sweep order, sums residency violations, and rates each expectation", () => {
    const result = aggregate([...lines].reverse()).result();
    expect(result.runs).toBe(60);
    expect(result.seeds).toEqual({ min: 1, max: 30 });
    expect(result.groups.map((g) => g.vary)).toEqual([[{ path: "director.ttl_s", value: 10 }], [{ path: "director.ttl_s", value: 60 }]]);
    const [first] = result.groups;
    expect(first!.metrics.detection_s!.count).toBe(25);
    expect(first!.metrics.detection_s!.missing).toBe(5);
    expect(first!.without_values).toEqual(["reroute_s"]);
    expect(first!.residency_violations_total).toBe(8);
    expect(first!.expectations.map((e) => [e.expectation, e.passed, e.runs])).toEqual([
      ["residency_violations == 0", 22, 30],
      ["errors >= 0", 30, 30],
    ]);
    expect(first!.expectations[0]!.failed[0]).toEqual({ seed: 2, command: "npx failover-lab drill 'eu <outage>.yaml' --seed 2 --set director.ttl_s=10" });
  });

  it("lists the first failing runs in sweep order and counts the rest", () => {
    const failing = Array.from({ length: FAILURES_LISTED + 5 }, (_, i) => line(i, i + 1, 10, 1, false));
    const result = aggregate([...failing].reverse()).result();
    const outcome = result.groups[0]!.expectations[0]!;
    expect(outcome.failed.map((f) => f.seed)).toEqual(Array.from({ length: FAILURES_LISTED }, (_, i) => i + 1));
    expect(outcome.failed_unlisted).toBe(5);
  });

  it("refuses a run twice, a run at another place in the sweep, and a run of another scenario", () => {
    const aggregator = aggregate(lines.slice(0, 3));
    expect(() => aggregator.add(lines[1]!)).toThrow(/run "seed=2 director.ttl_s=10" \(run 1\) appears twice/);
    expect(() => aggregator.add({ ...lines[1]!, index: 99 })).toThrow(/is run 99 here and run 1 in other lines: they come from different sweeps/);
    expect(() => aggregator.add({ ...lines[1]!, index: 5000, seed: 5001 })).not.toThrow();
    expect(aggregator.result().runs).toBe(4);
    expect(() => aggregator.add({ ...lines[5]!, scenario: "other.yaml" })).toThrow(/scenario "other.yaml"/);
  });

  it("prints the tables and writes a page that escapes the scenario's name and carries no script", () => {
    const aggregator = aggregate(lines);
    const text = formatSweep(aggregator.result());
    expect(text).toMatch(/director\.ttl_s=10 \(30 runs\)/);
    expect(text).toMatch(/residency_violations == 0: 22\/30 passed \(73\.3 %\)/);
    expect(text).toContain("no value in any run: reroute_s");
    const page = renderSweepHtml(aggregator.result(), aggregator.curves(), "test");
    expect(page).toContain("eu &lt;outage&gt;.yaml");
    expect(page).not.toContain("<script");
    expect(page.match(/<svg /g)).toHaveLength(Object.keys(aggregator.result().groups[0]!.metrics).length);
  });
});
