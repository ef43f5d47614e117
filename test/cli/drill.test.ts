import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, runCli } from "./runCli";

const fixture = join(root, "test/fixtures/short-drill.yaml");
const dir = mkdtempSync(join(tmpdir(), "failover-lab-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const drill = (...args: string[]) => runCli("drill", args);

describe("npm run drill", () => {
  it("prints the four questions answered and exits 0 when every expectation holds", async () => {
    const { code, stdout, stderr } = await drill(fixture);
    expect(code).toBe(0);
    for (const question of ["1. How fast", "2. Was policy", "3. What happened to requests in flight", "4. Does the audit log"]) expect(stdout).toContain(question);
    expect(stdout).toMatch(/pass {2}residency_violations == 0/);
    expect(stdout).toContain("Drill passed.");
    expect(stderr).toMatch(/requests\/s/);
  });

  it("exits 1 when an expectation fails, naming it", async () => {
    const file = join(dir, "failing.yaml");
    writeFileSync(file, readFileSync(fixture, "utf8").replace("rejected_by_policy > 0", "rejected_by_policy == 0"));
    const { code, stdout } = await drill(file);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL {2}rejected_by_policy == 0 {2}\(actual \d+\)/);
  });

  it("exits 2 on an invalid scenario, naming file, line and field, and runs nothing", async () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, readFileSync(fixture, "utf8").replace("rate_per_s: 10", "rate_per_s: -3"));
    const { code, stdout, stderr } = await drill(file, "--out", join(dir, "never"));
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:21:`);
    expect(stderr).toContain("topology.callers[0].rate_per_s");
    expect(stdout).toBe("");
    expect(existsSync(join(dir, "never", "audit"))).toBe(false);
  });

  it("--set changes a field for this run, and exits 2 naming a value the scenario refuses", async () => {
    const { code, stdout } = await drill(fixture, "--set", "expect.1=rejected_by_policy == 0", "--set", "director.ttl_s=30", "--json");
    expect(code).toBe(1);
    expect(JSON.parse(stdout).expectations[1]).toMatchObject({ expectation: "rejected_by_policy == 0", pass: false });
    const bad = await drill(fixture, "--set", "director.ttl_s=soon");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('director.ttl_s: expected a number, got the text "soon"');
    expect((await drill(fixture, "--set", "director.ttl_s")).stderr).toMatch(/--set "director.ttl_s" must read path=value/);
  });

  it("refuses a run expected to exceed the bound with exit 2, naming the file, the estimate and --allow-large", async () => {
    const file = join(dir, "week-at-full-rate.yaml");
    writeFileSync(file, readFileSync(fixture, "utf8").replace("duration_s: 60", "duration_s: 604800").replace("rate_per_s: 10", "rate_per_s: 10000"));
    const { code, stdout, stderr } = await drill(file, "--out", join(dir, "never-large"));
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: ~6,048,000,000 requests ≈ 14 days here, over the bound of 2,000,000 requests a run; --allow-large runs it anyway. Nothing ran.`);
    expect(stdout).toBe("");
    expect(existsSync(join(dir, "never-large"))).toBe(false);
    // With the flag the estimate no longer stops it: the next check does (an evidence directory that is not empty), so nothing runs here either.
    const allowed = await drill(file, "--allow-large", "--evidence", root);
    expect(allowed.code).toBe(2);
    expect(allowed.stderr).not.toContain("--allow-large runs it anyway");
    expect(allowed.stderr).toContain("expected ~6,048,000,000 requests ≈ 14 days here");
    expect(allowed.stderr).toContain("is not an empty directory");
  });

  it("a run of no requests does not pass: the summary says every expectation is vacuous, exit 1", async () => {
    const file = join(dir, "no-callers.yaml");
    const text = readFileSync(fixture, "utf8").replace(/ {2}callers:\n.*\n/, "  callers: []\n").replace("  - rejected_by_policy > 0\n", "");
    writeFileSync(file, text);
    const { code, stdout, stderr } = await drill(file);
    expect(stderr).toContain("expected ~0 requests ≈ < 1 s here");
    expect(stdout).toContain("pass  residency_violations == 0");
    expect(stdout).toContain("Drill NOT passed: 0 requests: every expectation is vacuous.");
    expect(code).toBe(1);
    const tiny = await drill(fixture, "--set", "duration_s=1e-9");
    expect(tiny.code).toBe(2);
    expect(tiny.stderr).toContain("duration_s: a run lasts at least 1 s");
  });

  it("exits 2 on bad arguments", async () => {
    expect((await drill()).code).toBe(2);
    expect((await drill(fixture, "--seed", "abc")).stderr).toMatch(/--seed must be an integer/);
    expect((await drill(fixture, "--bogus")).code).toBe(2);
    expect((await drill(join(dir, "missing.yaml"))).stderr).toMatch(/missing\.yaml:1:1: cannot read the file: ENOENT/);
  });

  it("--out writes the report and the audit stores; the same seed reproduces them, and an existing database is never overwritten", async () => {
    const first = await drill(fixture, "--seed", "9", "--out", join(dir, "a"), "--json");
    const second = await drill(fixture, "--seed", "9", "--out", join(dir, "b"), "--json");
    expect(first.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "a", "report.json"), "utf8"));
    expect(report.seed).toBe(9);
    expect(JSON.parse(first.stdout)).toEqual(report);
    expect(readFileSync(join(dir, "b", "report.json"), "utf8")).toBe(readFileSync(join(dir, "a", "report.json"), "utf8"));
    expect(existsSync(join(dir, "a", "audit", "canonical.db"))).toBe(true);
    const again = await drill(fixture, "--out", join(dir, "a"));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/audit already exists/);
    expect(second.stdout).toBe(first.stdout);
  });
});
