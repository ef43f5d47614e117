/** `failover-lab compare`: input errors exit 2 naming the bad scenario; a run prints pure JSON with --json and writes the page. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/failover-lab";
import { inProcess, root } from "../cli/runCli";

const fixture = join(root, "test/fixtures/short-drill.yaml");
const dir = mkdtempSync(join(tmpdir(), "failover-lab-compare-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const compare = (...args: string[]) => inProcess(() => main(["compare", ...args]));

describe("failover-lab compare", () => {
  it("exits 2 on a missing scenario file, naming it as scenario B, and prints nothing on stdout", async () => {
    const missing = join(dir, "missing.yaml");
    const { code, stdout, stderr } = await compare(fixture, missing);
    expect(code).toBe(2);
    expect(stderr).toContain(missing);
    expect(stderr).toContain("That was scenario B.");
    expect(stdout).toBe("");
  });

  it("exits 2 on an invalid scenario A, naming file, line and field", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, readFileSync(fixture, "utf8").replace("rate_per_s: 10", "rate_per_s: -3"));
    const { code, stdout, stderr } = await compare(broken, fixture);
    expect(code).toBe(2);
    expect(stderr).toContain(`${broken}:21:`);
    expect(stderr).toContain("That was scenario A.");
    expect(stdout).toBe("");
  });

  it("exits 2 on a scenario that needs real time, and on a wrong number of files", async () => {
    const realTime = await compare(fixture, join(root, "test/fixtures/real-upstream.yaml"));
    expect(realTime.code).toBe(2);
    expect(realTime.stderr).toContain("scenario B");
    expect(realTime.stderr).toContain("is a real server");
    expect((await compare(fixture)).code).toBe(2);
  });

  it("exits 2 on a design over the bound, naming it, the estimate and --allow-large", async () => {
    const week = join(root, "test/fixtures/absurd-runs/week-at-max-rate.yaml");
    const { code, stdout, stderr } = await compare(fixture, week);
    expect(code).toBe(2);
    expect(stderr).toContain(`scenario B, ${week}: ~6,048,000,000 requests ≈ 14 days here, over the bound of 2,000,000 requests a run; --allow-large runs it anyway. Nothing ran.`);
    expect(stdout).toBe("");
    // With the flag it passes the estimate, and the next check (a scenario that needs real time) stops it.
    const allowed = await compare(week, join(root, "test/fixtures/real-upstream.yaml"), "--allow-large");
    expect(allowed.code).toBe(2);
    expect(allowed.stderr).toContain("A: expected ~6,048,000,000 requests ≈ 14 days here");
    expect(allowed.stderr).toContain("a comparison runs in virtual time");
  });

  it("prints pure JSON with --json, zero differences for a scenario against itself, and writes the page", async () => {
    const page = join(dir, "compare.html");
    const { code, stdout, stderr } = await compare(fixture, fixture, "--seed", "3", "--json", "--html", page);
    expect(code).toBe(0);
    const comparison = JSON.parse(stdout) as { differences: number; seeds: { a: number; b: number }; labels: { a: string; b: string } };
    expect(comparison.differences).toBe(0);
    expect(comparison.seeds).toEqual({ a: 3, b: 3 });
    expect(comparison.labels).toEqual({ a: "short-drill", b: "short-drill (B)" });
    expect(stderr).toMatch(/wall clock/);
    expect(readFileSync(page, "utf8")).toContain("No differences.");
  });
});
