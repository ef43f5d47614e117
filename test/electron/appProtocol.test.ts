/**
 * The app:// protocol handler (electron/appProtocol.ts) and the file reader it shares with browser mode
 * (host/staticFiles.ts), against a renderer folder built in a temporary directory. Electron passes the handler a
 * standard `Request`, so the handler runs here as it would in the main process; only Chromium's own URL
 * canonicalisation in front of it is not exercised (the handler does not rely on it).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { APP_INDEX_URL, APP_ORIGIN, appProtocolHandler } from "../../electron/appProtocol";
import { ensureRendererBuilt, RENDERER_DIR } from "../../host/build";
import { CONTENT_SECURITY_POLICY } from "../../host/security";
import { readStaticFile } from "../../host/staticFiles";

const dir = mkdtempSync(join(tmpdir(), "app-protocol-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = join(dir, "renderer");
mkdirSync(join(root, "assets"), { recursive: true });
writeFileSync(join(root, "index.html"), "<!doctype html><title>Failover Lab</title>");
writeFileSync(join(root, "assets", "index-abc123.js"), "console.log('app')");
writeFileSync(join(root, "assets", "font.bin"), Buffer.from([0, 1, 2]));
writeFileSync(join(dir, "secret.txt"), "outside the renderer");
// A sibling whose name starts like the renderer's: a prefix check on strings would let it through.
mkdirSync(join(dir, "renderer-evil"));
writeFileSync(join(dir, "renderer-evil", "x.js"), "evil");
symlinkSync(join(dir, "secret.txt"), join(root, "leak.txt"));
symlinkSync(dir, join(root, "up"));
symlinkSync(join(root, "index.html"), join(root, "alias.html"));
const fifo = spawnSync("mkfifo", [join(root, "pipe.js")]).status === 0;

const handle = appProtocolHandler(root);
const get = (url: string, init?: RequestInit) => handle(new Request(url, init));

describe("app:// protocol handler", () => {
  it("serves index.html at app://lab/index.html with the CSP, nosniff and its content type", async () => {
    expect(APP_INDEX_URL).toBe("app://lab/index.html");
    const response = await get(APP_INDEX_URL);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("<!doctype html><title>Failover Lab</title>");
    expect(Object.fromEntries(response.headers)).toEqual({
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    });
  });

  it("serves the assets Vite writes, an unknown extension as opaque bytes, and / as index.html", async () => {
    const script = await get(`${APP_ORIGIN}/assets/index-abc123.js`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toBe("console.log('app')");
    const bytes = await get(`${APP_ORIGIN}/assets/font.bin`);
    expect(bytes.headers.get("content-type")).toBe("application/octet-stream");
    expect(bytes.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await (await get(`${APP_ORIGIN}/`)).text()).toContain("Failover Lab");
  });

  it("answers HEAD without a body and refuses other methods", async () => {
    const head = await get(APP_INDEX_URL, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await get(APP_INDEX_URL, { method: "POST", body: "x" })).status).toBe(405);
  });

  it.each([
    ["a climb with ..", "app://lab/../secret.txt"],
    ["a climb with %2e%2e", "app://lab/%2e%2e/secret.txt"],
    ["a climb with an encoded slash", "app://lab/..%2Fsecret.txt"],
    ["a climb with %2e%2e and an encoded slash", "app://lab/%2e%2e%2F%2e%2e%2Fetc%2Fpasswd"],
    ["an absolute path in an encoded slash", "app://lab/%2Fetc%2Fpasswd"],
    ["a sibling folder sharing the prefix", "app://lab/..%2Frenderer-evil%2Fx.js"],
    ["a directory", "app://lab/assets"],
    ["a directory with a slash", "app://lab/assets/"],
    ["a symlink to a file outside", "app://lab/leak.txt"],
    ["a file through a symlinked folder outside", "app://lab/up/secret.txt"],
    ["a missing file", "app://lab/missing.js"],
    ["another host", "app://evil/index.html"],
    ["the host with a port", "app://lab:8080/index.html"],
  ])("404 for %s, reading nothing", async (_what, url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).toBe("not found\n");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it.each([
    ["an overlong UTF-8 byte", "app://lab/%C0"],
    ["a truncated escape", "app://lab/%E0%A4%A"],
    ["an overlong encoding of /", "app://lab/%C0%AF..%C0%AFsecret.txt"],
    ["a NUL byte", "app://lab/index.html%00.js"],
  ])("400 for %s", async (_what, url) => {
    expect((await get(url)).status).toBe(400);
  });

  it("follows a symlink that stays inside the folder", async () => {
    expect(await (await get(`${APP_ORIGIN}/alias.html`)).text()).toContain("Failover Lab");
  });

  it.skipIf(!fifo)("refuses a FIFO without opening it (which would hang)", async () => {
    expect((await get(`${APP_ORIGIN}/pipe.js`)).status).toBe(404);
  });
});

describe("app:// and the real build", () => {
  it("serves Vite's index.html and every script and stylesheet it names, resolved against app://lab/index.html", { timeout: 120_000 }, async () => {
    await ensureRendererBuilt(() => undefined);
    const serve = appProtocolHandler(RENDERER_DIR);
    const html = await (await serve(new Request(APP_INDEX_URL))).text();
    const assets = [...html.matchAll(/<(?:script|link)[^>]*?(?:src|href)="(\.\/assets\/[^"]+)"/g)].map((m) => new URL(m[1]!, APP_INDEX_URL).href);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset.startsWith(`${APP_ORIGIN}/assets/`), asset).toBe(true);
      const response = await serve(new Request(asset));
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("content-type"), asset).toMatch(asset.endsWith(".js") ? /^text\/javascript/ : /^text\/css/);
    }
  });
});

describe("readStaticFile (shared with browser mode)", () => {
  // URL parsers remove dot segments before a path reaches the hosts; the reader must not depend on that.
  it.each(["/../secret.txt", "/assets/../../secret.txt", "/..\\secret.txt", "//etc/passwd", `/${join(dir, "secret.txt")}`])("does not leave the folder for the raw path %s", async (path) => {
    const file = await readStaticFile(root, path);
    expect(file.ok).toBe(false);
  });

  it("names the file it read by its content type", async () => {
    const file = await readStaticFile(root, "/assets/index-abc123.js");
    expect(file).toMatchObject({ ok: true, contentType: "text/javascript; charset=utf-8" });
  });
});
