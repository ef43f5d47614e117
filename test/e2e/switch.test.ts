/**
 * Opening another scenario in the app (issue 14 items 1 and 9): the canvas fits the new graph whatever the
 * previous zoom was, its zoom and fit buttons are visible on the dark theme, and the audit inspector drops
 * the previous run's entries at once rather than when the new run first writes.
 */
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attribute, chromiumAvailable, openApp, type AppUnderTest } from "./browser";

/** Screenshots after a switch, for a person to look at; outside the repository, never committed. */
const SHOTS = process.env.SWITCH_SHOTS_DIR;

/** WCAG contrast ratio of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, b] = colour.match(/[\d.]+/g)!.slice(0, 3).map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe.skipIf(!chromiumAvailable)("switching scenarios in the app", () => {
  let app: AppUnderTest;

  beforeAll(async () => {
    app = await openApp();
    // The fit never zooms out below readable text (item 2): with the sidebar and the dock collapsed, these
    // graphs fit whole at 1600×1000, so "fitted" can be checked as "every node in view".
    await app.page.getByTestId("toggle-sidebar").click();
    await app.page.getByTestId("toggle-dock").click();
  }, 120_000);
  afterAll(() => app?.close());

  const open = async (file: string) => {
    // Opened as the library's entry would open it, the library being collapsed.
    await app.controller.execute("loadScenario", { source: "library", name: file });
    await expect.poll(() => attribute(app.page, "scenario-name", "data-file")).toBe(file);
  };

  /** The ids of the nodes not wholly inside the canvas. */
  const nodesOutsideCanvas = async () => {
    const canvas = (await app.page.locator(".react-flow").boundingBox())!;
    const outside: string[] = [];
    for (const node of await app.page.locator(".react-flow__node").all()) {
      const box = (await node.boundingBox())!;
      if (box.x < canvas.x || box.y < canvas.y || box.x + box.width > canvas.x + canvas.width || box.y + box.height > canvas.y + canvas.height) outside.push((await node.getAttribute("data-id")) ?? "");
    }
    return outside;
  };

  it("fits the graph of a scenario opened after another one was zoomed and panned away", async () => {
    const { page } = app;
    await open("active-passive.yaml");
    await page.getByTestId("gateway-eu-west").waitFor();
    await expect.poll(nodesOutsideCanvas).toEqual([]);
    // Zoom in well past the graph and drag it aside, as a trainer looking at one node does.
    for (let i = 0; i < 4; i++) await page.locator(".react-flow__controls-zoomin").click();
    const pane = (await page.locator(".react-flow__pane").boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    await page.mouse.down();
    await page.mouse.move(pane.x + pane.width / 2 - 300, pane.y + pane.height / 2 - 200, { steps: 5 });
    await page.mouse.up();
    expect((await nodesOutsideCanvas()).length).toBeGreaterThan(0);

    await open("eu-region-outage.yaml");
    await page.getByTestId("gateway-eu-central").waitFor();
    const nodes = await page.locator(".react-flow__node").count();
    expect(nodes).toBeGreaterThan(6);
    await expect.poll(nodesOutsideCanvas, { timeout: 5_000 }).toEqual([]);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/switch-1600x1000.png` });
      await page.setViewportSize({ width: 1280, height: 720 });
      await open("active-passive.yaml");
      await expect.poll(nodesOutsideCanvas, { timeout: 5_000 }).toEqual([]);
      await open("eu-region-outage.yaml");
      await expect.poll(nodesOutsideCanvas, { timeout: 5_000 }).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/switch-1280x720.png` });
      await page.setViewportSize({ width: 1600, height: 1000 });
    }
  });

  it("draws the zoom and fit buttons visibly on the dark canvas", async () => {
    // Run in the page, as text: the tests compile without the DOM's types.
    const colours = (await app.page.evaluate(`(() => {
      const button = document.querySelector(".react-flow__controls-fitview");
      // The canvas is transparent down to the first ancestor that paints a background.
      let painted = document.querySelector(".react-flow");
      while (painted.parentElement && getComputedStyle(painted).backgroundColor === "rgba(0, 0, 0, 0)") painted = painted.parentElement;
      return {
        canvas: getComputedStyle(painted).backgroundColor,
        button: getComputedStyle(button).backgroundColor,
        icon: getComputedStyle(button.querySelector("svg")).fill,
      };
    })()`)) as { canvas: string; button: string; icon: string };
    expect(colours.button).not.toBe(colours.canvas);
    expect(contrast(colours.icon, colours.button)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colours.icon, colours.canvas)).toBeGreaterThanOrEqual(4.5);
  });

  it("shows none of the previous run's audit entries once another scenario is opened", async () => {
    const { page } = app;
    // A row's text starts with its sequence number and virtual time and ends with its summary.
    const rowsShown = () => page.locator('[data-testid="audit-row"]').allTextContents();
    await open("eu-region-outage.yaml");
    await page.getByTestId("tab-audit").click();
    // A few events into the run: its requests still sit in the regional buffers, so the log, like the new
    // run's will, holds one entry — a count that does not drop on the switch.
    for (let i = 0; i < 3; i++) await page.getByTestId("step").click();
    await expect.poll(rowsShown).toHaveLength(1);
    const before = await rowsShown();
    expect(before[0]).toContain("EU-West provider outage");

    await open("active-passive.yaml");
    // The new run writes nothing until played: the inspector shows its first entry, or nothing, at once.
    await expect.poll(rowsShown, { timeout: 1_000, interval: 50 }).not.toEqual(before);
    await page.waitForTimeout(600);
    expect((await rowsShown()).filter((row) => before.includes(row))).toEqual([]);
  });
});
