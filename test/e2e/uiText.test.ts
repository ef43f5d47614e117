/**
 * The words the app shows and how they fit: state badges in words rather than the machines' camelCase ids,
 * the drill panel's table inside the 300 px sidebar without a word or a figure split across lines, and the
 * scenario's name using the top bar's free width; the drill's answers at the sidebar's top, its file button
 * inside it; state changes in the timeline and the audit inspector in words. At a projector's 1280×720 and at
 * 1600×1000, on one page. Screenshots land in test-artifacts/.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, chromiumAvailable, openApp, type AppUnderTest } from "./browser";

/** Long fault kinds (idp-partition, token-revocation) and a three-digit RTO: the widest drill table shipped. */
const SCENARIO = "idp-partition-fail-closed.yaml";
const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1366, height: 768 },
  { width: 1600, height: 1000 },
] as const;

/**
 * What of the drill panel is split across lines or spills out of its cell: a header or figure cell on more
 * than one line (`150.0` over `s`), a word on more than one (`idp-` over `partition`), a cell wider than its box,
 * the table wider than the panel (the sidebar then scrolls sideways); and a region's name split in the audit answer.
 */
function splitsInDrillPanel(page: Page): Promise<string[]> {
  return page.evaluate(SPLITS_IN_TABLE) as Promise<string[]>;
}

/** Runs in the page. A string, as the tests compile without the DOM's types (tsconfig.json's lib). */
const SPLITS_IN_TABLE = `(() => {
  const table = document.querySelector('[data-testid="drill-panel"] table');
  const lines = (range) => new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  const panel = table.closest("section");
  const width = table.getBoundingClientRect().width;
  const found = width > panel.clientWidth ? ["table " + width + " px wide in " + panel.clientWidth + " px"] : [];
  [...table.querySelectorAll("th, td"), document.querySelector('[data-testid="audit-answer"]')].forEach((cell, i) => {
    if (cell.scrollWidth > cell.clientWidth) found.push("overflows: " + cell.textContent);
    const whole = document.createRange();
    whole.selectNodeContents(cell);
    if (cell.matches("th, td:not(:first-child)") && lines(whole) > 1) found.push("cell " + i + " on " + lines(whole) + " lines: " + cell.textContent);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      for (const word of text.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(text, word.index);
        range.setEnd(text, word.index + word[0].length);
        if (lines(range) > 1) found.push("word split: " + word[0]);
      }
    }
  });
  return found;
})()`;

/** A camelCase word, as the machines' state ids are (`allServing`, `halfOpen`); no text a person reads has one. */
const CAMEL_CASE = /\b[a-z]+[A-Z][A-Za-z]*\b/;

/** Runs in the page: where the drill panel, its last answer and the file button sit, and whether the sidebar spills sideways. */
const SIDEBAR_LAYOUT = `(() => {
  const sidebar = document.querySelector(".sidebar");
  sidebar.scrollTop = 0;
  const box = (selector) => { const r = document.querySelector(selector).getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
  return {
    viewport: { width: innerWidth, height: innerHeight },
    sidebar: box(".sidebar"),
    spills: sidebar.scrollWidth > sidebar.clientWidth,
    panel: box('[data-testid="drill-panel"]'),
    lastAnswer: box('[data-testid="audit-answer"]'),
    button: box('[data-testid="open-file-button"]'),
  };
})()`;

