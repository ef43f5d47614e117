/**
 * The regional gateways as an OpenAI-compatible HTTP API on 127.0.0.1, so any OpenAI client can send its
 * own calls through the simulated world: `http://127.0.0.1:<port>/<region>/v1` is one gateway's base URL,
 * serving `GET /models` and `POST /chat/completions` (JSON or Server-Sent Events). Bound to the loopback
 * interface and checking `Host` (against DNS rebinding), with no CORS headers, so no web page can call it.
 * Any bearer key is accepted: OpenAI clients insist on sending one, and the machine's own users are trusted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatCompletionChunk, ChatMeta, ChatOutcome, GatewayApiBackend, GatewayOffer, Unavailable } from "../engine/lab/gatewayApi";

/** The default port of `npm run serve` and the app's endpoint. */
export const DEFAULT_API_PORT = 8787;
/** Largest request body taken, bytes: far above any chat a test sends, far below what would hurt the host. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface OpenAiServerOptions {
  readonly backend: GatewayApiBackend;
  /** 0 picks a free port. */
  readonly port: number;
  /** Hears every chat call once it is answered (or its client went away). */
  readonly onExchange?: (exchange: Exchange) => void;
}

/** One chat call as the host saw it. */
export interface Exchange {
  readonly region: string;
  /** The HTTP status sent (200 for a stream, even one that ended with an error event). */
  readonly status: number;
  readonly outcome: ChatOutcome | Unavailable;
  /** The client closed the connection before the answer was whole. */
  readonly clientGone: boolean;
}

export interface OpenAiServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  baseUrl(region: string): string;
  /** Stops taking connections, lets answers in progress finish, then closes the rest. */
  close(): Promise<void>;
}

/** The port was taken by another program. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already in use by another program`);
  }
}

/** OpenAI's error body. */
interface ApiError {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

const ROUTE = /^\/([^/]+)\/v1\/(models|chat\/completions)$/;
const ROUTES_TEXT = "GET /, GET /<region>/v1/models and POST /<region>/v1/chat/completions";

export async function startOpenAiServer(options: OpenAiServerOptions): Promise<OpenAiServer> {
  let port = 0;
  let origin = "";
  const server = createServer((request, response) => {
    // A client that disconnects makes later writes fail; nothing is left to tell it.
    response.on("error", () => undefined);
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!hosts.includes(request.headers.host ?? ""))
      return sendError(response, 421, {
        message: `the Host header must be ${hosts.join(" or ")}, got ${JSON.stringify(request.headers.host ?? "")}: this endpoint serves local clients only`,
        type: "invalid_request_error",
        param: null,
        code: "wrong_host",
      });
    route(request, response, options, origin).catch((error: unknown) => {
      // Mid-stream there is no status left to send: a cut connection, without [DONE], is the failure.
      if (response.headersSent) response.destroy();
      else sendError(response, 500, { message: `the host failed: ${(error as Error).message}`, type: "server_error", param: null, code: null });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? new PortInUseError(options.port) : error));
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    baseUrl: (region) => baseUrl(origin, region),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      server.closeAllConnections();
      await closed;
    },
  };
}

const baseUrl = (origin: string, region: string) => `${origin}/${region}/v1`;

