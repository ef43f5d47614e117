/**
 * The HTML report of a short drill, printed to PDF in Debian's Chromium, its first page rendered to PNG
 * with poppler's pdftoppm, and the page itself shown at 1280 px; the images land in test-artifacts/.
 *
 * Without Chromium or pdftoppm the tests that need them are skipped with a loud notice outside CI, and
 * fail under CI=true.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printPdf } from "../../host/pdf";
import { loadScenarioFile, renderHtmlReport, runDrill } from "../../engine";
import { CHROMIUM_PATH, launchChromium } from "../../host/chromium";
import { toolAvailable } from "../missingTool";

const SCENARIO = join(import.meta.dirname, "..", "fixtures", "short-drill.yaml");
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts");
const STAMP = { writtenAt: "2026-12-05T11:08:31.123Z", keyId: "0123456789abcdef", fingerprint: "f".repeat(64), fingerprintOf: "SHA-256 of the test" };

const chromiumAvailable = toolAvailable(
  existsSync(CHROMIUM_PATH),
  `Chromium not found at ${CHROMIUM_PATH}`,
  "the PDF report tests",
  "Install it with `apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH.",
);
const pdftoppmAvailable = toolAvailable(
  spawnSync("pdftoppm", ["-v"]).error === undefined,
  "pdftoppm not found",
  "the tests that render the PDF's pages",
  "Install it with `apt-get install -y poppler-utils`.",
);

/** Width and height from a PNG's IHDR chunk, which always comes first. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("printPdf", () => {
  it("says how to install Chromium when there is none", async () => {
    await expect(printPdf("report.html", "report.pdf", { executablePath: "/nonexistent/chromium" })).rejects.toThrow(/Chromium not found at \/nonexistent\/chromium.*apt-get install -y chromium/);
  });
});

describe.skipIf(!chromiumAvailable)("the report printed to PDF", () => {
  let dir: string;
  let htmlPath: string;
  let pdfPath: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "failover-lab-pdf-"));
    htmlPath = join(dir, "report.html");
    pdfPath = join(dir, "report.pdf");
    const report = await runDrill(loadScenarioFile(SCENARIO), {});
    writeFileSync(htmlPath, renderHtmlReport(report, { scenarioFile: readFileSync(SCENARIO, "utf8"), generatedBy: "pdf.test", evidence: STAMP }));
    await printPdf(htmlPath, pdfPath);
  }, 120_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("prints A4 pages", () => {
    const pdf = readFileSync(pdfPath);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const text = pdf.toString("latin1");
    expect(text.match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    // A4 is 595 × 842 points.
    const [, width, height] = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text)!;
    expect(Number(width)).toBeCloseTo(595, -1);
    expect(Number(height)).toBeCloseTo(842, -1);
  });

  it.skipIf(!pdftoppmAvailable)("renders the first page to test-artifacts/report-page1.png", () => {
    const out = join(ARTIFACTS, "report-page1");
    const result = spawnSync("pdftoppm", ["-f", "1", "-l", "1", "-r", "110", "-png", "-singlefile", pdfPath, out], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const png = readFileSync(`${out}.png`);
    const { width, height } = pngSize(png);
    // A4 at 110 dpi is about 910 × 1286 px; a blank page would compress to a few kB.
    expect(width).toBeGreaterThan(850);
    expect(height / width).toBeCloseTo(Math.SQRT2, 1);
    expect(statSync(`${out}.png`).size).toBeGreaterThan(50_000);
  });

  it.skipIf(!pdftoppmAvailable)("prints the drill's date, the signing key and the fingerprint on every page, to test-artifacts/report-page2.png", () => {
    const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync("pdfinfo", [pdfPath], { encoding: "utf8" }).stdout)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let page = 1; page <= pages; page++) {
      const text = spawnSync("pdftotext", ["-f", String(page), "-l", String(page), "-layout", pdfPath, "-"], { encoding: "utf8" }).stdout.replace(/\s+/g, " ");
      expect(text, `page ${page}`).toContain("Drill of 2026-12-05 11:08:31 UTC · signed by key 0123456789abcdef · fingerprint");
      expect(text.replace(/ /g, ""), `page ${page}`).toContain("f".repeat(64));
    }
    const out = join(ARTIFACTS, "report-page2");
    expect(spawnSync("pdftoppm", ["-f", "2", "-l", "2", "-r", "110", "-png", "-singlefile", pdfPath, out]).status).toBe(0);
  });

  it("draws the charts in a 1280 px window without fetching anything, to test-artifacts/report-html.png", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const pageErrors: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      page.on("pageerror", (error) => pageErrors.push(error.message));
      const url = pathToFileURL(htmlPath).href;
      await page.goto(url);
      await page.waitForFunction("document.body.dataset.ready === '1'");
      expect(await page.locator("canvas").count()).toBe(3);
      await page.screenshot({ path: join(ARTIFACTS, "report-html.png"), fullPage: true });
      expect(pageErrors).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await browser.close();
    }
  });
});
