/**
 * The desktop shell's security settings as plain data and pure checks, so tests can assert them without
 * Electron. `main.ts` applies them; nothing here may import Electron at runtime.
 */
import type { WebPreferences } from "electron";
import { CONTENT_SECURITY_POLICY } from "../host/security";

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
 * True when `url` is the app's own page: the `file:` URL of the built index.html, up to the fragment (a
 * client-side route changes only the fragment). Used both to trust IPC senders and to allow navigation.
 */
export function isTrustedRendererUrl(url: string, indexUrl: string): boolean {
  const page = withoutFragment(url);
  return page !== null && page.startsWith("file:") && page === withoutFragment(indexUrl);
}

/**
 * True when the renderer may load `url`: a file inside the built renderer directory, or a `data:` image
 * (which the CSP limits to images). Everything else, remote content in particular, is cancelled.
 */
export function isAllowedRequestUrl(url: string, rendererDirUrl: string): boolean {
  if (url.startsWith("data:")) return true;
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  const dir = rendererDirUrl.endsWith("/") ? rendererDirUrl : `${rendererDirUrl}/`;
  return parsed.protocol === "file:" && parsed.href.startsWith(dir);
}
