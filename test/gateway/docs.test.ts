import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatConductTable, measureConduct } from "../../engine/report/conduct";
import { loadScenarioFile } from "../../engine/scenario/load";

describe("docs/REQUEST-FAULTS.md", () => {
  it("shows what the gateway does now, at the defaults (regenerate with npm run faults)", async () => {
    const doc = readFileSync(new URL("../../docs/REQUEST-FAULTS.md", import.meta.url), "utf8");
    const shown = /<!-- npm run faults: start -->\n([\s\S]*?)\n<!-- npm run faults: end -->/.exec(doc)?.[1];
    const rows = await measureConduct(loadScenarioFile(new URL("../../scenarios/request-faults.yaml", import.meta.url).pathname), "eu-west", "chat-large");
    expect(shown).toBe(formatConductTable(rows));
    // The figure the issue asks for: a silent primary, answered by the fallback within 12 s.
    const silent = rows.find((r) => r.fault === "no response at all")!;
    expect(silent.elapsedS).toBeLessThan(12);
    expect(silent.callerGot).toMatch(/^whole answer from claude-sonnet/);
    expect(rows).toHaveLength(15);
  });
});
