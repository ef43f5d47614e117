/**
 * Prints a drill's HTML report to PDF in headless Chromium. It lives here, not in engine/, because the
 * engine never starts a browser.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launchChromium } from "./chromium";

/** How long the page may take to draw its charts, ms; a few hundred ms is usual. */
const READY_TIMEOUT_MS = 30_000;

/**
 * Prints the report at `htmlPath` (from `renderHtmlReport`) to an A4 PDF at `pdfPath`, once its charts have
 * drawn. Throws when Chromium is missing (saying how to install it) or when the page never gets ready.
 */
export async function printPdf(htmlPath: string, pdfPath: string, options: { executablePath?: string } = {}): Promise<void> {
  const browser = await launchChromium(options.executablePath);
  try {
    // The charts are canvases, printed as bitmaps at the device scale: twice the pixels keeps them sharp.
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(resolve(htmlPath)).href);
    try {
      await page.waitForFunction("document.body.dataset.ready === '1'", undefined, { timeout: READY_TIMEOUT_MS });
    } catch (cause) {
      const why = pageErrors.length > 0 ? `; the page reported: ${pageErrors.join("; ")}` : "";
      throw new Error(`${htmlPath}: the report's charts did not finish drawing within ${READY_TIMEOUT_MS / 1000} s${why}`, { cause });
    }
    await page.pdf({ path: pdfPath, format: "A4", printBackground: true });
  } finally {
    await browser.close();
  }
}
