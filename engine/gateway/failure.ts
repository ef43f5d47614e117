/**
 * What a failed attempt means for the request, read from the one outcome shape `engine/http.ts` produces.
 * Pure: the retry policy ({@link nextStep}) decides from it, and it is table-tested without a network.
 */
import type { ChatError } from "../chat";
import type { AttemptFailure } from "../http";
import type { StatusCode } from "../scenario/sections/gateway";

/** The gateway settings (scenario `gateway`) that say which statuses are retried and which failed over. */
export interface StatusConfig {
  readonly retriable_status_codes: readonly StatusCode[];
  readonly failover_status_codes: readonly StatusCode[];
}

/** A failed attempt, as the retry policy sees it. */
export interface Failure {
  /**
   * `transient`: worth one more try on the same target (`retriable_status_codes`, by default 429 and 500;
   * a reset before any header). `unavailable`: the target cannot serve now (`failover_status_codes`, by
   * default 5xx, 404, 408, 409). `silent`: a limit on silence ran out. `broken`: the answer began and broke
   * off. `too-long`: the model's context is too small. `content-policy`: the model's content policy refused
   * the request. `prefill-refused`: the target cannot continue an answer from a prefill. `refused`: the
   * request itself is wrong, and any target would refuse it.
   */
  readonly kind: "transient" | "unavailable" | "silent" | "broken" | "too-long" | "content-policy" | "prefill-refused" | "refused";
  /** The attempt's error as the audit record keeps it. */
  readonly error: string;
  /** The answer's Retry-After, seconds. */
  readonly retryAfterS?: number;
  /** The provider's own error, passed to the caller when the request itself was refused. */
  readonly providerError?: ChatError;
  /** The answer had begun and broke off (or never began where it should have), as opposed to being refused. */
  readonly breaksAnswer: boolean;
}

/** `status` is `code`, or of its class (`5xx`). */
function matches(status: number, codes: readonly StatusCode[]): boolean {
  return codes.some((code) => (typeof code === "number" ? code === status : Math.floor(status / 100) === Number(code[0])));
}

/**
 * `sentPrefill`: the attempt asked the target to continue an answer from an assistant prefill. A 400 whose
 * code names what the model refused (context too long, content policy, a prefill) is that refusal whatever
 * the status lists say; otherwise the retriable statuses come first, then the failover ones.
 */
export function classify(outcome: AttemptFailure, sentPrefill: boolean, statuses: StatusConfig): Failure {
  const { error } = outcome;
  switch (outcome.kind) {
    case "timeout":
      return { kind: "silent", error, breaksAnswer: true };
    case "broken":
      return { kind: "broken", error, breaksAnswer: true };
    case "network":
      // A reset before any header is usually a connection the provider dropped in passing: worth one more try.
      return { kind: "transient", error, breaksAnswer: false };
  }
  const { status, retryAfterS } = outcome;
  const providerError = asChatError(outcome.body, status);
  const withError = providerError ? { providerError } : {};
  const code = status === 400 ? providerError?.code : undefined;
  if (code === "context_length_exceeded") return { kind: "too-long", error, breaksAnswer: false, ...withError };
  if (code === "content_policy_violation") return { kind: "content-policy", error, breaksAnswer: false, ...withError };
  if (code === "prefill_not_supported" && sentPrefill) return { kind: "prefill-refused", error, breaksAnswer: false };
  if (matches(status, statuses.retriable_status_codes)) return { kind: "transient", error, breaksAnswer: false, ...(retryAfterS === undefined ? {} : { retryAfterS }) };
  if (matches(status, statuses.failover_status_codes)) return { kind: "unavailable", error, breaksAnswer: false };
  return { kind: "refused", error, breaksAnswer: false, ...withError };
}

const CHAT_ERROR_TYPES: ReadonlySet<string> = new Set<ChatError["type"]>(["invalid_request_error", "server_error", "rate_limit_error", "not_found_error"]);

function isChatErrorType(type: unknown): type is ChatError["type"] {
  return typeof type === "string" && CHAT_ERROR_TYPES.has(type);
}

/** The provider's OpenAI-style error, as the caller should see it. */
function asChatError(body: unknown, status: number): ChatError | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const { error } = body;
  if (typeof error !== "object" || error === null || !("message" in error) || typeof error.message !== "string") return undefined;
  const type = "type" in error ? error.type : undefined;
  const param = "param" in error ? error.param : undefined;
  const code = "code" in error ? error.code : undefined;
  return {
    message: error.message,
    type: isChatErrorType(type) ? type : status < 500 ? "invalid_request_error" : "server_error",
    param: typeof param === "string" ? param : null,
    code: typeof code === "string" ? code : null,
  };
}
