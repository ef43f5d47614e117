/**
 * The end-to-end check of one shipped scenario: it runs twice with its own seed and must pass its
 * expectations with a byte-identical report and the same audit head hash each time, the chain verifying
 * from the database file alone.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFile, runDrill, verifyChain, type DrillReport } from "../../engine";

/**
 * @param teaches assertions about the behaviour the scenario exists to show, beyond its own expectations.
 */
export function drillSuite(file: string, teaches: (report: DrillReport) => void): void {
  const path = join(import.meta.dirname, "../../scenarios", file);
  const dir = mkdtempSync(join(tmpdir(), "failover-lab-drill-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe(file, () => {
    const scenario = loadScenarioFile(path);
    const runs: DrillReport[] = [];
    const run = async (name: string) => {
      const report = await runDrill(scenario, { auditPath: join(dir, `${name}.db`) });
      runs.push(report);
      return report;
    };

    it("meets every expectation the scenario states", async () => {
      const report = await run("first");
      expect(scenario.expect.length).toBeGreaterThan(0);
      for (const result of report.expectations) expect(result, result.expectation).toMatchObject({ pass: true });
      expect(report.passed).toBe(true);
      expect(report.totals.requests).toBeGreaterThan(1000);
      expect(report.totals.unfinished).toBe(0);
    });

    it("shows what it was written to teach", () => {
      expect(runs[0], "the first run completed").toBeDefined();
      teaches(runs[0]!);
    });

    it("reproduces byte for byte with the same seed, and the audit chain verifies from the file", async () => {
      const again = await run("second");
      const [first] = runs;
      expect(JSON.stringify(again)).toBe(JSON.stringify(first));
      const verdict = verifyChain(join(dir, "second.db"));
      expect(verdict).toMatchObject({ ok: true, head: first!.questions.audit.chain.head, count: first!.questions.audit.entries });
      expect(readFileSync(join(dir, "first.db")).length).toBeGreaterThan(0);
    });
  });
}
