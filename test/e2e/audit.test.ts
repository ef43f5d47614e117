/**
 * The audit store in the app, as a reviewer meets it: a region cut off from it buffers (shown on the node
 * and its link), a partition injected on the audit store heals, an entry's inclusion proof verifies, and a
 * finished run exports an evidence bundle the offline verifier accepts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, verifyEvidence } from "../../engine";
import { ARTIFACTS, attribute, chromiumAvailable, clockOf, openApp, playAt100Until, showWholeGraph, type AppUnderTest } from "./browser";

describe.skipIf(!chromiumAvailable)("the audit store in the app", () => {
  let app: AppUnderTest;
  const work = mkdtempSync(join(tmpdir(), "failover-lab-e2e-evidence-"));
  const key = generateKeyPair();
  const shot = (name: string) => app.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  const attr = (testId: string, name: string) => attribute(app.page, testId, name);
  const clockMs = () => clockOf(app.page);

  beforeAll(async () => {
    let bundles = 0;
    app = await openApp({ evidence: { folder: work, newDir: () => join(work, `bundle-${++bundles}`), key: () => key, wallDate: () => new Date().toISOString() } });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("shows eu-west cut off from the canonical log: its buffer grows on the audit store node", async () => {
    const { page } = app;
    await page.getByTestId("open-audit-partition-central.yaml").click();
    await page.getByTestId("audit-store").waitFor();
    await showWholeGraph(page);
    await playAt100Until(page, 150_000, 120_000);
    expect(await attr("audit-store", "data-buffering")).toBe("eu-west");
    expect(Number(await attr("audit-buffer-eu-west", "data-depth"))).toBeGreaterThan(100);
    expect(Number(await attr("audit-buffer-eu-central", "data-depth"))).toBeLessThan(50);
    await shot("05-audit-partition");
  }, 180_000);

  it("cuts us-east off by clicking the audit store, and heals it from the same menu", async () => {
    const { page } = app;
    await page.getByTestId("audit-store").click();
    await page.getByTestId("audit-partition-us-east").click();
    // The flusher notices on its next tick, a virtual second away.
    for (let i = 0; i < 200 && !(await attr("audit-store", "data-buffering")).includes("us-east"); i++) await page.getByTestId("step").click();
    expect((await attr("audit-store", "data-buffering")).split(" ").sort()).toEqual(["eu-west", "us-east"]);
    await page.getByTestId("audit-store").click();
    await page.getByTestId("heal-u1").click();
    for (let i = 0; i < 400 && (await attr("audit-store", "data-buffering")).includes("us-east"); i++) await page.getByTestId("step").click();
    expect(await attr("audit-store", "data-buffering")).toBe("eu-west");
  }, 180_000);

  it("proves an audit entry's inclusion in the canonical log on demand", async () => {
    const { page } = app;
    await page.getByTestId("tab-audit").click();
    await page.locator('[data-testid="audit-row"]').nth(3).click();
    await page.getByTestId("prove-inclusion").click();
    await page.locator('[data-testid="inclusion-proof"] [data-verified="true"]').waitFor();
    expect(await page.getByTestId("inclusion-proof").textContent()).toMatch(/Leaf 3 is in the \d+-entry tree of canonical/);
    await shot("06-inclusion-proof");
  });

  it("exports a finished run as evidence that verifies offline, re-run included", async () => {
    const { page } = app;
    // A fresh run of the file, without the faults made by hand above: this bundle holds the app's own run.
    await page.getByTestId("open-audit-partition-central.yaml").click();
    await expect.poll(clockMs).toBe(0);
    expect(await page.getByTestId("export-evidence").isDisabled()).toBe(true);
    await page.getByTestId("play").click();
    await expect.poll(async () => page.getByTestId("status").textContent(), { timeout: 150_000, interval: 250 }).toBe("finished");
    await page.getByTestId("export-evidence").click();
    const banner = page.getByTestId("evidence-written"); // in the evidence library, which opens on the new bundle
    await banner.waitFor({ timeout: 60_000 });
    const dir = (await banner.locator("code").first().textContent())!;
    expect(dir.startsWith(work)).toBe(true);
    await shot("07-evidence-exported");
    const results = await verifyEvidence(dir, { trustedKeys: [{ publicKey: key.publicKey, source: "the test key" }] });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.check)).toContain("reproduces");
  }, 240_000);
});