interface Box {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

describe.skipIf(!chromiumAvailable)("the app's text", () => {
  let app: AppUnderTest;
  const shot = (name: string) => app.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

  beforeAll(async () => {
    app = await openApp({ scenario: SCENARIO, viewport: VIEWPORTS[0] });
    // Past both faults, so the drill table has its rows and an RTO.
    await app.controller.execute("runTo", { ms: 300_000 });
    await app.page.getByTestId("detection").nth(1).waitFor();
  }, 120_000);
  afterAll(() => app?.close());

  it("shows every state badge in words, never a camelCase state id", async () => {
    const badges = await app.page.locator(".node-badge").allTextContents();
    expect(badges).toContain("all serving");
    expect(badges.filter((text) => /[a-z][A-Z]/.test(text))).toEqual([]);
  });

  for (const viewport of VIEWPORTS) {
    it(`keeps the drill panel's words and figures whole in the sidebar at ${viewport.width}×${viewport.height}`, async () => {
      const { page } = app;
      await page.setViewportSize(viewport);
      await shot(`ui-text-${viewport.width}`);
      await page.getByTestId("drill-panel").locator("table").scrollIntoViewIfNeeded();
      await shot(`ui-text-${viewport.width}-drill`);
      expect(await page.getByTestId("detection").count()).toBe(2);
      expect(await splitsInDrillPanel(page)).toEqual([]);
    });
  }

  for (const viewport of VIEWPORTS) {
    it(`shows the drill's four answers without scrolling, and the file button inside the sidebar, at ${viewport.width}×${viewport.height}`, async () => {
      const { page } = app;
      await page.setViewportSize(viewport);
      const layout = (await page.evaluate(SIDEBAR_LAYOUT)) as { viewport: { height: number }; sidebar: Box; spills: boolean; panel: Box; lastAnswer: Box; button: Box };
      // The answers come first: the fourth one's line is on screen, not under the 21-item library.
      expect(layout.panel.top).toBeLessThan(layout.sidebar.top + 20);
      expect(layout.lastAnswer.bottom).toBeLessThanOrEqual(Math.min(layout.viewport.height, layout.sidebar.bottom));
      expect(layout.button.left).toBeGreaterThanOrEqual(layout.sidebar.left);
      expect(layout.button.right).toBeLessThanOrEqual(layout.sidebar.right);
      expect(layout.spills).toBe(false);
      expect(await page.getByTestId("open-file-button").textContent()).toBe("Open from disk…");
      expect(await page.getByTestId("open-file").isVisible()).toBe(false);
    });
  }

  it("gives the scenario's name the top bar's free width, and the whole name in its tooltip", async () => {
    const { page } = app;
    await page.setViewportSize(VIEWPORTS[2]);
    const name = page.getByTestId("scenario-name");
    const full = (await app.controller.execute("getSnapshot", {})).scenario!.name;
    expect(await name.getAttribute("title")).toContain(full);
    // At 1600 px the bar has room for far more than the 28 characters it used to stop at.
    const { shown, needed } = (await page.evaluate(`(() => { const name = document.querySelector('[data-testid="scenario-name"]'); return { shown: name.clientWidth, needed: name.scrollWidth }; })()`)) as { shown: number; needed: number };
    expect(shown).toBeGreaterThanOrEqual(Math.min(needed, 480));
  });

  it("words every state change in the timeline and the audit inspector, never a camelCase state id", async () => {
    const { page, controller } = app;
    await page.setViewportSize(VIEWPORTS[0]);
    // A gateway taken down moves the director from allServing to regionsWithdrawn (last: it adds a fault to the drill table).
    await controller.execute("injectFault", { fault: { kind: "gateway-down", region: "eu-west" } });
    const { nowMs } = await controller.execute("getSnapshot", {});
    await controller.execute("runTo", { ms: nowMs + 60_000 });
    const { timeline } = await controller.execute("getSnapshot", {});
    expect(timeline.filter((item) => item.transition?.machine === "director").map((item) => item.transition!.to)).toContain("regionsWithdrawn");

    await page.getByTestId("tab-timeline").click();
    await page.getByTestId("timeline").getByText("all serving → regions withdrawn").first().waitFor();
    const items = await page.getByTestId("timeline").locator("li").allTextContents();
    expect(items.filter((text) => CAMEL_CASE.test(text))).toEqual([]);
    await shot("ui-text-timeline");

    await page.getByTestId("tab-audit").click();
    await page.getByTestId("audit-filter-kind").selectOption("transition");
    await page.getByTestId("audit-row").filter({ hasText: "regions withdrawn" }).first().waitFor();
    const rows = await page.getByTestId("audit-row").allTextContents();
    expect(rows.filter((text) => CAMEL_CASE.test(text))).toEqual([]);
    await page.getByTestId("audit-row").filter({ hasText: "regions withdrawn" }).first().click();
    expect(await page.getByTestId("audit-detail").locator("dd").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("all serving → regions withdrawn")]));
    await shot("ui-text-audit");
  });
});
