/**
 * The desktop shell's security settings as plain data and pure checks, so tests can assert them without
 * Electron. `main.ts` applies them; nothing here may import Electron at runtime.
 */
import type { WebPreferences } from "electron";
import { CONTENT_SECURITY_POLICY } from "../host/security";
import { APP_INDEX_URL, isAppOrigin } from "./appProtocol";

/**
 * The renderer is an ordinary web page: no Node, its own JS world, Chromium's sandbox. Its only way to
 * the engine is the `window.lab` object the preload exposes.
 */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  // A file dropped on the window would otherwise replace the app with that file.
  navigateOnDragDrop: false,
} as const satisfies WebPreferences;

/** The web preferences of the app's window, with the bundled preload script. */
export function webPreferences(preloadPath: string): WebPreferences {
  return { ...WEB_PREFERENCES, preload: preloadPath };
}

export { CONTENT_SECURITY_POLICY };

/** Response headers with the app's CSP replacing any the response carried (header names are case-insensitive). */
export function withContentSecurityPolicy(headers: Readonly<Record<string, string[]>> | undefined): Record<string, string[]> {
  const kept = Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== "content-security-policy");
  return { ...Object.fromEntries(kept), "Content-Security-Policy": [CONTENT_SECURITY_POLICY] };
}

/** A URL without its fragment, or null when it does not parse. */
function withoutFragment(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  parsed.hash = "";
  return parsed.href;
}

/**
 * True when `url` is the app's own page, `app://lab/index.html`, up to the fragment (a client-side route
 * changes only the fragment). Used both to trust IPC senders and to allow navigation. A `file:` URL is never
 * the app: the window does not load from disk, and a local file must not drive the engine.
 */
export function isTrustedRendererUrl(url: string): boolean {
  return withoutFragment(url) === APP_INDEX_URL;
}

/**
 * True when the app's window may load `url`: anything of its own origin `app://lab` (the protocol handler
 * confines the path to the built renderer), or a `data:` image (which the CSP limits to images). Everything
 * else — remote content, websockets, `file:` — is cancelled.
 */
export function isAllowedRequestUrl(url: string): boolean {
  if (url.startsWith("data:")) return true;
  return URL.canParse(url) && isAppOrigin(new URL(url));
}
