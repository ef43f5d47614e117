/**
 * Browser mode: where Electron cannot run (no binary, no display), this small host serves the built
 * renderer and the same `LabApi` over a WebSocket, on 127.0.0.1 only. A page must present the random
 * per-start token from the printed URL, come from this host's own origin and name this host in `Host`
 * (against DNS rebinding), so neither another web page nor a stray local process can drive the session.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { HostMessage, LabBackend } from "../engine/lab/contract";
import { openableFile } from "../engine";
import { serveCommand } from "../engine/lab/validation";
import { readStaticFile, STATIC_FILE_HEADERS } from "./staticFiles";

/** A command message from the page: `id` pairs the reply with its call. */
interface CommandMessage {
  readonly id: number;
  readonly command: unknown;
  readonly payload: unknown;
}

/** What the host sends: a reply to one call, or a push. */
export type HostFrame = { readonly id: number | null; readonly reply: Awaited<ReturnType<typeof serveCommand>> } | { readonly push: HostMessage };

export interface BrowserHostOptions {
  readonly backend: LabBackend;
  /** Folder of the built renderer (index.html and assets). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Fixed only by tests; a random 32-byte token otherwise. */
  readonly token?: string;
  /**
   * The evidence library's folder: each bundle's report is served read-only at
   * `/evidence/<bundle>/report.html` (or `.pdf`) to a request carrying the token.
   */
  readonly evidenceFolder?: string;
}

export interface BrowserHost {
  /** The URL to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * The largest message a page of ours sends is a file's text of up to OPENED_FILE_MAX_BYTES characters, which JSON
 * escapes to at most 6 bytes a character (\u0001): under this bound it reaches validation and gets a reply that
 * says what is wrong, instead of a closed socket.
 */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Where the evidence library's reports are served; the renderer links to `${EVIDENCE_PATH}<bundle>/report.html`. */
const EVIDENCE_PATH = "/evidence/";
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(32).toString("base64url");
  const tokenBytes = Buffer.from(token);
  let origin = "";
  let hostHeader = "";
  const tokenMatches = (candidate: string | null) => {
    if (candidate === null) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  const server = createServer((request, response) => {
    if (request.headers.host !== hostHeader) return refuse(response, 421, "wrong Host header");
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith(EVIDENCE_PATH)) {
      if (!tokenMatches(url.searchParams.get("token"))) return refuse(response, 403, "missing or wrong token");
      return void serveEvidence(options.evidenceFolder, url.pathname.slice(EVIDENCE_PATH.length), request, response);
    }
    void serveStatic(options.rendererDir, request, response);
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on("upgrade", (request, socket, head) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const reason =
      request.headers.host !== hostHeader ? "wrong Host header" : request.headers.origin !== origin ? "foreign Origin" : url.pathname !== "/lab" ? "unknown path" : !tokenMatches(url.searchParams.get("token")) ? "missing or wrong token" : undefined;
    if (reason) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${reason}\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attach(ws, options.backend));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  hostHeader = `127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function attach(ws: WebSocket, backend: LabBackend): void {
  const send = (frame: HostFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const unsubscribe = backend.subscribe((message) => send({ push: message }));
  ws.on("close", unsubscribe);
  // A frame over the size limit (or a broken frame) is an error on this socket, which ws then closes (1009, 1002);
  // without a listener Node would throw it and take the host, every other page and the run with it.
  ws.on("error", () => ws.terminate());
  ws.on("message", async (data, isBinary) => {
    const message = isBinary ? undefined : parseMessage(data.toString());
    if (!message) {
      send({ id: null, reply: { ok: false, error: "malformed message: expected JSON {id, command, payload}" } });
      return;
    }
    send({ id: message.id, reply: await serveCommand(backend, message.command, message.payload) });
  });
}

function parseMessage(text: string): CommandMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { id, command, payload } = value as Record<string, unknown>;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) return undefined;
  return { id, command, payload };
}

async function serveStatic(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") return refuse(response, 405, "method not allowed");
  const file = await readStaticFile(root, new URL(request.url ?? "/", "http://127.0.0.1").pathname);
  if (!file.ok) return refuse(response, file.status, file.reason);
  response.writeHead(200, { "Content-Type": file.contentType, ...STATIC_FILE_HEADERS });
  response.end(request.method === "HEAD" ? undefined : file.body);
}

/**
 * A bundle's report, read-only. Only `<bundle>/report.html` or `<bundle>/report.pdf`, resolved inside the
 * evidence folder (see `openableFile`); the page is sandboxed to an opaque origin, so its scripts (the
 * charts) run but cannot reach this host's socket or the app's storage.
 */
async function serveEvidence(folder: string | undefined, rest: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") return refuse(response, 405, "method not allowed");
  const parts = rest.split("/").map(decodedPath);
  if (parts.includes(undefined)) return refuse(response, 400, "the path is not valid percent-encoding");
  const path = folder !== undefined && parts.length === 2 ? openableFile(folder, parts[0]!, parts[1]!) : undefined;
  if (!path) return refuse(response, 404, "no such report in the evidence library");
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    return refuse(response, 404, "no such report in the evidence library");
  }
  response.writeHead(200, {
    "Content-Type": path.endsWith(".pdf") ? "application/pdf" : "text/html; charset=utf-8",
    "Content-Security-Policy": "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  });
  response.end(request.method === "HEAD" ? undefined : body);
}

/**
 * A path segment decoded, or undefined for one that is not valid percent-encoding (`/%C0`): decodeURIComponent
 * throws there, and any page the user visits can send that to 127.0.0.1, so it must be a 400, not a dead host.
 */
function decodedPath(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function refuse(response: ServerResponse, status: number, reason: string): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  response.end(`${reason}\n`);
}
