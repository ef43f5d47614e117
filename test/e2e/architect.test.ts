/**
 * The architect's work in the app, one browser for all of it. Importing: a LiteLLM config.yaml picked from disk,
 * its endpoints placed by region rules, becomes the loaded scenario, says what it did not carry over, and plays.
 * Comparing two designs: with the reject variant of the EU outage loaded, the Compare tab runs it
 * beside the consent variant on the same seed and shows what the architect came for — consent turns refusals
 * into answers served abroad, with no residency violation on either side — and both runs' traffic overlaid.
 * Drawing a design: the Editor tab builds a four-region, two-jurisdiction topology from an empty template,
 * undoes and redoes, applies it to the session, plays it with a region failed, and saves it as a file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenario } from "../../engine/scenario/load";
import { ARTIFACTS, chromiumAvailable, clockOf, openApp, type AppUnderTest } from "./browser";

describe.skipIf(!chromiumAvailable)("the architect's work", () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp();
  }, 120_000);
  afterAll(async () => app?.close());

  it("imports a LiteLLM config from disk, lists what it did not import by line and field, and plays it", async () => {
    const { page } = app;
    const fixture = join(import.meta.dirname, "../fixtures/import/litellm/azure-load-balance");
    await page.getByTestId("import-button").click();
    await page.getByTestId("import-format").selectOption("litellm");
    await page.getByTestId("import-file").setInputFiles(join(fixture, "config.yaml"));
    await page.getByTestId("import-regions").fill(readFileSync(join(fixture, "regions.txt"), "utf8"));
    await page.getByTestId("import-submit").click();

    const warnings = page.getByTestId("import-warnings");
    await warnings.waitFor();
    expect(await warnings.textContent()).toContain("config-imported.yaml");
    const notes = await page.getByTestId("import-warning").allTextContents();
    expect(notes.some((note) => /^\d+:\d+ router_settings\.redis_host /.test(note))).toBe(true);
    // The imported design is on the canvas: its three regions' gateways, the Azure deployments weighted 3:1 between them.
    for (const region of ["eu-west", "ca-central", "us-east"]) await page.getByTestId(`gateway-${region}`).waitFor();

    await page.getByTestId("speed").selectOption("100");
    await page.getByTestId("play").click();
    await expect.poll(() => clockOf(page), { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(30_000);
    await page.getByTestId("pause").click();
    expect(Number(await page.getByTestId("tab-audit").textContent().then((t) => t!.replace(/\D/g, "")))).toBeGreaterThan(50);
    await page.screenshot({ path: join(ARTIFACTS, "import-1600x1000.png") });
  }, 120_000);

  it("runs the loaded design beside another on its seed and shows the differences, the better side and both runs' traffic", async () => {
    const { page } = app;
    await page.getByTestId("open-eu-outage-reject.yaml").click();
    await expect.poll(async () => (await app.controller.execute("getSnapshot", {})).scenario?.fileName).toBe("eu-outage-reject.yaml");
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
  it("builds a four-region topology from an empty template, undoes and redoes, applies, plays it with a region failed, and saves it", async () => {
    const { page } = app;
    // The import's notes, still open from the test before, lie over the dock as they would for a user.
    const importNotes = page.getByTestId("import-warnings");
    if ((await importNotes.count()) > 0) await importNotes.getByRole("button", { name: "Close" }).click();
    await page.getByTestId("tab-editor").click();
    await page.getByTestId("editor-template").selectOption("empty");
    await expect.poll(() => page.getByTestId("editor-file").textContent()).toBe("untitled.yaml");
    // Each add waits for its row: the engine gives it its id, and the next add builds on the draft it left.
    for (const n of [1, 2, 3, 4]) {
      await page.getByTestId("editor-add-region").click();
      await page.getByTestId(`editor-region-region-${n}`).waitFor();
    }
    for (const n of [3, 4]) await page.getByTestId(`editor-region-region-${n}-jurisdiction`).selectOption("US");
    await expect.poll(() => page.getByTestId("editor-region-region-4-jurisdiction").inputValue()).toBe("US");
    await page.getByTestId("editor-add-provider").click();
    for (const j of [1, 2, 3]) {
      await page.getByTestId("editor-provider-provider-1-add-deployment").click();
      await page.getByTestId(`editor-provider-provider-1-deployment-${j}-region`).waitFor();
    }
    await page.getByTestId("editor-add-model").click();
    await page.getByTestId("editor-model-model-1").waitFor();
    await page.getByTestId("editor-add-callers").click();
    await page.getByTestId("editor-callers-callers-1").waitFor();
    await expect.poll(() => page.getByTestId("editor-problems").textContent()).toBe("No problems");

    await page.getByTestId("editor-undo").click();
    expect(await page.getByTestId("editor-callers-callers-1").count()).toBe(0);
    await page.getByTestId("editor-redo").click();
    await page.getByTestId("editor-callers-callers-1").waitFor();

    await page.getByTestId("editor-apply").click();
    await expect.poll(() => page.getByTestId("editor-status").textContent()).toBe("Applied: the session runs untitled.yaml");
    for (const n of [1, 2, 3, 4]) await page.getByTestId(`gateway-region-${n}`).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "architect-editor.png") });

    await page.getByTestId("gateway-region-1").click();
    await page.getByTestId("fault-menu").waitFor();
    await page.getByTestId("fail-region").click();
    await page.getByTestId("speed").selectOption("100");
    await page.getByTestId("play").click();
    await expect.poll(() => clockOf(page), { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(30_000);
    await page.getByTestId("pause").click();
    await page.getByTestId("endpoint-provider-1@region-1").and(page.locator('[data-health="failed"]')).waitFor();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("editor-save").click()]);
    expect(download.suggestedFilename()).toBe("untitled.yaml");
    const saved = join(ARTIFACTS, "editor-untitled.yaml");
    await download.saveAs(saved);
    const parsed = parseScenario(readFileSync(saved, "utf8"), saved);
    expect(parsed.ok && parsed.scenario.topology.regions.map((r) => `${r.id}:${r.jurisdiction}`)).toEqual(["region-1:EU", "region-2:EU", "region-3:US", "region-4:US"]);
    expect(parsed.ok && parsed.scenario.topology.providers[0]!.deployments.map((d) => d.region)).toEqual(["region-1", "region-2", "region-3", "region-4"]);
  });
});
