import { describe, expect, it } from "vitest";
import { classify, type Failure } from "../../engine/gateway/failure";
import type { AttemptFailure } from "../../engine/http";
import { GATEWAY_DEFAULTS } from "../../engine/scenario/schema";
import { statusOutcome } from "./targets";

type Expected = Pick<Failure, "kind" | "breaksAnswer"> & Partial<Pick<Failure, "retryAfterS">> & { providerErrorCode?: string | null };

const rows: { looks: string; outcome: AttemptFailure; sentPrefill?: boolean; expected: Expected }[] = [
  { looks: "429 with Retry-After", outcome: statusOutcome(429, "rate_limit_exceeded", { retryAfterS: 2 }), expected: { kind: "transient", breaksAnswer: false, retryAfterS: 2 } },
  { looks: "429 without Retry-After", outcome: statusOutcome(429, "rate_limit_exceeded"), expected: { kind: "transient", breaksAnswer: false } },
  { looks: "500", outcome: statusOutcome(500, "internal_error"), expected: { kind: "transient", breaksAnswer: false } },
  { looks: "503 with a Retry-After it does not wait for", outcome: statusOutcome(503, "overloaded", { retryAfterS: 1 }), expected: { kind: "unavailable", breaksAnswer: false } },
  { looks: "502", outcome: statusOutcome(502, "bad_gateway"), expected: { kind: "unavailable", breaksAnswer: false } },
  { looks: "404, 408, 409: another target may serve", outcome: statusOutcome(408, "request_timeout"), expected: { kind: "unavailable", breaksAnswer: false } },
  { looks: "a reset before any header", outcome: { kind: "network", status: 0, error: "network error: socket hang up", ms: 4 }, expected: { kind: "transient", breaksAnswer: false } },
  { looks: "no response in time", outcome: { kind: "timeout", limit: "response", status: 0, error: "timeout after 10000 ms", ms: 10_000 }, expected: { kind: "silent", breaksAnswer: true } },
  { looks: "no first token", outcome: { kind: "timeout", limit: "first-token", status: 200, error: "no first token after 5000 ms", ms: 5_000 }, expected: { kind: "silent", breaksAnswer: true } },
  { looks: "a stall between chunks", outcome: { kind: "timeout", limit: "idle", status: 200, error: "stream silent for 5000 ms after 3 events", ms: 5_400 }, expected: { kind: "silent", breaksAnswer: true } },
  { looks: "a cut stream", outcome: { kind: "broken", how: "cut", status: 200, error: "stream ended after 3 events without a finish reason or [DONE]", ms: 400 }, expected: { kind: "broken", breaksAnswer: true } },
  { looks: "a malformed chunk", outcome: { kind: "broken", how: "malformed", status: 200, error: "malformed stream event after 3 events", ms: 400 }, expected: { kind: "broken", breaksAnswer: true } },
  {
    looks: "an error event mid-stream",
    outcome: { kind: "broken", how: "provider-error", status: 200, body: { error: { message: "overloaded", code: "overloaded" } }, error: "provider error mid-stream after 3 events: overloaded: overloaded", ms: 400 },
    expected: { kind: "broken", breaksAnswer: true },
  },
  { looks: "400 context_length_exceeded", outcome: statusOutcome(400, "context_length_exceeded"), expected: { kind: "too-long", breaksAnswer: false, providerErrorCode: "context_length_exceeded" } },
  { looks: "400 content_policy_violation", outcome: statusOutcome(400, "content_policy_violation"), expected: { kind: "content-policy", breaksAnswer: false, providerErrorCode: "content_policy_violation" } },
  { looks: "400 prefill_not_supported to a prefill", outcome: statusOutcome(400, "prefill_not_supported"), sentPrefill: true, expected: { kind: "prefill-refused", breaksAnswer: false } },
  { looks: "400 prefill_not_supported without one", outcome: statusOutcome(400, "prefill_not_supported"), expected: { kind: "refused", breaksAnswer: false, providerErrorCode: "prefill_not_supported" } },
  { looks: "401 with a body that is no OpenAI error", outcome: { kind: "status", status: 401, body: "Unauthorized", error: "HTTP 401", ms: 3 }, expected: { kind: "refused", breaksAnswer: false } },
];

describe("classify: what a failed attempt means", () => {
  it.each(rows)("$looks → $expected.kind", ({ outcome, sentPrefill, expected }) => {
    const failure = classify(outcome, sentPrefill ?? false, GATEWAY_DEFAULTS);
    const { providerErrorCode, ...rest } = expected;
    expect(failure).toMatchObject({ ...rest, error: outcome.error });
    expect(failure.retryAfterS).toBe(expected.retryAfterS);
    expect(failure.providerError?.code).toBe(providerErrorCode);
  });

  it("reads a 400's code before the status lists: a 400 listed for failover still moves a content-policy refusal to its fallbacks", () => {
    const lists = { retriable_status_codes: [400], failover_status_codes: ["4xx" as const] };
    expect(classify(statusOutcome(400, "content_policy_violation"), false, lists).kind).toBe("content-policy");
    expect(classify(statusOutcome(400, "context_length_exceeded"), false, lists).kind).toBe("too-long");
    expect(classify(statusOutcome(400, "invalid_value"), false, lists).kind).toBe("transient");
    expect(classify(statusOutcome(418, "teapot"), false, lists).kind).toBe("unavailable");
  });

  it("hands the caller the provider's error as OpenAI shapes it, defaulting the type by status", () => {
    const failure = classify({ kind: "status", status: 400, body: { error: { message: "too long", type: "odd_type", code: "context_length_exceeded" } }, error: "x", ms: 1 }, false, GATEWAY_DEFAULTS);
    expect(failure.providerError).toEqual({ message: "too long", type: "invalid_request_error", param: null, code: "context_length_exceeded" });
  });
});
