/**
 * The gateway's HTTP client: plain `fetch`, the code path a real gateway uses, with a timeout on the
 * injected clock. It also keeps the virtual clock honest: while the request travels, the attempt holds a
 * work key of its own (the simulated host suspends it while it sleeps), and the caller's key is suspended,
 * so time advances exactly when nothing but timers is left to happen.
 *
 * `AbortSignal.timeout()` ignores injected clocks and MSW does not reject a pending fetch on abort, so the
 * timeout races the fetch instead; closing the exchange's work key tells the simulated host to drop its
 * timer. (An AbortController per request also cost ~8 % of a drill's time in signal bookkeeping.)
 *
 * A real server is another matter: nothing but its own socket tells it the gateway stopped listening, so each
 * exchange with one has an AbortController, aborted the moment the exchange ends short of a whole answer (a
 * limit, a broken stream, the caller giving up): otherwise a silent server holds the connection until it
 * closes it itself. Only real exchanges pay for it; simulated ones live on the virtual clock.
 */
import { createParser } from "eventsource-parser";
import type { Clock } from "./clock";
import { FROM_REGION_HEADER, WORK_HEADER, WORLD_HEADER } from "./labHeaders";

/**
 * How an exchange reaches its server, in `fetch`'s shape: the global `fetch` (through MSW, for the app and
 * `serve`) or a hand-over straight to the simulated world (headless drills). The choice is only speed.
 */
export type Transport = (url: string, init: RequestInit) => Promise<TransportResponse>;

/** What the client reads of an answer: a `Response` has it, and so has the direct transport's lighter form. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/** The global `fetch`, looked up at each call: MSW replaces it whenever its server starts listening. */
export const globalFetch: Transport = (url, init) => fetch(url, init);

export interface HttpResult {
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly body: unknown;
  /** Why no usable response arrived: "timeout after N ms", or the network error. */
  readonly error?: string;
  /** Virtual ms the exchange took. */
  readonly ms: number;
  /** The Retry-After header of the answer, in seconds, when it had one. */
  readonly retryAfterS?: number;
  /** The caller gave the exchange up (`HttpCall.signal`); `error` says why. */
  readonly abandoned?: true;
}

export interface HttpCall {
  readonly url: string;
  readonly method?: "GET" | "POST";
  readonly body?: unknown;
  readonly timeoutMs: number;
  /** Work key of the caller; it must be running when the call starts. */
  readonly callerKey: string;
  /** Work key of this exchange; unique for the run. */
  readonly key: string;
  readonly worldId: string;
  readonly fromRegion: string;
  readonly transport: Transport;
  /**
   * The request goes to a real server, outside the simulation: it carries none of the simulation's headers
   * (so MSW lets it through) but `authorization`, and its exchange waits suspended, since no simulated host
   * will hold it; virtual time then follows the wall clock, as it does when paced.
   */
  readonly real?: { readonly authorization: string | undefined };
  /**
   * The caller gives the exchange up when this aborts (its client went away, or the session closed): the
   * exchange ends at once, as abandoned, and a real server's connection is closed. Its reason, a string, says why.
   */
  readonly signal?: AbortSignal;
}

/** An exchange its caller gave up on: nothing the upstream did, so kept out of {@link AttemptOutcome}. */
export interface Abandoned {
  readonly kind: "abandoned";
  /** The HTTP status seen, 0 before any header. */
  readonly status: number;
  readonly ms: number;
  readonly reason: string;
}

const noop = (): void => undefined;

