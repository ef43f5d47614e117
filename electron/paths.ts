/**
 * Where the desktop app finds its files, from the project root. Pure, so a test can check that the
 * scripts that produce these files write them where the main process looks.
 */
import { join } from "node:path";

export interface AppPaths {
  /** Vite's output; the only directory the window may load from. */
  readonly rendererDir: string;
  readonly indexHtml: string;
  /** The sandboxed preload, bundled to CommonJS by `scripts/build-electron.mjs`. */
  readonly preload: string;
  /** The audit writer thread's code, bundled by `scripts/build-electron.mjs`. */
  readonly auditWriter: string;
  /** The HTML report's page bundle, built by `host/build.ts` (the install, `npm run build`, `npm start`). */
  readonly reportPage: string;
  readonly scenarios: string;
  /** The shipped lessons, which name scenarios of `scenarios`. */
  readonly lessons: string;
  /** better-sqlite3 rebuilt for Electron's ABI by `scripts/electron-native.mjs`, outside node_modules. */
  readonly nativeBinding: string;
}

export function appPaths(root: string): AppPaths {
  const rendererDir = join(root, "dist", "renderer");
  return {
    rendererDir,
    indexHtml: join(rendererDir, "index.html"),
    preload: join(root, "dist", "electron", "preload.cjs"),
    auditWriter: join(root, "dist", "electron", "audit-writer.mjs"),
    reportPage: join(root, "dist", "report-page"),
    scenarios: join(root, "scenarios"),
    lessons: join(root, "lessons"),
    nativeBinding: join(root, ".electron-native", "better-sqlite3", "build", "Release", "better_sqlite3.node"),
  };
}
