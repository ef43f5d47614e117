/**
 * Bundles the Electron main process and preload:
 *   electron/main.ts    → <outDir>/main.mjs     (ESM; Electron and every runtime dependency stay external)
 *   electron/preload.ts → <outDir>/preload.cjs  (CommonJS: a sandboxed preload can only `require("electron")`)
 *
 * Usage: node scripts/build-electron.mjs [outDir]   (default dist/electron)
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Builds both bundles into `outDir` (absolute, or relative to the working directory). Returns their paths. */
export async function buildElectron(outDir = join(root, "dist", "electron")) {
  const { dependencies = {} } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const main = join(resolve(outDir), "main.mjs");
  const preload = join(resolve(outDir), "preload.cjs");
  const common = { bundle: true, platform: "node", target: "node20", sourcemap: "linked", logLevel: "warning", absWorkingDir: root };
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(root, "electron", "main.ts")],
      outfile: main,
      format: "esm",
      // Loaded from node_modules at run time; better-sqlite3 must be, since its addon is loaded by path.
      external: [...new Set(["electron", "better-sqlite3", ...Object.keys(dependencies)])],
    }),
    build({
      ...common,
      entryPoints: [join(root, "electron", "preload.ts")],
      outfile: preload,
      format: "cjs",
      external: ["electron"],
    }),
  ]);
  return { main, preload };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { main, preload } = await buildElectron(process.argv[2]);
  console.log(`Electron bundles built: ${main}, ${preload}`);
}
