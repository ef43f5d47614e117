import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const outDir = mkdtempSync(join(tmpdir(), "failover-lab-electron-"));
const { buildElectron } = (await import(pathToFileURL(join(root, "scripts", "build-electron.mjs")).href)) as {
  buildElectron(outDir: string): Promise<{ main: string; preload: string }>;
};

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("scripts/build-electron.mjs", () => {
  it("bundles a preload that requires nothing but electron, and a main bundle with its dependencies external", async () => {
    const { main, preload } = await buildElectron(outDir);

    const preloadCode = readFileSync(preload, "utf8");
    const required = [...preloadCode.matchAll(/\brequire\(\s*([^)]*)\)/g)].map((match) => match[1]);
    expect(required).toEqual(['"electron"']);
    expect(preloadCode).not.toMatch(/zod/i);
    expect(preloadCode).toContain('exposeInMainWorld("lab"');
    // Older sandbox wrappers provide no `module`; the preload exports nothing, so it needs none.
    expect(preloadCode).not.toMatch(/\bmodule\.exports\b/);

    const mainCode = readFileSync(main, "utf8");
    expect(mainCode).toMatch(/^import .* from "electron";$/m);
    // Runtime dependencies are imported, not inlined; an inlined CommonJS package would need esbuild's require shim.
    expect(mainCode).toMatch(/from "zod"/);
    expect(mainCode).not.toContain("Dynamic require of");
  });
});
