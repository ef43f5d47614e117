import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { AuditLog, AuditSystem, useAuditWriterScript, VirtualClock, verifyChain } from "../../engine";
import { appPaths } from "../../electron/paths";
import { REPORT_PAGE_DIR } from "../../host/build";
import type { AuditConfig } from "../../engine/scenario/schema";

const root = join(import.meta.dirname, "..", "..");
const outDir = mkdtempSync(join(tmpdir(), "failover-lab-electron-"));
const { buildElectron } = (await import(pathToFileURL(join(root, "scripts", "build-electron.mjs")).href)) as {
  buildElectron(outDir: string): Promise<{ main: string; preload: string; auditWriter: string }>;
};

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const CENTRAL: AuditConfig = { pattern: "central", destination: "eu-west", flush_interval_ms: 1_000, on_unreachable: "buffer", high_risk_durable_in: "destination", high_risk_replicas: 1 };

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

  it("bundles an audit writer thread that writes the same chain as the one run from source", async () => {
    // Under the project, so that the bundle finds its dependencies in node_modules as it does in dist/electron.
    mkdirSync(join(root, ".vitest-tmp"), { recursive: true });
    const underRoot = mkdtempSync(join(root, ".vitest-tmp", "electron-"));
    onTestFinished(() => rmSync(underRoot, { recursive: true, force: true }));
    const { auditWriter } = await buildElectron(underRoot);
    // Where main.ts tells the engine to look, for the default build directory.
    expect(appPaths(root).auditWriter).toBe(join(root, "dist", "electron", basename(auditWriter)));
    expect(readFileSync(auditWriter, "utf8")).toMatch(/from "better-sqlite3"/);
    // Electron's main process points the engine at the bundle; this file's process has no writer thread yet.
    useAuditWriterScript(pathToFileURL(auditWriter));
    const audit = AuditSystem.open({ config: CENTRAL, regions: ["eu-west"], clock: new VirtualClock(), rttMs: () => 1, reachable: () => true });
    try {
      audit.record({ kind: "request", t: 5, region: "eu-west", requestId: "r-1", outcome: "ok" });
      audit.flushAll();
      const canonical = audit.destinations()[0]!.log;
      expect([...canonical.entries()].map((e) => JSON.parse(e.body) as { requestId: string; buffer: unknown })).toEqual([
        expect.objectContaining({ requestId: "r-1", buffer: { seq: 1, flushedAt: 0 } }),
      ]);
      expect(verifyChain(canonical).ok).toBe(true);
      const fromSource = AuditLog.open(":memory:");
      fromSource.append({ kind: "request", t: 5, region: "eu-west", requestId: "r-1", outcome: "ok", buffer: { seq: 1, flushedAt: 0 } });
      expect(canonical.head).toEqual(fromSource.head);
      fromSource.close();
    } finally {
      audit.close();
    }
  });

  it("points the app's engine at the report page bundle where host/build.ts writes it, since the main bundle inlines none", () => {
    expect(appPaths(root).reportPage).toBe(REPORT_PAGE_DIR);
  });
});
