/**
 * The architect's work in the app, one browser for all of it. Importing: a LiteLLM config.yaml picked from disk,
 * its endpoints placed by region rules, becomes the loaded scenario, says what it did not carry over, and plays.
 * Comparing two designs: with the reject variant of the EU outage loaded, the Compare tab runs it
 * beside the consent variant on the same seed and shows what the architect came for — consent turns refusals
 * into answers served abroad, with no residency violation on either side — and both runs' traffic overlaid.
 * Drawing a design: the Editor tab builds a four-region, two-jurisdiction topology on an empty canvas (nodes
 * dragged from the palette, edges drawn between them, one erased, one refused), shows a form's problem on its node,
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

  it("sweeps the loaded design over seeds and draws each varying metric's ECDF beside the table", async () => {
    const { page } = app;
    await expect.poll(async () => (await app.controller.execute("getSnapshot", {})).scenario?.fileName).toBe("eu-outage-reject.yaml");
    await page.getByTestId("tab-sweep").click();
    await page.getByTestId("sweep-to").fill("3");
    await page.getByTestId("sweep-run").click();
    await page.getByTestId("sweep-result").waitFor({ timeout: 120_000 });
    const sweep = await app.controller.execute("sweepLoaded", { from: 1, to: 3 });
    const varying = sweep.metrics.filter((m) => m.min < m.max).map((m) => m.metric);
    expect(varying.length).toBeGreaterThan(0);
    const charts = page.getByTestId("sweep-charts").locator("figure");
    expect(await charts.locator("figcaption").allTextContents()).toEqual(varying);
    // Each curve climbs from the bottom-left to the top-right of its frame: an ECDF over every run.
    for (const chart of await charts.all()) {
      const points = (await chart.locator("polyline").getAttribute("points"))!.split(" ").map((p) => p.split(",").map(Number));
      expect(points.length).toBe(sweep.metrics[0]!.ecdf.length);
      expect(points.every(([x, y], i) => i === 0 || (x! >= points[i - 1]![0]! && y! <= points[i - 1]![1]!))).toBe(true);
    }
    await page.screenshot({ path: join(ARTIFACTS, "sweep-1600x1000.png") });
  }, 180_000);
  it("builds a four-region topology on the empty canvas, connects and disconnects by drawing, shows problems on the nodes, applies, plays it with a region failed, and saves it", async () => {
    const { page } = app;
    // The import's notes, still open from the test before, lie over the dock as they would for a user.
    const importNotes = page.getByTestId("import-warnings");
    if ((await importNotes.count()) > 0) await importNotes.getByRole("button", { name: "Close" }).click();
    await page.getByTestId("tab-editor").click();
    await page.getByTestId("editor-template").selectOption("empty");
    await expect.poll(() => page.getByTestId("editor-file").textContent()).toBe("untitled.yaml");
    const canvas = page.getByTestId("draft-canvas");
    await page.getByTestId("draft-empty").waitFor();
    const box = (await canvas.boundingBox())!;
    const node = (entity: string, id: string) => page.getByTestId(`draft-node-${entity}-${id}`);
    // Each drop waits for its node: the engine gives it its id, and the next drop builds on the draft it left.
    const drop = async (entity: string, x: number, y: number, id: string) => {
      await page.getByTestId(`palette-${entity}`).dragTo(canvas, { targetPosition: { x, y } });
      await node(entity, id).waitFor();
    };
    for (const n of [1, 2, 3, 4]) await drop("region", box.width - 160, 130 + (n - 1) * 75, `region-${n}`);
    // Dropped where the pointer let go, not laid out elsewhere.
    const placed = (await node("region", "region-4").boundingBox())!;
    expect(Math.abs(placed.x + placed.width / 2 - (box.x + box.width - 160))).toBeLessThan(4);
    await drop("provider", box.width - 420, 240, "provider-1");
    await drop("model", box.width - 660, 240, "model-1");
    await drop("callers", box.width - 900, 240, "callers-1");
    for (const n of [3, 4]) await page.getByTestId(`editor-region-region-${n}-jurisdiction`).selectOption("US");
    await expect.poll(() => page.getByTestId("editor-region-region-4-jurisdiction").inputValue()).toBe("US");

    const handle = async (entity: string, id: string, side: "left" | "right") => {
      const b = (await node(entity, id).locator(`.react-flow__handle-${side}`).boundingBox())!;
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    };
    const draw = async (from: [string, string], to: [string, string]) => {
      const a = await handle(...from, "right");
      const b = await handle(...to, "left");
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
      await page.mouse.move(b.x, b.y, { steps: 4 });
      await page.mouse.up();
    };
    // A provider is added deployed in the first region; each edge drawn to another region deploys it there too.
    for (const [j, n] of [[1, 2], [2, 3], [3, 4]]) {
      await draw(["provider", "provider-1"], ["region", `region-${n}`]);
      await page.getByTestId(`editor-provider-provider-1-deployment-${j}-region`).waitFor();
    }
    expect(await page.getByTestId(`rf__edge-provider:provider-1>region:region-4`).count()).toBe(1);
    // Two regions are not joined by an edge: the engine refuses, saying what joins them instead.
    await draw(["region", "region-1"], ["region", "region-2"]);
    await expect.poll(() => page.getByTestId("draft-error").textContent()).toContain("rtt_ms");

    // Erasing an edge: selected, then Delete, undeploys the provider there.
    await page.getByTestId(`rf__edge-provider:provider-1>region:region-4`).click();
    await page.keyboard.press("Delete");
    await expect.poll(() => page.getByTestId("editor-provider-provider-1-deployment-3-region").count()).toBe(0);
    await page.getByTestId("editor-undo").click();
    await page.getByTestId("editor-provider-provider-1-deployment-3-region").waitFor();

    // A problem in a form's field is shown on its node, and goes with the undo.
    await page.getByTestId("editor-callers-callers-1-rate").fill("-5");
    await page.getByTestId("editor-callers-callers-1-rate").press("Enter");
    await expect.poll(() => node("callers", "callers-1").getAttribute("data-problems")).toBe("1");
    expect(await node("callers", "callers-1").textContent()).toContain("1 problem");
    await page.getByTestId("editor-undo").click();
    await expect.poll(() => node("callers", "callers-1").getAttribute("data-problems")).toBe("0");
    await expect.poll(() => page.getByTestId("editor-problems").textContent()).toBe("No problems");
    await page.screenshot({ path: join(ARTIFACTS, "architect-canvas.png") });

    // Back past the edit undone above to the last edge drawn, and forward again.
    await page.getByTestId("editor-undo").click();
    await expect.poll(() => page.getByTestId(`rf__edge-provider:provider-1>region:region-4`).count()).toBe(0);
    await page.getByTestId("editor-redo").click();
    await page.getByTestId(`rf__edge-provider:provider-1>region:region-4`).waitFor();

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