async function route(request: IncomingMessage, response: ServerResponse, options: OpenAiServerOptions, origin: string): Promise<void> {
  const { pathname } = new URL(request.url ?? "/", origin);
  const method = request.method ?? "GET";
  if (pathname === "/") {
    if (method !== "GET") return wrongMethod(response, method, pathname, "GET");
    return sendJson(response, 200, listing(options.backend.offer(), origin));
  }
  const match = ROUTE.exec(pathname);
  if (!match)
    return sendError(response, 404, { message: `no route ${method} ${pathname}: this host serves ${ROUTES_TEXT}`, type: "invalid_request_error", param: null, code: "unknown_route" });
  const [, segment, endpoint] = match as unknown as [string, string, "models" | "chat/completions"];
  const allowed = endpoint === "models" ? "GET" : "POST";
  if (method !== allowed) return wrongMethod(response, method, pathname, allowed);
  const offer = options.backend.offer();
  if ("kind" in offer) return sendUnavailable(response, offer);
  const region = decodeSegment(segment);
  if (region === undefined || !offer.regions.includes(region))
    return sendError(response, 404, {
      message: `no regional gateway ${JSON.stringify(region ?? segment)} in scenario "${offer.scenario}"; its gateways are ${offer.regions.join(", ")} (base URL ${baseUrl(origin, "<region>")})`,
      type: "invalid_request_error",
      param: null,
      code: "unknown_region",
    });
  if (endpoint === "models")
    return sendJson(response, 200, { object: "list", data: offer.models.map((id) => ({ id, object: "model", created: 0, owned_by: "failover-lab" })) });

  const type = request.headers["content-type"] ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type))
    return sendError(response, 415, {
      message: `the request body must be JSON with content-type application/json, got ${type ? JSON.stringify(type) : "no content-type"}`,
      type: "invalid_request_error",
      param: null,
      code: "unsupported_media_type",
    });
  const body = await readJson(request);
  if (body.ok) return chat(region, body.value, response, options);
  if (body.status !== null) sendError(response, body.status, body.error, body.headers);
}

/** One call handed to the gateway: a JSON answer, or a stream that starts with the first chunk the gateway releases. */
async function chat(region: string, body: unknown, response: ServerResponse, options: OpenAiServerOptions): Promise<void> {
  let clientGone = false;
  // The client going away cancels the call: the gateway stops, tries no fallback, and audits it as cancelled.
  const cancel = new AbortController();
  response.on("close", () => {
    clientGone = !response.writableFinished;
    if (clientGone) cancel.abort("the client closed the connection");
  });
  // Once the answer is sent (or the call given up on), chunks the gateway still releases go nowhere.
  const open = () => !response.writableEnded && !response.destroyed;
  const sink = {
    chunk(chunk: ChatCompletionChunk) {
      if (!open()) return;
      // Of the gateway's account only the request id is known this early: the chunks carry it, as `chatcmpl-<id>`.
      if (!response.headersSent) response.writeHead(200, { ...STREAM_HEADERS, ...metaHeaders({ requestId: chunk.id.replace(/^chatcmpl-/, "") }) });
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    },
  };
  const outcome = await options.backend.chat(region, body, sink, cancel.signal);
  let status: number;
  if (response.headersSent) {
    status = 200;
    if (open()) response.end(lastEvent(outcome));
  } else if (outcome.kind === "unavailable") {
    status = 503;
    sendUnavailable(response, outcome);
  } else if (outcome.kind === "error") {
    status = outcome.status;
    sendJson(response, status, { error: outcome.error }, metaHeaders(outcome.meta));
  } else if (outcome.kind === "completion") {
    status = 200;
    sendJson(response, status, outcome.completion, metaHeaders(outcome.meta));
  } else {
    // A whole stream without a single chunk: the gateway released nothing, which a client still reads as an end.
    status = 200;
    response.writeHead(200, { ...STREAM_HEADERS, ...metaHeaders(outcome.meta) });
    response.end("data: [DONE]\n\n");
  }
  options.onExchange?.({ region, status, outcome, clientGone });
}

/** An error after chunks is the stream's last event, with no [DONE]: no client may take the part for the whole. */
function lastEvent(outcome: ChatOutcome | Unavailable): string {
  switch (outcome.kind) {
    case "unavailable":
      return `data: ${JSON.stringify({ error: unavailableError(outcome) })}\n\n`;
    case "error":
      return `data: ${JSON.stringify({ error: outcome.error })}\n\n`;
    default:
      return "data: [DONE]\n\n";
  }
}

const STREAM_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-content-type-options": "nosniff" };

