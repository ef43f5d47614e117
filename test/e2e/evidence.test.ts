/**
 * Evidence from any run, in the app: a run with a fault injected and healed by hand exports (the button
 * said so before the click), the evidence library opens on the new bundle instead of a banner, verifies it
 * with npm run verify's checks (re-run included), opens its report from the host and downloads it as a tar.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../engine";
import { ARTIFACTS, attribute, chromiumAvailable, clockOf, openApp, type AppUnderTest } from "./browser";

describe.skipIf(!chromiumAvailable)("evidence from any run", () => {
  let app: AppUnderTest;
  const work = mkdtempSync(join(tmpdir(), "failover-lab-e2e-library-"));
  const key = generateKeyPair();

  beforeAll(async () => {
    let bundles = 0;
    app = await openApp({
      evidence: { folder: work, newDir: () => join(work, `short-drill-${++bundles}`), key: () => key, wallDate: () => "2026-12-05T11:08:31.123Z" },
    });
    const text = readFileSync(join(import.meta.dirname, "../fixtures/short-drill.yaml"), "utf8");
    await app.controller.execute("loadScenario", { source: "text", fileName: "short-drill.yaml", text });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("exports a hand-faulted run into the library, verifies it there, opens its report and downloads it", async () => {
    const { page, controller } = app;
    const exportButton = page.getByTestId("export-evidence");
    await page.getByTestId("tab-evidence").waitFor();
    expect(await exportButton.isDisabled()).toBe(true);
    expect(await exportButton.getAttribute("title")).toMatch(/play the scenario to its end/);

    // By hand, mid-run: a gateway taken down at 10 s and healed at 25.5 s, then the run played to its end.
    await controller.execute("runTo", { ms: 10_000 });
    const { faultId } = await controller.execute("injectFault", { fault: { kind: "gateway-down", region: "us-east" } });
    await controller.execute("runTo", { ms: 25_500 });
    await controller.execute("heal", { faultId });
    await controller.execute("runTo", { ms: 60_000 });
    await expect.poll(() => page.getByTestId("status").textContent()).toBe("finished");
    expect(await exportButton.isDisabled()).toBe(false);
    expect(await exportButton.getAttribute("title")).toMatch(/schedules your 1 hand-made fault at their virtual times/);
    await exportButton.click();

    // No banner above the canvas: the library opens on the new bundle.
    const fresh = page.locator('[data-testid="evidence-bundle"].evidence-bundle--new');
    await fresh.waitFor({ timeout: 30_000 });
    expect(await page.locator(".banner").count()).toBe(0);
    expect(await fresh.getAttribute("data-name")).toBe("short-drill-1");
    expect(await fresh.textContent()).toMatch(/short drill.*2026-12-05 11:08 UTC.*seed 1.*key [0-9a-f]{16} · fingerprint [0-9a-f]{12}…/);
    expect(await page.getByTestId("evidence-written").textContent()).toMatch(/schedules your 1 hand-made fault/);

    await fresh.getByTestId("evidence-verify").click();
    const checks = fresh.getByTestId("evidence-checks");
    await checks.waitFor({ timeout: 30_000 });
    expect(await checks.getAttribute("data-verified")).toBe("true");
    const verdicts = await Promise.all((await fresh.getByTestId("evidence-check").all()).map(async (li) => `${await li.getAttribute("data-ok")} ${await li.locator("strong").textContent()}`));
    expect(verdicts).toEqual(
      ["manifest signature", "file hashes", "audit chains", "fingerprint", "report pages", "buffers match destinations", "checkpoints", "reproduces"].map((check) => `true ${check}`),
    );
    await page.screenshot({ path: join(ARTIFACTS, "evidence-library.png") });
    // On a 1280×720 projector the library scrolls in the dock; nothing in it is wider than the dock.
    await page.setViewportSize({ width: 1280, height: 720 });
    const widths = (await page.evaluate(`(() => { const l = document.querySelector('[data-testid="evidence-library"]'); return { shown: l.clientWidth, needed: l.scrollWidth }; })()`)) as { shown: number; needed: number };
    expect(widths.needed).toBeLessThanOrEqual(widths.shown);
    await page.screenshot({ path: join(ARTIFACTS, "evidence-library-1280.png") });
    await page.setViewportSize({ width: 1600, height: 1000 });

    // The report, served read-only by the host to this page's token, prints the bundle's fingerprint.
    const href = (await fresh.getByTestId("evidence-open-report").getAttribute("href"))!;
    const report = await page.request.get(new URL(href, page.url()).href);
    expect(report.status()).toBe(200);
    expect(await report.text()).toMatch(/<dd data-stamp="fingerprint"><code>[0-9a-f]{64}<\/code>/);

    const [download] = await Promise.all([page.waitForEvent("download"), fresh.getByTestId("evidence-download").click()]);
    expect(download.suggestedFilename()).toBe("short-drill-1.tar");
    const tarPath = join(work, "download.tar");
    await download.saveAs(tarPath);
    expect(spawnSync("tar", ["-tf", tarPath], { encoding: "utf8" }).stdout.split("\n")).toEqual(expect.arrayContaining(["short-drill-1/manifest.json", "short-drill-1/scenario.yaml", "short-drill-1/report.html"]));
  }, 90_000);

  it("forgets the 'new' mark when another scenario opens", async () => {
    const { page } = app;
    await page.getByTestId("open-eu-outage-reject.yaml").click();
    await expect.poll(() => attribute(page, "scenario-name", "data-file")).toBe("eu-outage-reject.yaml");
    expect(await clockOf(page)).toBe(0);
    expect(await page.locator(".evidence-bundle--new").count()).toBe(0);
    expect(await page.getByTestId("evidence-bundle").count()).toBe(1);
  });
});
