/**
 * Bundles the Electron main process and preload:
 *   electron/main.ts    → <outDir>/main.mjs     (ESM; Electron and every runtime dependency stay external)
 *   electron/preload.ts → <outDir>/preload.cjs  (CommonJS: a sandboxed preload can only `require("electron")`)
 *   engine/audit/writerThread.ts → <outDir>/audit-writer.mjs (the audit writer thread, loaded by path
 *                                   by a copy of engine/audit/writerBoot.mjs, which the bundle looks for beside itself)
 *
 * Usage: node scripts/build-electron.mjs [outDir]   (default dist/electron)
 */
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Builds both bundles into `outDir` (absolute, or relative to the working directory). Returns their paths. */
export async function buildElectron(outDir = join(root, "dist", "electron")) {
  const { dependencies = {} } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const main = join(resolve(outDir), "main.mjs");
  const preload = join(resolve(outDir), "preload.cjs");
  const auditWriter = join(resolve(outDir), "audit-writer.mjs");
  const common = { bundle: true, platform: "node", target: "node20", sourcemap: "linked", logLevel: "warning", absWorkingDir: root };
  // Loaded from node_modules at run time; better-sqlite3 must be, since its addon is loaded by path.
  const external = [...new Set(["electron", "better-sqlite3", ...Object.keys(dependencies)])];
  mkdirSync(resolve(outDir), { recursive: true });
  copyFileSync(join(root, "engine", "audit", "writerBoot.mjs"), join(resolve(outDir), "writerBoot.mjs"));
  await Promise.all([
    build({ ...common, entryPoints: [join(root, "electron", "main.ts")], outfile: main, format: "esm", external }),
    build({ ...common, entryPoints: [join(root, "engine", "audit", "writerThread.ts")], outfile: auditWriter, format: "esm", external }),
    build({
      ...common,
      entryPoints: [join(root, "electron", "preload.ts")],
      outfile: preload,
      format: "cjs",
      external: ["electron"],
    }),
  ]);
  return { main, preload, auditWriter };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { main, preload, auditWriter } = await buildElectron(process.argv[2]);
  console.log(`Electron bundles built: ${main}, ${preload}, ${auditWriter}`);
}
