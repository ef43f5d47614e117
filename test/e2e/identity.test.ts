/**
 * The identity provider in the app: a scenario with one shows the IdP node, a link to every gateway and each
 * gateway's cache age and policy; clicking a link cuts that region off, and the gateway's line turns stale
 * once it fails to refresh; healing from the IdP node brings it back to fresh.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, attribute, chromiumAvailable, openApp, playAt100Until, showWholeGraph, type AppUnderTest } from "./browser";

describe.skipIf(!chromiumAvailable)("the identity provider in the app", () => {
  let app: AppUnderTest;
  const attr = (testId: string, name: string) => attribute(app.page, testId, name);

  beforeAll(async () => {
    app = await openApp();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it("cuts us-east off by clicking its link to the identity provider: its cache goes stale, then heals", async () => {
    const { page } = app;
    await page.getByTestId("open-idp-partition-cached.yaml").click();
    await page.getByTestId("identity-provider").waitFor();
    await showWholeGraph(page);
    await playAt100Until(page, 5_000, 60_000);
    expect(await attr("identity-us-east", "data-state")).toBe("fresh");
    expect(await page.getByTestId("identity-us-east").textContent()).toMatch(/^JWKS \d+ s · cached ≤300 s$/);

    // React Flow handles a click on the edge's own element; its bounding box's centre may miss a curved path.
    await page.getByTestId("rf__edge-e:us-east>idp").dispatchEvent("click");
    await page.getByTestId("idp-partition-us-east").click();
    await expect.poll(() => attr("identity-provider", "data-partitioned")).toBe("us-east");
    await page.getByTestId("play").click();
    // The gateway learns of the partition at its next refresh, at most a minute of virtual time away.
    await expect.poll(() => attr("identity-us-east", "data-state"), { timeout: 60_000, interval: 100 }).toBe("stale");
    await page.getByTestId("pause").click();
    await page.getByTestId("play").waitFor();
    expect(await page.getByTestId("identity-us-east").textContent()).toMatch(/^JWKS \d+ s · cached ≤300 s · stale$/);
    expect(Number(await attr("identity-us-east", "data-age-ms"))).toBeGreaterThan(60_000);
    await page.screenshot({ path: join(ARTIFACTS, "08-identity-partition.png") });

    await page.getByTestId("identity-provider").click();
    await page.getByTestId("heal-u1").click();
    await page.getByTestId("play").click();
    await expect.poll(() => attr("identity-us-east", "data-state"), { timeout: 60_000, interval: 100 }).toBe("fresh");
    await page.getByTestId("pause").click();
    // Only us-east's cut is asserted healed: on a slow machine play may have run on to 150 s, where the
    // scenario's own partition of eu-west begins.
    await expect.poll(async () => (await attr("identity-provider", "data-partitioned")).split(" ")).not.toContain("us-east");
  }, 180_000);
});
