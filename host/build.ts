/**
 * The UI's build, shared by `npm start` and the end-to-end tests: rebuilt with Vite only when a source is
 * newer than the last build, so a start after the first costs nothing.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
export const RENDERER_DIR = join(root, "dist", "renderer");

/** Newest modification time under the UI's sources: the renderer and the engine modules it compiles in. */
function newestSource(): number {
  const walk = (path: string): number => (statSync(path).isDirectory() ? Math.max(0, ...readdirSync(path).map((name) => walk(join(path, name)))) : statSync(path).mtimeMs);
  return Math.max(...["renderer", "engine/lab/contract.ts", "engine/lab/views.ts", "engine/faults/requestFaultClasses.ts", "engine/scenario/schema.ts", "vite.config.ts"].map((path) => walk(join(root, path))));
}

export async function ensureRendererBuilt(log: (line: string) => void): Promise<void> {
  const index = join(RENDERER_DIR, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource()) return;
  log("Building the UI (vite build)…");
  const { build } = await import("vite");
  await build({ configFile: join(root, "vite.config.ts"), logLevel: "warn" });
}
