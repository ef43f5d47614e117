/**
 * `failover-lab sweep`: a short fixture over a few seeds, unsharded and in two shards merged back, must give
 * the same aggregate exactly; a failing run's command replays it; bad input exits 2 before anything runs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/failover-lab";
import type { SweepAggregate } from "../../engine";
import { inProcess, root, runBin } from "./runCli";

const dir = mkdtempSync(join(tmpdir(), "failover-lab-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Errors in the short drill range from about 5 to 25 by seed, so this expectation fails on some seeds only.
const scenario = join(dir, "short.yaml");
beforeAll(() => writeFileSync(scenario, readFileSync(join(root, "test/fixtures/short-drill.yaml"), "utf8").replace("rejected_by_policy > 0", "errors < 10")));

const sweep = (...args: string[]) => inProcess(() => main(["sweep", ...args]));
const path = (name: string) => join(dir, name);

describe("failover-lab sweep", () => {
  it("merges two shards into exactly the aggregate of the unsharded sweep", async () => {
    const whole = await sweep(scenario, "--seeds", "1..6", "--jobs", "2", "--out", path("all.jsonl"), "--json", "--html", path("all.html"));
    expect(whole.stderr).toMatch(/ran 6 drills in [\d.]+ s wall clock in 2 workers; peak RSS \d+ MB in this process, \d+ MB in the largest worker/);
    const aggregate = JSON.parse(whole.stdout) as SweepAggregate;
    expect(aggregate.runs).toBe(6);
    const errors = aggregate.groups[0]!.expectations.find((e) => e.expectation === "errors < 10")!;
    expect(errors.passed).toBeLessThan(6);
    expect(whole.code).toBe(1);
    expect(readFileSync(path("all.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).seed)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readFileSync(path("all.html"), "utf8")).toContain("<svg");

    for (const shard of ["0/2", "1/2"]) {
      const { code } = await sweep(scenario, "--seeds", "1..6", "--shard", shard, "--jobs", "1", "--out", path(`shard-${shard[0]}.jsonl`), "--json");
      expect(code).toBe(1);
    }
    expect(readFileSync(path("shard-1.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).seed)).toEqual([2, 4, 6]);
    const merged = await sweep("merge", path("shard-1.jsonl"), path("shard-0.jsonl"), "--json");
    expect(merged.code).toBe(1);
    expect(merged.stdout).toBe(whole.stdout);
  });

  it("varies a field, groups by its values, and prints a command that replays a failing run", async () => {
    const { code, stdout } = await sweep(scenario, "--seeds", "1..2", "--vary", "director.ttl_s=30,60", "--json");
    const aggregate = JSON.parse(stdout) as SweepAggregate;
    expect(aggregate.groups.map((g) => [g.vary, g.runs])).toEqual([
      [[{ path: "director.ttl_s", value: 30 }], 2],
      [[{ path: "director.ttl_s", value: 60 }], 2],
    ]);
    // Seed 1 sees about 20 errors.
    const [replay] = aggregate.groups.flatMap((g) => g.expectations.flatMap((e) => e.failed));
    expect(code).toBe(1);
    if (!replay) throw new Error("no run failed errors < 10");
    expect(replay.command).toMatch(new RegExp(`^npx failover-lab drill ${scenario} --seed ${replay.seed} --set director\\.ttl_s=(30|60)$`));
    const drill = await runBin([...replay.command.split(" ").slice(2), "--json"]);
    expect(drill.code).toBe(1);
    expect(JSON.parse(drill.stdout).seed).toBe(replay.seed);
  });

  it("exits 2 naming a bad --vary value, a bad path, or bad arguments, and runs nothing", async () => {
    const badValue = await sweep(scenario, "--seeds", "1..2", "--vary", "director.ttl_s=30,soon", "--out", path("never.jsonl"));
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('director.ttl_s=soon: director.ttl_s: expected a number, got the text "soon"');
    expect(existsSync(path("never.jsonl"))).toBe(false);
    expect((await sweep(scenario, "--seeds", "1..2", "--vary", "directr.ttl_s=30")).stderr).toMatch(/unknown key "directr"/);
    expect((await sweep(scenario)).stderr).toMatch(/missing --seeds/);
    expect((await sweep(scenario, "--seeds", "3..1")).code).toBe(2);
    expect((await sweep(scenario, "--seeds", "1..2", "--shard", "0/2")).stderr).toMatch(/--shard needs --out/);
    expect((await sweep(scenario, "--seeds", "1..2", "--jobs", "0")).stderr).toMatch(/--jobs must be an integer/);
  });

  it("refuses a sweep over the bound with exit 2, per run and for the runs together, unless --allow-large", async () => {
    const big = path("big.yaml");
    writeFileSync(big, readFileSync(scenario, "utf8").replace("rate_per_s: 10", "rate_per_s: 10000"));
    // 600,000 requests a run: within a run's bound, but 40 seeds make 24,000,000, over the sweep's.
    const together = await sweep(big, "--seeds", "1..40");
    expect(together.code).toBe(2);
    expect(together.stderr).toContain(`${big}: 40 runs: ~24,000,000 requests ≈ 80 min here, over the bound of 20,000,000 requests a sweep; --allow-large runs it anyway. Nothing ran.`);
    const one = await sweep(big, "--seeds", "1..2", "--vary", "duration_s=60,600");
    expect(one.code).toBe(2);
    expect(one.stderr).toContain(`${big}: one run: ~6,000,000 requests ≈ 20 min here, over the bound of 2,000,000 requests a run; --allow-large`);
    // With the flag, the next check stops it: an --out file that cannot be written.
    const allowed = await sweep(big, "--seeds", "1..40", "--allow-large", "--out", path("no/such/dir/runs.jsonl"));
    expect(allowed.code).toBe(2);
    expect(allowed.stderr).toContain("expected ~24,000,000 requests ≈ 80 min here on one job");
    expect(allowed.stderr).toMatch(/runs\.jsonl: cannot write it: ENOENT.*Nothing ran\./);
  });

  it("merge exits 2 naming file:line for a bad line and for a run two shards both hold", async () => {
    const good = JSON.stringify({ format: 1, scenario: "s.yaml", index: 0, seed: 1, vary: [], metrics: { errors: 3 }, expectations: [], wall_ms: 5 });
    writeFileSync(path("bad.jsonl"), `${good}\n{"format":1,"seed":"x"}\n`);
    const bad = await sweep("merge", path("bad.jsonl"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`${path("bad.jsonl")}:2: not a sweep line: `));
    writeFileSync(path("notjson.jsonl"), "{oops\n");
    expect((await sweep("merge", path("notjson.jsonl"))).stderr).toMatch(/notjson\.jsonl:1: not JSON/);
    writeFileSync(path("a.jsonl"), `${good}\n`);
    const twice = await sweep("merge", path("a.jsonl"), path("a.jsonl"));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`${path("a.jsonl")}:1: run "seed=1" (run 0) appears twice`);
    expect((await sweep("merge", path("missing.jsonl"))).stderr).toMatch(/missing\.jsonl:1:1: cannot read the file: ENOENT/);
  });

  it("answers --help on stdout", async () => {
    const { code, stdout } = await sweep("--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/--shard i\/n/);
  });
});
