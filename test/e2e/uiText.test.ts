/**
 * The words the app shows and how they fit: state badges in words rather than the machines' camelCase ids,
 * the drill panel's table inside the 300 px sidebar without a word or a figure split across lines, and the
 * scenario's name using the top bar's free width. At a projector's 1280×720 and at 1600×1000, on one page.
 * Screenshots land in test-artifacts/.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, chromiumAvailable, openApp, type AppUnderTest } from "./browser";

/** Long fault kinds (idp-partition, token-revocation) and a three-digit RTO: the widest drill table shipped. */
const SCENARIO = "idp-partition-fail-closed.yaml";
const VIEWPORTS = [
  { width: 1280, height: 720 },
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

  it("gives the scenario's name the top bar's free width, and the whole name in its tooltip", async () => {
    const { page } = app;
    await page.setViewportSize(VIEWPORTS[1]);
    const name = page.getByTestId("scenario-name");
    const full = (await app.controller.execute("getSnapshot", {})).scenario!.name;
    expect(await name.getAttribute("title")).toContain(full);
    // At 1600 px the bar has room for far more than the 28 characters it used to stop at.
    const { shown, needed } = (await page.evaluate(`(() => { const name = document.querySelector('[data-testid="scenario-name"]'); return { shown: name.clientWidth, needed: name.scrollWidth }; })()`)) as { shown: number; needed: number };
    expect(shown).toBeGreaterThanOrEqual(Math.min(needed, 480));
  });
});