/** Runs `abandon` when the caller's signal aborts (at once if it has); returns what stops listening. */
function whenAbandoned(signal: AbortSignal | undefined, abandon: (reason: string) => void): () => void {
  if (!signal) return noop;
  const listener = () => abandon(abandonReason(signal));
  if (signal.aborted) {
    listener();
    return noop;
  }
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

/**
 * A signal that aborts when either of two does, for one call (`call`) inside a long-lived scope (`scope`), and
 * what detaches it. `AbortSignal.any` would leave an entry for every call in the long-lived signal on Node 20
 * (nodejs/node#55351: 220,000 WeakRefs, 7 MB, in two minutes of 50 clients on the OpenAI endpoint);
 * `release`, called when the call ends, takes its listeners off both.
 */
export function abortWhenEither(scope: AbortSignal, call: AbortSignal): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const follow = (source: AbortSignal) => () => controller.abort(source.reason);
  const already = [scope, call].find((source) => source.aborted);
  if (already) {
    controller.abort(already.reason);
    return { signal: controller.signal, release: noop };
  }
  const onScope = follow(scope);
  const onCall = follow(call);
  scope.addEventListener("abort", onScope, { once: true });
  call.addEventListener("abort", onCall, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      scope.removeEventListener("abort", onScope);
      call.removeEventListener("abort", onCall);
    },
  };
}

/** Why the caller gave up, from its signal's reason. */
export function abandonReason(signal: AbortSignal): string {
  return typeof signal.reason === "string" ? signal.reason : "the caller gave up";
}

/** The exchange's own work key runs while the caller's waits; returns the virtual time it started. */
function openExchange(clock: Clock, call: HttpCall): number {
  clock.work.open(call.key);
  clock.work.suspend(call.callerKey);
  if (call.real) clock.work.suspend(call.key);
  return clock.now();
}

/** For the simulated world: which world, exchange and region a request belongs to; for a real server, its API key. */
function requestHeaders(call: HttpCall): Record<string, string> {
  if (call.real) return { "content-type": "application/json", ...(call.real.authorization ? { authorization: call.real.authorization } : {}) };
  return { "content-type": "application/json", [WORLD_HEADER]: call.worldId, [WORK_HEADER]: call.key, [FROM_REGION_HEADER]: call.fromRegion };
}

export function fetchOnClock(clock: Clock, call: HttpCall): Promise<HttpResult> {
  const { work } = clock;
  const started = openExchange(clock, call);
  // One promise settled by whichever comes first, the answer or the timeout: this runs for every simulated
  // request, and a race of two promises plus an async wrapper showed up in profiles.
  return new Promise<HttpResult>((resolve) => {
    let settled = false;
    let stopListening = noop;
    const connection = call.real ? new AbortController() : undefined;
    const settle = (result: Omit<HttpResult, "ms">) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      stopListening();
      // A no-op once the body is read; otherwise it closes the real server's connection.
      connection?.abort();
      work.resume(call.callerKey);
      work.close(call.key);
      resolve({ ...result, ms: clock.now() - started });
    };
    const timer = clock.setTimeout(() => settle({ status: 0, body: undefined, error: `timeout after ${call.timeoutMs} ms` }), call.timeoutMs);
    stopListening = whenAbandoned(call.signal, (reason) => settle({ status: 0, body: undefined, error: reason, abandoned: true }));
    if (settled) return;
    call.transport(call.url, {
      method: call.method ?? "GET",
      headers: requestHeaders(call),
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      ...(connection ? { signal: connection.signal } : {}),
    })
      .then(async (response) => {
        const retryAfterS = retryAfter(response);
        const body = parseBody(await response.text());
        settle(retryAfterS === undefined ? { status: response.status, body } : { status: response.status, body, retryAfterS });
      })
      .catch((error: unknown) => settle({ status: 0, body: undefined, error: `network error: ${(error as Error).message ?? String(error)}` }));
  });
}

