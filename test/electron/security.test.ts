import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appPaths } from "../../electron/paths";
import {
  CONTENT_SECURITY_POLICY,
  isAllowedRequestUrl,
  isTrustedRendererUrl,
  WEB_PREFERENCES,
  webPreferences,
  withContentSecurityPolicy,
} from "../../electron/security";

const root = join(import.meta.dirname, "..", "..");
const INDEX_URL = "app://lab/index.html";

const directives = new Map(
  CONTENT_SECURITY_POLICY.split(";").map((directive) => {
    const [name = "", ...sources] = directive.trim().split(/\s+/);
    return [name, sources] as const;
  }),
);

describe("web preferences", () => {
  it("isolate the page from Node and the preload, inside Chromium's sandbox", () => {
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(WEB_PREFERENCES).toMatchObject({ nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, allowRunningInsecureContent: false, webviewTag: false });
  });

  it("add only the preload path", () => {
    expect(webPreferences("/app/dist/electron/preload.cjs")).toEqual({ ...WEB_PREFERENCES, preload: "/app/dist/electron/preload.cjs" });
  });
});

describe("content security policy", () => {
  it("defaults to the app's own files and never allows eval", () => {
    expect(directives.get("default-src")).toEqual(["'self'"]);
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*|https?:/);
  });

  it("allows inline styles (React Flow) and data: images, and nothing else beyond 'self'", () => {
    expect(directives.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives.get("img-src")).toEqual(["'self'", "data:"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'none'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("replaces whatever CSP a response carried, whatever its case, and keeps other headers", () => {
    const headers = withContentSecurityPolicy({ "content-security-policy": ["default-src *"], "Content-Type": ["text/html"] });
    expect(headers).toEqual({ "Content-Type": ["text/html"], "Content-Security-Policy": [CONTENT_SECURITY_POLICY] });
    expect(withContentSecurityPolicy(undefined)).toEqual({ "Content-Security-Policy": [CONTENT_SECURITY_POLICY] });
  });
});

describe("isTrustedRendererUrl", () => {
  it("trusts the app's page, app://lab/index.html, with or without a client-side route", () => {
    expect(isTrustedRendererUrl(INDEX_URL)).toBe(true);
    expect(isTrustedRendererUrl(`${INDEX_URL}#/audit`)).toBe(true);
  });

  it.each([
    ["the built index.html on disk", pathToFileURL(appPaths("/opt/failover-lab").indexHtml).href],
    ["any file: URL", "file:///opt/failover-lab/dist/renderer/index.html"],
    ["another page of the app's origin", "app://lab/other.html"],
    ["the origin's root", "app://lab/"],
    ["another host of the scheme", "app://evil/index.html"],
    ["the host with credentials", "app://user@lab/index.html"],
    ["the host with a port", "app://lab:80/index.html"],
    ["the same path with a query", `${INDEX_URL}?debug=1`],
    ["a remote page", "https://lab/index.html"],
    ["about:blank", "about:blank"],
    ["garbage", "not a url"],
  ])("refuses %s", (_what, url) => {
    expect(isTrustedRendererUrl(url)).toBe(false);
  });
});

describe("isAllowedRequestUrl", () => {
  it("allows the app's origin and data: images", () => {
    expect(isAllowedRequestUrl(INDEX_URL)).toBe(true);
    expect(isAllowedRequestUrl("app://lab/assets/index-abc123.js")).toBe(true);
    expect(isAllowedRequestUrl("data:image/png;base64,iVBORw0KGgo=")).toBe(true);
  });

  it.each([
    ["remote content", "https://cdn.example.com/lib.js"],
    ["a websocket", "ws://localhost:8080/"],
    ["a file on disk", "file:///etc/passwd"],
    ["the renderer's own files by file: URL", "file:///opt/failover-lab/dist/renderer/assets/index.js"],
    ["another host of the scheme", "app://evil/x.js"],
    ["a host that only starts like the app's", "app://lab.evil/x.js"],
  ])("cancels %s", (_what, url) => {
    expect(isAllowedRequestUrl(url)).toBe(false);
  });
});

describe("app paths", () => {
  it("put the Electron addon where scripts/electron-native.mjs builds it", async () => {
    const script = (await import(pathToFileURL(join(root, "scripts", "electron-native.mjs")).href)) as { NATIVE_BINDING: string };
    expect(appPaths(root).nativeBinding).toBe(script.NATIVE_BINDING);
  });
});
