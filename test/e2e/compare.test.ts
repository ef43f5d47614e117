/**
 * Comparing two designs in the app: with the reject variant of the EU outage loaded, the Compare tab runs it
 * beside the consent variant on the same seed and shows what the architect came for — consent turns refusals
 * into answers served abroad, with no residency violation on either side — and both runs' traffic overlaid.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, chromiumAvailable, openApp, type AppUnderTest } from "./browser";

describe.skipIf(!chromiumAvailable)("compare two designs", () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp({ scenario: "eu-outage-reject.yaml" });
  }, 120_000);
  afterAll(async () => app?.close());

  it("runs the loaded design beside another on its seed and shows the differences, the better side and both runs' traffic", async () => {
    const { page } = app;
    await page.getByTestId("tab-compare").click();
    expect(await page.getByTestId("tab-compare").textContent()).toBe("Compare");
    await page.getByTestId("compare-other").selectOption("eu-outage-consent.yaml");
    await page.getByTestId("compare-run").click();
    const table = page.getByTestId("compare-table");
    await table.waitFor({ timeout: 120_000 });

    const row = (label: string) => table.locator("tr", { has: page.locator(`th[scope=row]`, { hasText: new RegExp(`^${label}$`) }) });
    const cells = async (label: string) => (await row(label).locator("td").allTextContents()).map((text) => text.trim());
    const [rejectRefused, consentRefused, refusedDiff, refusedBetter] = await cells("refused by residency policy");
    expect(Number(consentRefused!.replace(/,/g, ""))).toBeLessThan(Number(rejectRefused!.replace(/,/g, "")));
    expect(refusedDiff).toMatch(/^−[\d,]+$/);
    expect(refusedBetter).toBe("eu-outage-consent");
    expect(await row("refused by residency policy").getAttribute("data-differs")).toBe("true");
    // Served abroad only with consent; a design choice, so no side is called better.
    const [rejectAbroad, consentAbroad, , abroadBetter] = await cells("served cross-border");
    expect(rejectAbroad).toBe("0");
    expect(Number(consentAbroad!.replace(/,/g, ""))).toBeGreaterThan(0);
    expect(abroadBetter).toBe("");
    expect((await cells("residency violations")).slice(0, 2)).toEqual(["0", "0"]);
    expect(await page.getByTestId("compare-summary").textContent()).toMatch(/^\d+ figures differ\.$/);

    // Both runs on each chart: A's line and B's line in the legend.
    const charts = page.getByTestId("compare-panel").locator(".metrics-chart");
    expect(await charts.count()).toBe(2);
    for (const chart of await charts.all()) expect(await chart.locator(".u-legend .u-series").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("A: eu-outage-reject"), expect.stringContaining("B: eu-outage-consent")]));
    await page.screenshot({ path: join(ARTIFACTS, "compare-1600x1000.png") });
  }, 180_000);
});
