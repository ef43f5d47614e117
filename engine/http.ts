/**
 * The gateway's HTTP client: plain `fetch`, the code path a real gateway uses, with a timeout on the
 * injected clock. It also keeps the virtual clock honest: while the request travels, the attempt holds a
 * work key of its own (the simulated host suspends it while it sleeps), and the caller's key is suspended,
 * so time advances exactly when nothing but timers is left to happen.
 *
 * `AbortSignal.timeout()` ignores injected clocks and MSW does not reject a pending fetch on abort, so the
 * timeout races the fetch instead; closing the exchange's work key tells the simulated host to drop its
 * timer. (An AbortController per request also cost ~8 % of a drill's time in signal bookkeeping.)
 */
import type { Clock } from "./clock";
import { FROM_REGION_HEADER, WORK_HEADER, WORLD_HEADER } from "./sim/transport";

export interface HttpResult {
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly body: unknown;
  /** Why no usable response arrived: "timeout after N ms", or the network error. */
  readonly error?: string;
  /** Virtual ms the exchange took. */
  readonly ms: number;
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
}

export function fetchOnClock(clock: Clock, call: HttpCall): Promise<HttpResult> {
  const { work } = clock;
  const started = clock.now();
  work.open(call.key);
  work.suspend(call.callerKey);
  // One promise settled by whichever comes first, the answer or the timeout: this runs for every simulated
  // request, and a race of two promises plus an async wrapper showed up in profiles.
  return new Promise<HttpResult>((resolve) => {
    let settled = false;
    const settle = (result: Omit<HttpResult, "ms">) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      work.resume(call.callerKey);
      work.close(call.key);
      resolve({ ...result, ms: clock.now() - started });
    };
    const timer = clock.setTimeout(() => settle({ status: 0, body: undefined, error: `timeout after ${call.timeoutMs} ms` }), call.timeoutMs);
    fetch(call.url, {
      method: call.method ?? "GET",
      headers: {
        "content-type": "application/json",
        [WORLD_HEADER]: call.worldId,
        [WORK_HEADER]: call.key,
        [FROM_REGION_HEADER]: call.fromRegion,
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    })
      .then(async (response) => settle({ status: response.status, body: parseBody(await response.text()) }))
      .catch((error: unknown) => settle({ status: 0, body: undefined, error: `network error: ${(error as Error).message ?? String(error)}` }));
  });
}

/** JSON when the body is JSON; otherwise the text, and the caller decides whether that is an error. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
