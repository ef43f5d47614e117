/**
 * The headless drill's direct transport is only a faster road to the same simulated world: every shipped
 * scenario that runs in virtual time gives the byte-identical report, audit chain heads included, over the
 * direct hand-over and over the global `fetch` through MSW.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directTransport, globalFetch, loadScenarioFile, needsRealTime, runDrill } from "../../engine";

const dir = join(import.meta.dirname, "../../scenarios");
const files = readdirSync(dir).filter((file) => file.endsWith(".yaml")).sort();

describe("direct transport against fetch through MSW", () => {
  it("covers the shipped scenarios", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const file of files) {
    const scenario = loadScenarioFile(join(dir, file));
    it.skipIf(needsRealTime(scenario) !== undefined)(`${file}: the same report and audit heads`, async () => {
      const overFetch = await runDrill(scenario, { transport: globalFetch });
      const direct = await runDrill(scenario, { transport: directTransport });
      expect(JSON.stringify(direct)).toBe(JSON.stringify(overFetch));
    });
  }
});