/** Retry-After in seconds; the HTTP-date form is not used by the providers simulated here, so it is ignored. */
function retryAfter(response: TransportResponse): number | undefined {
  const value = response.headers.get("retry-after");
  if (value === null || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  return Number(value);
}

/** JSON when the body is JSON; otherwise the text, and the caller decides whether that is an error. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Limits of a streamed exchange, each of which ends it: virtual ms. */
export interface StreamLimits {
  /** Until the response headers arrive. */
  readonly headersMs: number;
  /** From sending until the first chunk that carries content. */
  readonly firstTokenMs: number;
  /** The longest silence between two events once the answer has begun. */
  readonly idleMs: number;
}

/**
 * How one attempt at a completion ended, streamed or not: the one shape the gateway classifies. `error`
 * is the text the audit record keeps; `status` is the HTTP status seen (0 before any header).
 */
export type AttemptOutcome =
  /** A whole answer; `body` is the answer of a non-streamed exchange (a stream's events went to `onEvent`). */
  | { readonly kind: "ok"; readonly ms: number; readonly body?: unknown }
  /** A non-2xx answer, with its error body and Retry-After (seconds). */
  | { readonly kind: "status"; readonly status: number; readonly body: unknown; readonly retryAfterS?: number; readonly error: string; readonly ms: number }
  /** No answer at all: the connection failed or was reset before any header. */
  | { readonly kind: "network"; readonly status: 0; readonly error: string; readonly ms: number }
  /** Silence over a limit: no response (headers) in time, no first token, or a stall between events. */
  | { readonly kind: "timeout"; readonly limit: "response" | "first-token" | "idle"; readonly status: number; readonly error: string; readonly ms: number }
  /**
   * The answer began and broke: the stream was cut without a finish, an event (or a non-streamed body) was
   * malformed, or the provider sent an error event mid-stream (its `body`).
   */
  | { readonly kind: "broken"; readonly how: "cut" | "malformed" | "provider-error"; readonly status: number; readonly body?: unknown; readonly error: string; readonly ms: number };

/** An attempt that did not end in a whole answer. */
export type AttemptFailure = Exclude<AttemptOutcome, { kind: "ok" }>;

/**
 * A non-streamed completion as one attempt: an answer of 200 is whole only when `isAnswer` accepts its
 * body; anything else from a 200 is a malformed answer.
 */
export async function attemptOnClock(clock: Clock, call: HttpCall, isAnswer: (body: unknown) => boolean): Promise<AttemptOutcome | Abandoned> {
  const { status, body, error, ms, retryAfterS, abandoned } = await fetchOnClock(clock, call);
  if (abandoned) return { kind: "abandoned", status, ms, reason: error! };
  if (error !== undefined) return error.startsWith("timeout") ? { kind: "timeout", limit: "response", status, error, ms } : { kind: "network", status: 0, error, ms };
  if (status !== 200) return { kind: "status", status, body, error: errorText(body) ?? `HTTP ${status}`, ms, ...(retryAfterS === undefined ? {} : { retryAfterS }) };
  return isAnswer(body) ? { kind: "ok", ms, body } : { kind: "broken", how: "malformed", status, body, error: "malformed completion body", ms };
}

/**
 * A `fetch` whose answer is a Server-Sent Events stream, read event by event on the injected clock.
 * `onEvent` gets each parsed JSON data event in order and answers whether it carried content (which
 * ends the wait for the first token). The stream is whole when it ends with `data: [DONE]`, or when the
 * connection closes after `finished()` says the last event carried a finish reason; anything else is a
 * failure, so a truncated answer is never taken for a whole one.
 */
export function streamOnClock(
  clock: Clock,
  call: HttpCall,
  limits: StreamLimits,
  onEvent: (event: unknown) => boolean,
  finished: () => boolean,
): Promise<AttemptOutcome | Abandoned> {
  const { work } = clock;
  const started = openExchange(clock, call);
  return new Promise<AttemptOutcome | Abandoned>((resolve) => {
    let settled = false;
    let stopListening = noop;
    const connection = call.real ? new AbortController() : undefined;
    let events = 0;
    let status = 0;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    const timeout = (limit: "response" | "first-token" | "idle", error: string) => end({ kind: "timeout", limit, status, error, ms: clock.now() - started });
    const broken = (how: "cut" | "malformed" | "provider-error", error: string, body?: unknown) =>
      end({ kind: "broken", how, status, error, ms: clock.now() - started, ...(body === undefined ? {} : { body }) });
    let limitTimer = clock.setTimeout(() => timeout("response", `no response headers after ${limits.headersMs} ms`), limits.headersMs);
    const firstTokenTimer = clock.setTimeout(() => timeout("first-token", `no first token after ${limits.firstTokenMs} ms`), limits.firstTokenMs);
    let gotFirstToken = false;
    const end = (result: AttemptOutcome | Abandoned) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(limitTimer);
      clock.clearTimeout(firstTokenTimer);
      stopListening();
      // Cancelling tells the simulated host (through the closed work key) to stop producing; aborting closes
      // a real server's connection, whether or not its headers came (a no-op after a whole stream).
      void reader?.cancel().catch(() => undefined);
      connection?.abort();
      work.resume(call.callerKey);
      work.close(call.key);
      resolve(result);
    };
    const armIdle = () => {
      clock.clearTimeout(limitTimer);
      limitTimer = clock.setTimeout(() => timeout("idle", `stream silent for ${limits.idleMs} ms after ${events} events`), limits.idleMs);
    };
    let sawDone = false;
    const parser = createParser({
      onEvent: (message) => {
        if (settled || sawDone) return;
        if (message.data === "[DONE]") {
          sawDone = true;
          return;
        }
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return broken("malformed", `malformed stream event after ${events} events: ${JSON.stringify(message.data.slice(0, 80))}`);
        }
        const providerError = (data as { error?: unknown } | null)?.error;
        if (providerError !== undefined) return broken("provider-error", `provider error mid-stream after ${events} events: ${errorText(data) ?? "unknown"}`, data);
        events++;
        let carriesContent: boolean;
        try {
          carriesContent = onEvent(data);
        } catch (error) {
          return broken("malformed", `malformed stream event after ${events - 1} events: ${(error as Error).message}`);
        }
        if (carriesContent && !gotFirstToken) {
          gotFirstToken = true;
          clock.clearTimeout(firstTokenTimer);
        }
        if (gotFirstToken) armIdle();
      },
    });
    stopListening = whenAbandoned(call.signal, (reason) => end({ kind: "abandoned", status, ms: clock.now() - started, reason }));
    if (settled) return;
    call.transport(call.url, {
      method: "POST",
      headers: { ...requestHeaders(call), accept: "text/event-stream" },
      body: JSON.stringify(call.body),
      ...(connection ? { signal: connection.signal } : {}),
    })
      .then(async (response) => {
        if (settled) return;
        status = response.status;
        if (status !== 200 || !response.body) {
          const retryAfterS = retryAfter(response);
          const body = parseBody(await response.text());
          return end({ kind: "status", status, body, error: errorText(body) ?? `HTTP ${status}`, ms: clock.now() - started, ...(retryAfterS === undefined ? {} : { retryAfterS }) });
        }
        // Headers are in; from here the first-token and idle limits govern.
        clock.clearTimeout(limitTimer);
        reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (settled) return;
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
          if (settled) return;
        }
        if (sawDone || finished()) end({ kind: "ok", ms: clock.now() - started });
        else broken("cut", `stream ended after ${events} events without a finish reason or [DONE]`);
      })
      .catch((error: unknown) => {
        const message = (error as Error).message ?? String(error);
        if (status === 0) end({ kind: "network", status: 0, error: `network error: ${message}`, ms: clock.now() - started });
        else broken("cut", `stream broke after ${events} events: ${message}`);
      });
  });
}

/** `code: message` of an OpenAI-style error body, if it is one. */
function errorText(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown; code?: unknown } } | undefined)?.error;
  if (!error || typeof error.message !== "string") return undefined;
  return typeof error.code === "string" ? `${error.code}: ${error.message}` : error.message;
}
