/** The gateway section: how each region's gateway times out, retries and fails over a request. */
import { z } from "zod";

/** What every gateway does unless the file says otherwise. */
export const GATEWAY_DEFAULTS = {
  /** A whole non-streamed attempt; a streamed one only until its headers. With a fallback answering in ~1 s it ends a silent route inside 12 s. */
  attempt_timeout_ms: 10_000,
  /** Streamed attempts: from sending to the first token. Our choice (no system in ANCHORS publishes one): a healthy model's first token comes within ~1–2 s. */
  first_token_timeout_ms: 5_000,
  /** Streamed attempts: the longest silence between chunks once the answer has begun. Our choice, like the first-token limit. */
  stream_idle_timeout_ms: 5_000,
  /** LiteLLM's num_retries 2: three attempts in all. */
  max_attempts: 3,
  /** Backoff before retrying the same target: base × 2^n, half of it jittered, capped at ten times the base (Envoy's default cap). */
  backoff_base_ms: 100,
  /** A Retry-After up to this is waited out on the same target; a longer one fails over at once. Portkey caps the whole wait at 60 s. */
  max_retry_after_s: 10,
  /** Envoy's retry budget: retries may be at most 20 % of the requests in flight, but 3 are always allowed. */
  retry_budget: { budget_percent: 20, min_retry_concurrency: 3 },
  /**
   * Statuses retried once on the same target, then failed over (Envoy's `retriable_status_codes`, LiteLLM's
   * retry on 429 and 500): a rate limit and an internal error usually pass.
   */
  retriable_status_codes: [429, 500],
  /**
   * Statuses failed over at once (Portkey's fallback `on_status_codes`): the target cannot serve now, and
   * another may. Any other status is a refusal of the request itself, which ends it.
   */
  failover_status_codes: ["5xx", 404, 408, 409],
  /**
   * Requests one gateway holds at once; more are refused at once (by capacity, a 503). Envoy's `max_requests` circuit
   * breaker default: high enough that no shipped scenario reaches it, low enough to bound a run's memory.
   */
  max_in_flight: 1_024,
  /** A streamed answer's start held back before its first chunk goes out: none, each chunk goes out as it arrives. */
  stream_holdback: { chunks: 0 },
} as const;

/** An HTTP error status, or a class of them (`4xx`, `5xx`). */
const statusCode = z.union([z.int().min(400).max(599), z.enum(["4xx", "5xx"])], { error: 'must be an HTTP error status (400–599), "4xx" or "5xx"' });
export type StatusCode = z.infer<typeof statusCode>;

/**
 * The start of a streamed answer the gateway holds back, so that a stream breaking inside it restarts
 * cleanly on any fallback instead of needing one that continues from a prefill: up to `chunks` chunks, or
 * the chunks of the first `ms` after the first one arrived. It costs time to first token (BENCHMARKS.md).
 */
const streamHoldback = z.union(
  [
    z.strictObject({ chunks: z.int().min(0).max(1_000).describe("Chunks held back; they go out when one more arrives or the answer ends") }),
    z.strictObject({
      ms: z.int().min(0).max(60_000).describe("Virtual ms after the first chunk during which chunks are held; they go out with the first chunk after it, or when the answer ends"),
    }),
  ],
  { error: "must be { chunks: N } or { ms: M }, not both" },
);
export type StreamHoldback = z.infer<typeof streamHoldback>;

const retryBudget = z.strictObject({
  budget_percent: z.number().min(0).max(100).default(GATEWAY_DEFAULTS.retry_budget.budget_percent),
  min_retry_concurrency: z.int().min(0).max(10_000).default(GATEWAY_DEFAULTS.retry_budget.min_retry_concurrency),
});

export const gateway = z
  .strictObject({
    attempt_timeout_ms: z.number().positive().max(600_000).default(GATEWAY_DEFAULTS.attempt_timeout_ms),
    first_token_timeout_ms: z.number().positive().max(600_000).default(GATEWAY_DEFAULTS.first_token_timeout_ms),
    stream_idle_timeout_ms: z.number().positive().max(600_000).default(GATEWAY_DEFAULTS.stream_idle_timeout_ms),
    max_attempts: z.int().min(1).max(10).default(GATEWAY_DEFAULTS.max_attempts),
    backoff_base_ms: z.number().min(1).max(60_000).default(GATEWAY_DEFAULTS.backoff_base_ms),
    max_retry_after_s: z.number().min(0).max(3_600).default(GATEWAY_DEFAULTS.max_retry_after_s),
    retry_budget: retryBudget.prefault({}),
    retriable_status_codes: z
      .array(statusCode)
      .default(() => [...GATEWAY_DEFAULTS.retriable_status_codes])
      .describe("Statuses retried once on the same target, then failed over; a class such as 5xx covers its hundred"),
    failover_status_codes: z
      .array(statusCode)
      .default(() => [...GATEWAY_DEFAULTS.failover_status_codes])
      .describe("Statuses failed over at once; a status in neither list ends the request with the provider's error"),
    max_in_flight: z
      .int()
      .min(1)
      .max(10_000)
      .default(GATEWAY_DEFAULTS.max_in_flight)
      .describe("Requests one gateway holds at once (Envoy's max_requests); any more are refused at once with a 503 instead of queueing"),
    stream_holdback: streamHoldback
      .default(GATEWAY_DEFAULTS.stream_holdback)
      .describe("How much of a streamed answer's start is held back, so a stream broken inside it restarts cleanly on any fallback"),
  })
  .prefault({});
