/**
 * Browser mode serves the evidence library's reports read-only: only a bundle's report.html or report.pdf,
 * only with the session's token, never a path out of the evidence folder, sandboxed to an opaque origin.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabBackend } from "../../engine/lab/contract";
import { startBrowserHost, type BrowserHost } from "../../host/browserHost";

const TOKEN = "test-token-0123456789";
const work = mkdtempSync(join(tmpdir(), "lab-evidence-serve-"));
const folder = join(work, "evidence");
let host: BrowserHost;

function bundle(dir: string, html: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "manifest.json"), "{}");
  writeFileSync(join(dir, "report.html"), html);
}

beforeAll(async () => {
  const renderer = join(work, "renderer");
  mkdirSync(renderer);
  writeFileSync(join(renderer, "index.html"), "<!doctype html><title>lab</title>");
  bundle(join(folder, "short-drill-2026-12-05T11-08-31-123Z"), "<title>the report</title>");
  // A bundle elsewhere on the disk, and a link to it from inside the folder.
  bundle(join(work, "outside"), "<title>secret</title>");
  symlinkSync(join(work, "outside"), join(folder, "linked"));
  writeFileSync(join(work, "secret.txt"), "secret");
  const backend: LabBackend = { execute: async () => undefined as never, subscribe: () => () => undefined };
  host = await startBrowserHost({ backend, rendererDir: renderer, token: TOKEN, evidenceFolder: folder });
});
afterAll(async () => {
  await host.close();
  rmSync(work, { recursive: true, force: true });
});

const get = (path: string) => fetch(`http://127.0.0.1:${host.port}${path}`);

describe("the evidence library's reports in browser mode", () => {
  it("serves a bundle's report with the token, sandboxed", async () => {
    const response = await get(`/evidence/short-drill-2026-12-05T11-08-31-123Z/report.html?token=${TOKEN}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("<title>the report</title>");
    expect(response.headers.get("content-security-policy")).toMatch(/^sandbox allow-scripts;/);
  });

  it("refuses without the token, other files of a bundle, and every way out of the folder", async () => {
    expect((await get("/evidence/short-drill-2026-12-05T11-08-31-123Z/report.html")).status).toBe(403);
    for (const path of [
      "/evidence/short-drill-2026-12-05T11-08-31-123Z/manifest.json",
      "/evidence/linked/report.html",
      "/evidence/..%2Fsecret.txt/report.html",
      "/evidence/../secret.txt",
      "/evidence/%2E%2E/report.html",
      "/evidence/short-drill-2026-12-05T11-08-31-123Z/..%2F..%2Fsecret.txt",
      "/evidence/a/b/report.html",
    ]) {
      const response = await get(`${path}${path.includes("?") ? "&" : "?"}token=${TOKEN}`);
      expect(response.status, path).not.toBe(200);
      expect(await response.text(), path).not.toContain("secret");
    }
  });
});
