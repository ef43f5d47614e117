/** A sweep's runs: one fixed order from the command line alone, shards that split it exactly, parsers that say what is wrong. */
import { describe, expect, it } from "vitest";
import { enumerateRuns, parseSeedRange, parseShard, parseVary, reproduceCommand, runKey, shardRuns } from "../../engine/sweep/runs";

describe("sweep runs", () => {
  it("enumerates every combination, the first field varying slowest, seeds ascending within each", () => {
    const runs = enumerateRuns({ from: 1, to: 2 }, [parseVary("director.ttl_s=10,60"), parseVary("policy.outage_choice=reject,cross-border-with-consent")]);
    expect(runs.map((r) => runKey(r.seed, r.overrides))).toEqual([
      "seed=1 director.ttl_s=10 policy.outage_choice=reject",
      "seed=2 director.ttl_s=10 policy.outage_choice=reject",
      "seed=1 director.ttl_s=10 policy.outage_choice=cross-border-with-consent",
      "seed=2 director.ttl_s=10 policy.outage_choice=cross-border-with-consent",
      "seed=1 director.ttl_s=60 policy.outage_choice=reject",
      "seed=2 director.ttl_s=60 policy.outage_choice=reject",
      "seed=1 director.ttl_s=60 policy.outage_choice=cross-border-with-consent",
      "seed=2 director.ttl_s=60 policy.outage_choice=cross-border-with-consent",
    ]);
    expect(runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(runs[0]!.overrides[0]!.value).toBe(10);
  });

  it("splits the runs round robin into shards that are disjoint and together are every run", () => {
    const runs = enumerateRuns({ from: 1, to: 10 }, [parseVary("director.ttl_s=10,60,300")]);
    const shards = [0, 1, 2, 3].map((index) => shardRuns(runs, { index, count: 4 }));
    expect(shards.flat().map((r) => r.index).sort((a, b) => a - b)).toEqual(runs.map((r) => r.index));
    expect(shards.map((s) => s.length)).toEqual([8, 8, 7, 7]);
    expect(shards[1]!.map((r) => r.index).slice(0, 3)).toEqual([1, 5, 9]);
  });

  it("says what is wrong with --seeds, --vary and --shard", () => {
    expect(parseSeedRange("3..7")).toEqual({ from: 3, to: 7 });
    expect(parseSeedRange("5")).toEqual({ from: 5, to: 5 });
    for (const bad of ["7..3", "a..b", "1..", "-1..2", "1..2147483648"]) expect(() => parseSeedRange(bad)).toThrow(/--seeds must read A\.\.B/);
    expect(() => parseVary("director.ttl_s")).toThrow(/--vary must read path=v1,v2/);
    expect(() => parseVary("director.ttl_s=10,,60")).toThrow(/no empty value/);
    expect(() => parseVary("director.ttl_s=10,10")).toThrow(/names a value twice/);
    expect(() => enumerateRuns({ from: 1, to: 1 }, [parseVary("a=1"), parseVary("a=2")])).toThrow(/names a field twice/);
    expect(parseShard("0/4")).toEqual({ index: 0, count: 4 });
    for (const bad of ["4/4", "1/0", "1", "a/b"]) expect(() => parseShard(bad)).toThrow(/--shard must read i\/n/);
  });

  it("writes the drill command that replays a run, quoting what a shell would split", () => {
    expect(reproduceCommand("scenarios/eu outage.yaml", 7, [{ path: "director.ttl_s", value: 30 }, { path: "name", value: "it's" }])).toBe(
      `npx failover-lab drill 'scenarios/eu outage.yaml' --seed 7 --set director.ttl_s=30 --set 'name=it'\\''s'`,
    );
  });
});
