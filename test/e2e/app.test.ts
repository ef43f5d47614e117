/**
 * The app the way a trainer uses it, in headless Chromium against browser mode: open the EU outage drill,
 * fail eu-west by clicking it, step and play time, watch traffic move, inspect the audit log, save the
 * scenario and open the saved file again. Screenshots land in test-artifacts/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenario } from "../../engine";
import { ARTIFACTS, attribute, chromiumAvailable, clockOf, openApp, playAt100Until, showWholeGraph, type AppUnderTest } from "./browser";

describe.skipIf(!chromiumAvailable)("the app in a browser", () => {
  let app: AppUnderTest;
  const shot = (name: string) => app.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  const attr = (testId: string, name: string) => attribute(app.page, testId, name);
  const clockMs = () => clockOf(app.page);
  const clockReaches = (ms: number, timeout = 90_000) => expect.poll(clockMs, { timeout, interval: 100 }).toBeGreaterThanOrEqual(ms);

  beforeAll(async () => {
    app = await openApp();
  }, 120_000);
  afterAll(() => app?.close());

  it("opens on a designed empty state and loads the EU outage drill from the library", async () => {
    const { page } = app;
    await page.getByTestId("canvas-empty").waitFor();
    await shot("01-empty");
    await page.getByTestId("open-eu-region-outage.yaml").click();
    await page.getByTestId("gateway-eu-west").waitFor();
    await showWholeGraph(page);
    expect(await attr("scenario-name", "data-file")).toBe("eu-region-outage.yaml");
    expect(await page.getByTestId("status").textContent()).toBe("ready");
    for (const region of ["eu-west", "eu-central", "us-east"]) expect(await attr(`gateway-${region}`, "data-health")).toBe("healthy");
    // Where an OpenAI client reaches each gateway, and why its calls are refused until play is pressed.
    const gatewayApi = await page.getByTestId("gateway-api").textContent();
    for (const region of ["eu-west", "eu-central", "us-east"]) expect(gatewayApi).toContain(`${app.api.origin}/${region}/v1`);
    expect(await page.getByTestId("gateway-api-state").textContent()).toContain("the scenario has not started: press play");
  });

  it("fails eu-west by clicking it, and steps time event by event", async () => {
    const { page } = app;
    await playAt100Until(page, 20_000, 90_000);
    expect(Number(await attr("gateway-eu-west", "data-share"))).toBeGreaterThan(0.2);

    await page.getByTestId("gateway-eu-west").click();
    await page.getByTestId("fault-menu").waitFor();
    await page.getByTestId("fail-region").click();
    await page.getByTestId("endpoint-openai-sim@eu-west").and(page.locator('[data-health="failed"]')).waitFor();

    let before = await clockMs();
    for (let i = 0; i < 5; i++) {
      await page.getByTestId("step").click();
      await clockReaches(before + 1);
      const now = await clockMs();
      expect(now).toBeGreaterThan(before);
      before = now;
    }
    // Space plays, as the keyboard shortcut promises.
    await page.keyboard.press("Space");
    await page.getByTestId("pause").waitFor();
    await clockReaches(before + 100_000);
    await page.keyboard.press("Space");
    await page.getByTestId("play").waitFor();
    await shot("02-mid-failover");
  }, 180_000);

  it("shows the failed region and its traffic moved to the surviving EU region", async () => {
    expect(await attr("gateway-eu-west", "data-health")).toBe("failed");
    expect(await attr("endpoint-openai-sim@eu-west", "data-health")).toBe("failed");
    expect(Number(await attr("endpoint-openai-sim@eu-west", "data-share"))).toBe(0);
    expect(Number(await attr("endpoint-openai-sim@eu-central", "data-share"))).toBeGreaterThan(0.4);
    expect(Number(await attr("gateway-eu-central", "data-share"))).toBeGreaterThan(Number(await attr("gateway-eu-west", "data-share")));
    expect(await app.page.getByTestId("residency").textContent()).toContain("0 violations");
    expect(await app.page.getByTestId("timeline").count()).toBe(0);
  });

  it("lists audit entries of both EU regions, interleaved by time, under a green chain badge", async () => {
    const { page } = app;
    await page.getByTestId("tab-audit").click();
    await page.getByTestId("audit-inspector").waitFor();
    await page.getByRole("button", { name: /verify/i }).click();
    await page.locator('[data-testid="chain-badge"][data-state="ok"]').waitFor();
    for (const region of ["eu-west", "eu-central"]) {
      await page.getByTestId("audit-filter-region").selectOption(region);
      await page.locator(`[data-testid="audit-row"][data-region="${region}"]`).first().waitFor();
    }
    await page.getByTestId("audit-filter-region").selectOption("");
    await page.locator('[data-testid="audit-row"]').first().click();
    // The detail pane shows "Loading entry …" until the entry arrives; wait for the hash, not the pane.
    await expect.poll(() => page.getByTestId("audit-detail").textContent(), { timeout: 15_000 }).toMatch(/[0-9a-f]{64}/);
    await shot("03-audit");
  });

  it("saves the scenario with the injected fault, and opens the saved file again", async () => {
    const { page } = app;
    const downloading = page.waitForEvent("download");
    await page.getByTestId("save-scenario").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("eu-region-outage-edited.yaml");
    const saved = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(saved);
    const parsed = parseScenario(readFileSync(saved, "utf8"), saved);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.scenario.faults.at(-1)).toMatchObject({ kind: "region-outage", region: "eu-west" });

    await page.getByTestId("open-file").setInputFiles(saved);
    await expect.poll(() => attr("scenario-name", "data-file")).toBe("eu-region-outage-edited.yaml");
    expect(await clockMs()).toBe(0);
    expect(await page.getByTestId("status").textContent()).toBe("ready");
  });

  it("injects a request-level fault on an endpoint from its menu: its probes pass, its circuits open, traffic leaves it", async () => {
    const { page } = app;
    await showWholeGraph(page);
    await page.getByTestId("endpoint-openai-sim@eu-central").click();
    await page.getByTestId("fault-menu").waitFor();
    await page.getByTestId("request-fault-class").selectOption("unavailable");
    await page.getByTestId("request-fault-model").selectOption("");
    await page.getByTestId("inject-request-fault").click();
    await playAt100Until(page, 60_000, 90_000);
    expect(Number(await attr("endpoint-openai-sim@eu-central", "data-share"))).toBeLessThan(0.05);
    await page.getByTestId("endpoint-openai-sim@eu-central").click();
    await page.getByTestId("fault-menu").waitFor();
    expect(await page.locator('[data-testid^="heal-"]').allTextContents()).toContain("Heal u1 (request-fault)");
    await shot("09-request-fault");
    await page.locator(".fault-menu-close").click();
  }, 180_000);

  it("offers a fault kind's menu entry from the engine's catalogue: an endpoint slowed down, then offered for healing", async () => {
    const { page } = app;
    await page.getByTestId("endpoint-openai-sim@eu-central").click();
    await page.getByTestId("fault-menu").waitFor();
    await page.getByTestId("slow-endpoint").click();
    await page.getByTestId("endpoint-openai-sim@eu-central").click();
    await page.getByTestId("fault-menu").waitFor();
    expect(await page.locator('[data-testid^="heal-"]').allTextContents()).toContain("Heal u2 (provider-slowdown)");
    await page.locator(".fault-menu-close").click();
  });

  it("shows a broken file's problems next to the line, and keeps the loaded scenario", async () => {
    const { page } = app;
    await page.getByTestId("open-file").setInputFiles({ name: "broken.yaml", mimeType: "application/yaml", buffer: Buffer.from("revision: 1\nname: broken\nduration_s: -5\n") });
    await page.getByTestId("scenario-problems").waitFor();
    expect(await page.locator('[data-testid="problem"][data-field="duration_s"]').count()).toBe(1);
    expect(await attr("scenario-name", "data-file")).toBe("eu-region-outage-edited.yaml");
    await shot("04-problems");
  });
});
