/**
 * The builds a host needs before it starts, shared by `npm start`, `npm run drill`, `npm run build`, the
 * install and the tests: the UI (Vite) and the HTML report's page script (esbuild). Each is rebuilt only
 * when a source is newer than its output, so a start after the first costs nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPORT_PAGE_FILES } from "../engine";

const root = join(import.meta.dirname, "..");
const run = promisify(execFile);
export const RENDERER_DIR = join(root, "dist", "renderer");
/** Where the engine reads the report page from when run from the source tree (engine/report/page.ts). */
export const REPORT_PAGE_DIR = join(root, "dist", "report-page");

/** Newest modification time under the given paths, relative to the project. */
function newestSource(paths: readonly string[]): number {
  const walk = (path: string): number => (statSync(path).isDirectory() ? Math.max(0, ...readdirSync(path).map((name) => walk(join(path, name)))) : statSync(path).mtimeMs);
  return Math.max(...paths.map((path) => walk(join(root, path))));
}

/** Whether every output exists and is at least as new as the newest source. */
const upToDate = (outputs: readonly string[], sources: readonly string[]) => {
  const newest = newestSource(sources);
  return outputs.every((output) => existsSync(output) && statSync(output).mtimeMs >= newest);
};

/**
 * The UI's sources: the renderer and the one engine module it compiles in. The contract imports the rest of
 * the engine for types only (test/architecture.test.ts), which leave nothing in the bundle.
 */
const RENDERER_SOURCES = ["renderer", "engine/lab/contract.ts", "vite.config.ts"];

/**
 * Builds in a child process with NODE_ENV=production: Vite takes the build's React flavour from the
 * process's NODE_ENV, which vitest sets to "test", and the bundle a test run leaves in dist/ is the one
 * `npm start` then serves.
 */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<void> {
  if (upToDate([join(RENDERER_DIR, "index.html")], RENDERER_SOURCES)) return;
  log("Building the UI (vite build)…");
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  const { stderr } = await run(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: root, env: { ...process.env, NODE_ENV: "production" } }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`vite build failed: ${error.stderr?.trim() || error.message}`);
  });
  if (stderr.trim()) log(stderr.trim());
}

/** The report page's sources: its entry and stylesheet, the chart code it shares with the app, uPlot, this build. */
const REPORT_PAGE_SOURCES = ["report-page", "renderer/charts", "engine/report/pageData.ts", "node_modules/uplot/package.json", "host/build.ts"];
const reportPageOutputs = () => Object.values(REPORT_PAGE_FILES).map((file) => join(REPORT_PAGE_DIR, file));

/**
 * Bundles report-page/main.ts with uPlot into one script, and the stylesheets it imports (uPlot's, then the
 * report's) into one, both minified, into {@link REPORT_PAGE_DIR}.
 */
export async function buildReportPage(): Promise<void> {
  const { build } = await import("esbuild");
  // esbuild keeps only /*! and @license comments; uPlot's notice is a plain /** comment, and MIT wants it kept.
  const uplotNotice = (/^\/\*\*[\s\S]*?\*\//.exec(readFileSync(join(root, "node_modules", "uplot", "dist", "uPlot.esm.js"), "utf8"))?.[0] ?? "").replace(/^\/\*\*/, "/*!");
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, "report-page", "main.ts")],
    outfile: join(REPORT_PAGE_DIR, REPORT_PAGE_FILES.script),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "inline",
    banner: { js: uplotNotice },
    logLevel: "warning",
  });
}

export async function ensureReportPageBuilt(log: (line: string) => void): Promise<void> {
  if (upToDate(reportPageOutputs(), REPORT_PAGE_SOURCES)) return;
  log("Building the HTML report's page script (esbuild)…");
  await buildReportPage();
}