/** What the gateway told about the call; the openai client exposes `x-request-id` as `request_id`. */
function metaHeaders(meta: Partial<ChatMeta>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (meta.requestId !== undefined) headers["x-request-id"] = meta.requestId;
  if (meta.attempts !== undefined) headers["x-failover-lab-attempts"] = String(meta.attempts);
  if (meta.servedBy !== undefined) headers["x-failover-lab-served-by"] = meta.servedBy;
  if (meta.elapsedMs !== undefined) headers["x-failover-lab-elapsed-ms"] = String(meta.elapsedMs);
  return headers;
}

function listing(offer: GatewayOffer | Unavailable, origin: string) {
  if ("kind" in offer) return { scenario: null, gateways: {}, note: offer.message };
  return { scenario: offer.scenario, gateways: Object.fromEntries(offer.regions.map((region) => [region, baseUrl(origin, region)])), models: offer.models };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; error: ApiError; headers?: Record<string, string> } | { ok: false; status: null };

/**
 * The request body as JSON. More than {@link MAX_BODY_BYTES} is refused as soon as it is declared or
 * received, and the connection closed after the answer, so the rest of an oversized upload is never kept.
 */
function readJson(request: IncomingMessage): Promise<BodyResult> {
  const tooLarge: BodyResult = {
    ok: false,
    status: 413,
    error: { message: `the request body is over the ${MAX_BODY_BYTES / 1024 / 1024} MiB this endpoint takes`, type: "invalid_request_error", param: null, code: "request_too_large" },
    headers: { connection: "close" },
  };
  if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    request.on("data", (part: Buffer) => {
      size += part.length;
      if (size > MAX_BODY_BYTES) resolve(tooLarge);
      else parts.push(part);
    });
    request.on("end", () => resolve(parseBody(Buffer.concat(parts))));
    // Resolving is first come: after "end" this changes nothing; before it, the client has gone.
    request.on("close", () => resolve({ ok: false, status: null }));
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseBody(bytes: Buffer): BodyResult {
  const invalid = (message: string): BodyResult => ({ ok: false, status: 400, error: { message, type: "invalid_request_error", param: null, code: "invalid_json" } });
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return invalid("the request body is not valid UTF-8");
  }
  if (text.trim() === "") return invalid("the request body is empty: send a JSON chat completion request");
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return invalid(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

function wrongMethod(response: ServerResponse, method: string, pathname: string, allowed: string): void {
  sendError(response, 405, { message: `${method} is not allowed on ${pathname}; use ${allowed}`, type: "invalid_request_error", param: null, code: "method_not_allowed" }, { allow: allowed });
}

/** No scenario, or its world is not playing. The openai client is told not to retry: pressing play is the cure. */
function sendUnavailable(response: ServerResponse, reason: Unavailable): void {
  sendError(response, 503, unavailableError(reason), { "x-should-retry": "false" });
}

const unavailableError = (reason: Unavailable): ApiError => ({ message: reason.message, type: "server_error", param: null, code: "scenario_not_playing" });

function sendError(response: ServerResponse, status: number, error: ApiError, headers: Record<string, string> = {}): void {
  sendJson(response, status, { error }, headers);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-content-type-options": "nosniff", "cache-control": "no-store", ...headers });
  response.end(text);
}

/**
 * The app's endpoint: on `port` when given; otherwise on {@link DEFAULT_API_PORT}, or on a free port when
 * that one is taken (by another app or a `npm run serve`), which the UI shows.
 */
export async function startAppGatewayApi(backend: GatewayApiBackend, port: number | undefined, log: (line: string) => void): Promise<OpenAiServer> {
  try {
    return await startOpenAiServer({ backend, port: port ?? DEFAULT_API_PORT });
  } catch (error) {
    if (!(error instanceof PortInUseError) || port !== undefined) throw error;
    log(`${error.message}; the gateways' OpenAI endpoint takes a free port instead.`);
    return startOpenAiServer({ backend, port: 0 });
  }
}
