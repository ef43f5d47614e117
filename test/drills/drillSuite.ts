/**
 * The end-to-end check of one shipped scenario: it runs twice with its own seed and must pass its
 * expectations with a byte-identical report and the same audit head hash each time, the chain verifying
 * from the database file alone; the report and the audit heads equal the committed goldens.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFile, runDrill, verifyChain, type DrillReport } from "../../engine";
import { expectGolden } from "./golden";

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
      const report = await runDrill(scenario, { auditDir: join(dir, name) });
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

    it("matches its golden report and audit heads", () => {
      expect(runs[0], "the first run completed").toBeDefined();
      expectGolden(file, runs[0]!);
    });

    it("shows what it was written to teach", () => {
      expect(runs[0], "the first run completed").toBeDefined();
      teaches(runs[0]!);
    });

    it("reproduces byte for byte with the same seed, and the audit chain verifies from the file", async () => {
      const again = await run("second");
      const [first] = runs;
      expect(JSON.stringify(again)).toBe(JSON.stringify(first));
      const { stores, entries, chain } = first!.questions.audit;
      expect(stores.length).toBeGreaterThan(1);
      for (const store of stores) {
        const verdict = verifyChain(join(dir, "second", store.file));
        expect(verdict, store.name).toMatchObject({ ok: true, head: store.head, count: store.entries });
      }
      // Every entry is in a destination by the end: the destinations hold what the report counted.
      const destinations = stores.filter((store) => store.role === "destination");
      expect(destinations.reduce((n, store) => n + store.entries, 0)).toBe(entries);
      expect(chain).toMatchObject({ ok: true, head: destinations[0]!.head });
    });
  });
}
