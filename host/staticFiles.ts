/**
 * The built renderer's files, read for whichever host serves the UI: browser mode's HTTP server
 * (`host/browserHost.ts`) and the desktop app's `app://lab/` protocol (`electron/appProtocol.ts`). One rule
 * for both: a URL path names a regular file inside the renderer folder, after percent-decoding and after
 * symlinks are resolved, or nothing is read. No Electron and no HTTP here, so both hosts and their tests
 * share it as it is.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, isAbsolute, relative, resolve, sep } from "node:path";
import { CONTENT_SECURITY_POLICY } from "./security";

/** Content types of the files Vite writes; anything else is served as opaque bytes (and `nosniff` keeps it so). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/** The content type of a file served by name, `application/octet-stream` for an unknown extension. */
function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** Headers of every file of the UI, from either host: the one CSP, no MIME sniffing, no referrer, no cache. */
export const STATIC_FILE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

/** A file found and read, or why not: 400 for a path that is not valid percent-encoding, 404 for anything not served. */
export type StaticFile = { readonly ok: true; readonly body: Buffer; readonly contentType: string } | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

const NOT_FOUND: StaticFile = { ok: false, status: 404, reason: "not found" };

/** True when `path` (absolute) is `root` itself or lies below it; both already resolved the same way. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
}

/**
 * The file that the URL path `pathname` (as it stands in the URL: percent-encoded, starting with `/`; `/` is
 * `index.html`) names under `root`. Never rejects. Refused: invalid percent-encoding (`/%C0`) and NUL bytes
 * (400); a path that climbs out of `root`, however it is encoded (`..`, `%2e%2e`, `%2F`, `\`); a symlink whose
 * target lies outside `root`; a directory, FIFO, socket or device; anything that cannot be read (all 404, with
 * no detail, so a page cannot probe the disk).
 */
export async function readStaticFile(root: string, pathname: string): Promise<StaticFile> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400, reason: "the path is not valid percent-encoding" };
  }
  if (decoded.includes("\0")) return { ok: false, status: 400, reason: "the path contains a NUL byte" };
  const name = decoded.replace(/^[/\\]+/, "") || "index.html";
  const base = resolve(root);
  const target = resolve(base, name);
  if (target === base || !isInside(base, target)) return NOT_FOUND;
  try {
    // Symlinks resolved on both sides: a link inside the folder may not lead out of it.
    const [realBase, real] = await Promise.all([realpath(base), realpath(target)]);
    if (!isInside(realBase, real) || !(await stat(real)).isFile()) return NOT_FOUND;
    return { ok: true, body: await readFile(real), contentType: contentTypeOf(target) };
  } catch {
    return NOT_FOUND;
  }
}
