/**
 * The report page's script and stylesheet: report-page/ (the charts, uPlot and its CSS included) bundled by
 * `host/build.ts` into `dist/report-page/` — by `npm install`, `npm run build`, and whenever a host that
 * writes reports finds the bundle older than its sources. `renderHtmlReport` inlines both, so the page needs
 * no network.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The bundle's files, in the directory {@link useReportPageBuild} names. */
export const REPORT_PAGE_FILES = { script: "report.js", style: "report.css" } as const;

/** From the source tree: the project's dist/report-page. */
let buildDir = new URL("../../dist/report-page/", import.meta.url);

/**
 * Where the bundle is, for a build of the engine that is not run from the source tree (Electron's main
 * process): a directory URL, ending in `/`.
 */
export function useReportPageBuild(dir: URL): void {
  buildDir = dir;
}

/**
 * The bundle's script and stylesheet, read afresh so a rebuild shows in the next report. Throws when it was
 * never built, saying how to build it, or when either could close the element it is inlined into.
 */
export function reportPageAssets(): { readonly script: string; readonly style: string } {
  const read = (file: string) => {
    const path = fileURLToPath(new URL(file, buildDir));
    try {
      return readFileSync(path, "utf8");
    } catch (cause) {
      throw new Error(`the HTML report's page script is not built (${path}); build it with \`npm run build\``, { cause });
    }
  };
  const script = read(REPORT_PAGE_FILES.script);
  const style = read(REPORT_PAGE_FILES.style);
  if (/<\/script/i.test(script) || /<\/style/i.test(style)) throw new Error(`the report page's bundle in ${fileURLToPath(buildDir)} would close the element it is inlined into`);
  return { script, style };
}
