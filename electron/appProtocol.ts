/**
 * The desktop app's own origin, `app://lab`: the window loads `app://lab/index.html`, and `main.ts` serves
 * the scheme with `protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir))`. A page served this way has
 * an ordinary web origin, gets its CSP from a response header like any web page, and can reach nothing of the
 * disk but the built renderer's files — unlike a `file:` page, which shares its origin with every local file.
 * Only types of Electron are imported, so tests call the handler with plain `Request`s.
 */
import type { CustomScheme } from "electron";
import { readStaticFile, STATIC_FILE_HEADERS } from "../host/staticFiles";

export const APP_SCHEME = "app";
/** The one host the scheme serves; any other (`app://other/…`) is a 404. */
const APP_HOST = "lab";
/** The app page's origin, as Chromium serialises it for a standard scheme. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads, and the only page that IPC and navigation trust. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered with `protocol.registerSchemesAsPrivileged` before the app is ready. `standard`: the URLs have a
 * host and relative URLs resolve, so the origin is `app://lab` and web storage works; `secure`: a secure
 * context, as https is; `supportFetchAPI`: the page's module scripts (Vite writes `<script type="module">`)
 * are loaded through the fetch machinery. Deliberately not `corsEnabled` (no other origin may read these
 * files), `bypassCSP` (the page keeps its CSP), `allowServiceWorkers` or `stream`.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } };

/**
 * True when `url` is of the app's origin, `app://lab` with no port or credentials. Compared field by field:
 * Node's URL parser gives a scheme it does not know the origin "null", where Chromium says `app://lab`.
 */
export function isAppOrigin(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === "" && url.password === "";
}

function refusal(status: number, reason: string): Response {
  return new Response(`${reason}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" } });
}

/**
 * The `protocol.handle` handler of `app:`: GET or HEAD of `app://lab/<path>` answers the file `<path>` of
 * `rendererDir` with the app's CSP and `nosniff` (see `readStaticFile` for what is refused: 400 for a path
 * that is not valid percent-encoding, 404 for any path outside the folder, a symlink leading out, or anything
 * not a regular file); another host 404, another method 405. Never rejects, so Chromium always gets an answer.
 */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return refusal(405, "method not allowed");
    if (!URL.canParse(request.url)) return refusal(400, "not a URL");
    const url = new URL(request.url);
    if (!isAppOrigin(url)) return refusal(404, "not found");
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file.ok) return refusal(file.status, file.reason);
    const headers = { "Content-Type": file.contentType, ...STATIC_FILE_HEADERS };
    return new Response(request.method === "HEAD" ? null : new Uint8Array(file.body), { status: 200, headers });
  };
}
