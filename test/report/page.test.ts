/**
 * The report page's bundle as the engine reads it: what it says when the bundle was never built, and that it
 * refuses a bundle that would end the element it is inlined into.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { REPORT_PAGE_FILES, useReportPageBuild } from "../../engine";
import { reportPageAssets } from "../../engine/report/page";
import { REPORT_PAGE_DIR } from "../../host/build";

const elsewhere = mkdtempSync(join(tmpdir(), "failover-lab-report-page-"));
const dirUrl = (dir: string) => pathToFileURL(`${dir}/`);

afterEach(() => useReportPageBuild(dirUrl(REPORT_PAGE_DIR)));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe("reportPageAssets", () => {
  it("reads the bundle host/build.ts writes, uPlot's notice included", () => {
    const { script, style } = reportPageAssets();
    expect(script).toBe(readFileSync(join(REPORT_PAGE_DIR, REPORT_PAGE_FILES.script), "utf8"));
    expect(script).toContain("https://github.com/leeoniya/uPlot (v1.6.32)");
    expect(style).toContain(".uplot");
    expect(style).toContain(".chart-grid");
  });

  it("says how to build the bundle when it is not there", () => {
    useReportPageBuild(dirUrl(join(elsewhere, "never-built")));
    expect(() => reportPageAssets()).toThrow(/not built .*never-built.*npm run build/);
  });

  it("refuses a script that would close its script element", () => {
    writeFileSync(join(elsewhere, REPORT_PAGE_FILES.script), 'console.log("</script>")');
    writeFileSync(join(elsewhere, REPORT_PAGE_FILES.style), "body {}");
    useReportPageBuild(dirUrl(elsewhere));
    expect(() => reportPageAssets()).toThrow(/would close the element/);
  });
});
