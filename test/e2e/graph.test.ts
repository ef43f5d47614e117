/**
 * The graph tells the story without the sidebar (issue 14 items 3-6): a cross-border flow in its basis's
 * colour and labelled with it, refusals counted on the callers and gateways, a gateway failing closed on identity not
 * green, aux links whose midpoint opens their own region's menu, and the audit store's and identity
 * provider's text inside their boxes at two screen sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attribute, chromiumAvailable, openApp, showWholeGraph, type AppUnderTest } from "./browser";

/** Page scripts are strings: the tests compile without DOM types. */
const MIDPOINT = `(id) => {
  const path = document.querySelector('[data-testid="rf__edge-' + id + '"] path.react-flow__edge-path');
  const p = path.getPointAtLength(path.getTotalLength() / 2);
  const m = path.getScreenCTM();
  return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
}`;

/**
 * What of a node crosses its border: a child box outside the node's (the badge sits on the top border by
 * design; the handles, on the sides, are React Flow's), or text cut without an ellipsis.
 */
const OVERFLOW = `(testId) => {
  const node = document.querySelector('[data-testid="' + testId + '"]');
  const box = node.getBoundingClientRect();
  const out = [];
  for (const el of node.querySelectorAll("*")) {
    if (el.classList.contains("react-flow__handle")) continue;
    const r = el.getBoundingClientRect();
    const onBorder = el.classList.contains("node-badge");
    if (r.left < box.left - 1 || r.right > box.right + 1 || (!onBorder && (r.top < box.top - 1 || r.bottom > box.bottom + 1))) out.push("outside: " + el.textContent);
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow !== "ellipsis") out.push("cut: " + el.textContent);
  }
  return out;
}`;

/** A computed style property of the first element matching `selector`. */
const STYLE = `(selector, property) => getComputedStyle(document.querySelector(selector))[property]`;

describe.skipIf(!chromiumAvailable)("the graph", () => {
  let app: AppUnderTest;

  beforeAll(async () => {
    app = await openApp({ viewport: { width: 1600, height: 1000 } });
  }, 120_000);
  afterAll(() => app?.close());

  const computed = async (selector: string, property: string) => String(await app.page.evaluate(`(${STYLE})(${JSON.stringify(selector)}, ${JSON.stringify(property)})`));

  const open = async (file: string, ms: number) => {
    await app.page.getByTestId(`open-${file}`).click();
    await expect.poll(() => attribute(app.page, "scenario-name", "data-file")).toBe(file);
    await app.controller.execute("runTo", { ms });
    await expect.poll(async () => Number(await attribute(app.page, "clock", "data-ms")), { timeout: 10_000 }).toBeGreaterThanOrEqual(ms);
  };

  it("draws EU callers served in the US under consent in the consent colour, labelled with the basis", async () => {
    await open("eu-outage-consent.yaml", 110_000);
    const label = app.page.locator(".react-flow__edge-text", { hasText: "cross-border · consent" });
    await expect.poll(() => label.count()).toBeGreaterThan(0);
    const stroke = await computed('[data-testid="rf__edge-link:eu-west>openai-sim@us-east"] path.react-flow__edge-path', "stroke");
    expect(stroke).toBe("rgb(218, 119, 242)");
    // The fallback colour of a link within the jurisdiction is another one.
    expect(stroke).not.toBe("rgb(116, 192, 252)");
    expect(await app.page.getByTestId("zone-EU").count()).toBe(1);
    expect(await app.page.getByTestId("zone-US").count()).toBe(1);
  });

  it("counts the EU callers' refusals on their node: those without consent are refused, not served abroad", async () => {
    // The scenario of the test before, left where it was: a second eu-outage run (reject) would cost as much time again.
    const counter = app.page.getByTestId("unanswered-eu-web");
    expect(Number(await counter.getAttribute("data-refused"))).toBeGreaterThan(20);
    expect(await counter.textContent()).toMatch(/^[\d,]+ refused/);
    expect(await app.page.getByTestId("unanswered-us-web").count()).toBe(0);
    expect(Number(await app.page.getByTestId("unanswered-gateway-eu-west").getAttribute("data-refused"))).toBeGreaterThan(0);
  });

  it("draws a gateway failing closed on identity as failed, not green", async () => {
    await open("idp-partition-fail-closed.yaml", 200_000);
    await expect.poll(() => attribute(app.page, "identity-eu-west", "data-state")).toBe("fail-closed");
    expect(await attribute(app.page, "gateway-eu-west", "data-health")).toBe("failed");
    const border = await computed('[data-testid="gateway-eu-west"]', "borderTopColor");
    expect(border).toBe("rgb(224, 49, 49)");
  });

  it("opens, at the midpoint of each audit and identity link, the menu of that link's region", async () => {
    const { page } = app;
    // The readable fit may leave links outside the canvas; the whole graph puts every midpoint in reach.
    await showWholeGraph(page);
    for (const region of ["eu-west", "eu-central", "us-east"])
      for (const [edge, title] of [
        [`e:${region}>audit`, `Audit link of ${region}`],
        [`e:${region}>idp`, `Identity link of ${region}`],
      ] as const) {
        const at = (await page.evaluate(`(${MIDPOINT})(${JSON.stringify(edge)})`)) as { x: number; y: number };
        await page.mouse.click(at.x, at.y);
        await expect.poll(() => page.locator(".fault-menu-title").textContent(), { timeout: 2_000 }).toBe(title);
        await page.locator(".fault-menu-close").click();
      }
  });

  it("keeps the audit store's and identity provider's text inside their boxes at 1600×1000, 1366×768 and 1280×720", async () => {
    const { page } = app;
    for (const viewport of [{ width: 1600, height: 1000 }, { width: 1366, height: 768 }, { width: 1280, height: 720 }]) {
      await page.setViewportSize(viewport);
      await page.locator(".react-flow__controls-fitview").click();
      for (const node of ["audit-store", "identity-provider"]) expect({ viewport, node, overflow: await page.evaluate(`(${OVERFLOW})(${JSON.stringify(node)})`) }).toEqual({ viewport, node, overflow: [] });
    }
  });
});
