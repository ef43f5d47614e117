/**
 * The request-level fault classes, their defaults and labels: plain data without zod, so the app's renderer
 * can name them in its menus while the scenario schema validates them.
 */
/** How one completion request can go wrong at a provider, after failoverbench's request-level scenarios (shared/ANCHORS.md). */
export const REQUEST_FAULT_CLASSES = [
  "rate-limit-retry-after",
  "rate-limit",
  "server-error",
  "unavailable",
  "connection-reset",
  "no-response",
  "slow-first-token",
  "stream-cut",
  "stream-stall",
  "malformed-chunk",
  "no-done",
  "context-length",
  "content-policy",
  "rejects-prefill",
] as const;
export type RequestFaultClass = (typeof REQUEST_FAULT_CLASSES)[number];

/** A Retry-After worth waiting for; a first token six times the limit; a cut after a few words. */
export const REQUEST_FAULT_DEFAULTS = { retry_after_s: 2, first_token_ms: 30_000, after_chunks: 3 } as const;

/** How each class reads to people: the app's fault menu, the docs' table. */
export const REQUEST_FAULT_LABELS: Record<RequestFaultClass, string> = {
  "rate-limit-retry-after": "429 with Retry-After",
  "rate-limit": "429 without Retry-After",
  "server-error": "500",
  unavailable: "503",
  "connection-reset": "connection reset before headers",
  "no-response": "no response at all",
  "slow-first-token": "slow first token",
  "stream-cut": "stream cut mid-answer",
  "stream-stall": "stream stall (silent, open)",
  "malformed-chunk": "malformed SSE chunk",
  "no-done": "stream without data: [DONE]",
  "context-length": "400 context_length_exceeded",
  "content-policy": "400 content_policy_violation",
  "rejects-prefill": "rejects an assistant prefill",
};
