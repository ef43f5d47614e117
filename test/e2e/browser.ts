/**
 * Shared set-up of the end-to-end tests: the UI built once, the engine host started in-process exactly as
 * `npm start` starts it in browser mode, and Debian's Chromium driven by playwright-core.
 *
 * Without Chromium the browser tests cannot run. Outside CI they are skipped with a loud notice; under
 * CI=true a missing browser fails the run, never passes it silently.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { LabController, type LabControllerOptions } from "../../engine/lab/controller";
import { startBrowserHost, type BrowserHost } from "../../host/browserHost";
import { ensureRendererBuilt, RENDERER_DIR } from "../../host/build";
import { CHROMIUM_PATH, launchChromium } from "../../host/chromium";
import { startOpenAiServer, type OpenAiServer } from "../../host/openaiServer";
import { expect } from "vitest";
import { toolAvailable } from "../missingTool";
import { scenarioFolder } from "../../host/scenarioLibrary";

export const chromiumAvailable = toolAvailable(
  existsSync(CHROMIUM_PATH),
  `Chromium not found at ${CHROMIUM_PATH}`,
  "the browser (end-to-end) tests",
  "Install it with `apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH.",
);
export const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts");

export interface AppUnderTest {
  readonly host: BrowserHost;
  /** The gateways' OpenAI endpoint, on a free port. */
  readonly api: OpenAiServer;
  readonly controller: LabController;
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

/** An attribute of the element with this test id, "" when it has none. */
export async function attribute(page: Page, testId: string, name: string): Promise<string> {
  return (await page.getByTestId(testId).getAttribute(name)) ?? "";
}

/**
 * Runs in the page (a string: the tests compile without the DOM's types). The smallest rendered size of any
 * text in the graph's nodes, CSS px: its computed font size times the scale of the canvas's viewport.
 */
const SMALLEST_NODE_TEXT = `(() => {
  const viewport = document.querySelector(".react-flow__viewport");
  const scale = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
  let smallest = Infinity;
  for (const element of document.querySelectorAll(".react-flow__node, .react-flow__node *")) {
    if ([...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
      smallest = Math.min(smallest, parseFloat(getComputedStyle(element).fontSize) * scale);
  }
  return smallest;
})()`;

/** The smallest text drawn in the graph's nodes, as rendered (font size × zoom), CSS px. */
export function smallestNodeText(page: Page): Promise<number> {
  return page.evaluate(SMALLEST_NODE_TEXT) as Promise<number>;
}

/** The virtual time the page's clock shows, ms. */
export async function clockOf(page: Page): Promise<number> {
  return Number(await attribute(page, "clock", "data-ms"));
}

/** Plays at 100× until the page's clock reaches `ms`, then pauses, returning once the page shows it paused. */
export async function playAt100Until(page: Page, ms: number, timeout: number): Promise<void> {
  await page.getByTestId("speed").selectOption("100");
  await page.getByTestId("play").click();
  await expect.poll(() => clockOf(page), { timeout, interval: 100 }).toBeGreaterThanOrEqual(ms);
  await page.getByTestId("pause").click();
  await page.getByTestId("play").waitFor();
}

/**
 * Zooms the canvas out to the whole graph with its fit button, as a user does to reach a node that the
 * readable fit (text never under the text-size setting) leaves outside the canvas. Until the next layout or
 * canvas resize, which fit it again.
 */
export async function showWholeGraph(page: Page): Promise<void> {
  // A layout still settling (nodes measured after a run's counters grow) fits the readable view again after
  // the click; on a loaded machine that lands after it, so click until every node sits on a still canvas.
  await expect
    .poll(
      async () => {
        await page.locator(".react-flow__controls-fitview").click();
        const viewport = page.locator(".react-flow__viewport");
        const before = await viewport.getAttribute("style");
        await page.waitForTimeout(150);
        return before === (await viewport.getAttribute("style")) && (await page.evaluate(WHOLE_GRAPH_VISIBLE));
      },
      { timeout: 10_000, interval: 250 },
    )
    .toBe(true);
}

/** Whether every node lies inside the canvas. A page script is a string: the tests compile without DOM types. */
const WHOLE_GRAPH_VISIBLE = `(() => {
  const pane = document.querySelector(".react-flow").getBoundingClientRect();
  return [...document.querySelectorAll(".react-flow__node")].every((node) => {
    const box = node.getBoundingClientRect();
    return box.left >= pane.left && box.right <= pane.right && box.top >= pane.top && box.bottom <= pane.bottom;
  });
})()`;

export async function openApp(
  options: { scenario?: string; viewport?: { width: number; height: number }; evidence?: LabControllerOptions["evidence"] } = {},
): Promise<AppUnderTest> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureRendererBuilt(() => undefined);
  const controller = new LabController({
    scenarios: scenarioFolder(join(import.meta.dirname, "..", "..", "scenarios")),
    lessons: scenarioFolder(join(import.meta.dirname, "..", "..", "lessons")),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...(options.evidence ? { evidence: options.evidence } : {}),
  });
  if (options.scenario) await controller.execute("loadScenario", { source: "library", name: options.scenario });
  const host = await startBrowserHost({ backend: controller, rendererDir: RENDERER_DIR, ...(options.evidence ? { evidenceFolder: options.evidence.folder } : {}) });
  const api = await startOpenAiServer({ backend: controller.gatewayApi, port: 0 });
  controller.serveGatewayApiAt(api.origin);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1600, height: 1000 }, acceptDownloads: true });
  const consoleErrors: string[] = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(host.url);
  return {
    host,
    api,
    controller,
    browser,
    page,
    close: async () => {
      await browser.close();
      await host.close();
      await controller.close();
      await api.close();
      if (consoleErrors.length > 0) throw new Error(`the page logged errors:\n${consoleErrors.join("\n")}`);
    },
  };
}
