/** Runs a fault kind's fixture scenario (test/fixtures/fault-kinds/) as a drill, its audit in a temporary directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenarioFile, runDrill, type DrillReport, type Scenario } from "../../engine";

/** `vary` bends the fixture for one test, to show what a setting changes. */
export async function drillFixture(file: string, vary: (scenario: Scenario) => Scenario = (s) => s): Promise<DrillReport> {
  const dir = mkdtempSync(join(tmpdir(), "failover-lab-fault-kind-"));
  try {
    return await runDrill(vary(loadScenarioFile(join(import.meta.dirname, "../fixtures/fault-kinds", file))), { auditDir: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
