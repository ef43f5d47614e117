import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, runDrill } from "../../engine";
import { expectGolden } from "./golden";

// No simulated callers: the drill is the gateway probing its providers for an hour, which is what a golden can hold.
describe("request-faults.yaml", () => {
  it("matches its golden report and audit heads", async () => {
    const report = await runDrill(loadScenarioFile(join(import.meta.dirname, "../../scenarios/request-faults.yaml")), {});
    expect(report.totals.requests).toBe(0);
    expectGolden("request-faults.yaml", report);
  });
});
