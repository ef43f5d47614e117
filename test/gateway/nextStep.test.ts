/**
 * The retry policy as tables: what a failed attempt looks like on the wire (as `engine/http.ts` reports it)
 * and where the request stands → the step the dispatch loop must take. No MSW, no clock.
 */
import { describe, expect, it } from "vitest";
import { REQUEST_FAULT_CLASSES, type RequestFaultClass } from "../../engine/faults/requestFaultClasses";
import { classify } from "../../engine/gateway/failure";
import { firstStep, nextStep, type RetryState, type Step } from "../../engine/gateway/retryPolicy";
import type { AttemptOutcome } from "../../engine/http";
import { GATEWAY_DEFAULTS } from "../../engine/scenario/schema";
import type { StatusCode } from "../../engine/scenario/sections/gateway";
import { statusOutcome, target } from "./targets";

const primary = target("openai-sim", "gpt-4o");
const fallback = target("anthropic-sim", "claude-sonnet", { supportsPrefill: true });
const noPrefill = target("mistral-sim", "mistral-large");
const longModel = target("openai-sim", "gpt-4o-long");
const lenient = target("mistral-sim", "mistral-lenient", { supportsPrefill: true });

/** The request has tried the first of two candidates once; jitter 0.5 puts a 100 ms base backoff at 75 ms. */
const start: RetryState = {
  plan: [primary, fallback],
  index: 0,
  sameTargetRetries: 0,
  attempts: 1,
  model: "chat",
  retryBudgetLeft: true,
  jitter: 0.5,
  forwarded: 0,
  resuming: false,
  firstBreak: undefined,
  fallbacks: [],
  config: { max_attempts: 3, backoff_base_ms: 100, max_retry_after_s: 10 },
};

const cut: AttemptOutcome = { kind: "broken", how: "cut", status: 200, error: "stream ended after 3 events without a finish reason or [DONE]", ms: 420 };
const cutBreak = `${primary.id}: ${cut.error}`;

/** The step after `outcome`; a whole answer needs none. `sentPrefill` follows the state: a resumed attempt sent one. */
function stepAfter(outcome: AttemptOutcome, state: Partial<RetryState> = {}): Step | "answered" {
  if (outcome.kind === "ok") return "answered";
  const full = { ...start, ...state };
  return nextStep(full, classify(outcome, full.resuming, GATEWAY_DEFAULTS));
}

const perClass: Record<RequestFaultClass, { looks: AttemptOutcome; state?: Partial<RetryState>; expected: Step | "answered" }> = {
  "rate-limit-retry-after": { looks: statusOutcome(429, "rate_limit_exceeded", { retryAfterS: 2 }), expected: { kind: "retry-same", delayMs: 2_000 } },
  "rate-limit": { looks: statusOutcome(429, "rate_limit_exceeded"), expected: { kind: "retry-same", delayMs: 75 } },
  "server-error": { looks: statusOutcome(500, "internal_error"), expected: { kind: "retry-same", delayMs: 75 } },
  unavailable: { looks: statusOutcome(503, "overloaded"), expected: { kind: "next-target", index: 1 } },
  "connection-reset": { looks: { kind: "network", status: 0, error: "network error: socket hang up", ms: 3 }, expected: { kind: "retry-same", delayMs: 75 } },
  "no-response": { looks: { kind: "timeout", limit: "first-token", status: 0, error: "no first token after 5000 ms", ms: 5_000 }, expected: { kind: "next-target", index: 1 } },
  "slow-first-token": { looks: { kind: "timeout", limit: "first-token", status: 200, error: "no first token after 5000 ms", ms: 5_000 }, expected: { kind: "next-target", index: 1 } },
  "stream-cut": { looks: cut, state: { forwarded: 4, resuming: true, firstBreak: cutBreak }, expected: { kind: "next-target", index: 1 } },
  "stream-stall": {
    looks: { kind: "timeout", limit: "idle", status: 200, error: "stream silent for 5000 ms after 3 events", ms: 5_400 },
    state: { forwarded: 4, resuming: true },
    expected: { kind: "next-target", index: 1 },
  },
  "malformed-chunk": { looks: { kind: "broken", how: "malformed", status: 200, error: "malformed stream event after 3 events", ms: 420 }, state: { forwarded: 4, resuming: true }, expected: { kind: "next-target", index: 1 } },
  // The last chunk carried a finish reason: the stream is whole, and http.ts reports it so.
  "no-done": { looks: { kind: "ok", ms: 1_100 }, expected: "answered" },
  "context-length": {
    looks: statusOutcome(400, "context_length_exceeded"),
    state: { fallbacks: [longModel] },
    expected: { kind: "replan", plan: [primary, longModel], index: 1 },
  },
  "content-policy": {
    looks: statusOutcome(400, "content_policy_violation"),
    expected: {
      kind: "stop",
      reason: `${primary.id} refused the request: content_policy_violation: content_policy_violation at the provider`,
      providerError: { message: "content_policy_violation at the provider", type: "invalid_request_error", param: null, code: "content_policy_violation" },
    },
  },
  "rejects-prefill": {
    looks: statusOutcome(400, "prefill_not_supported"),
    state: { index: 1, attempts: 2, forwarded: 4, resuming: true, firstBreak: cutBreak },
    expected: {
      kind: "stop",
      reason: `no target left after 2 attempts; 4 chunks had reached the caller and no other target can continue the answer; first: ${cutBreak}; last: prefill_not_supported: prefill_not_supported at the provider`,
    },
  },
};

describe("nextStep: one row per request-fault class of docs/REQUEST-FAULTS.md", () => {
  it("has a row for every class", () => {
    expect(Object.keys(perClass).sort()).toEqual([...REQUEST_FAULT_CLASSES].sort());
  });

  it.each(Object.entries(perClass))("%s", (_, { looks, state, expected }) => {
    expect(stepAfter(looks, state)).toEqual(expected);
  });
});

describe("nextStep: budget, caps, the last candidate, long context, prefill, a resumed stream", () => {
  const rows: { when: string; looks: AttemptOutcome; state?: Partial<RetryState>; expected: Step }[] = [
    { when: "the retry budget is spent: a 500 fails over", looks: statusOutcome(500, "internal_error"), state: { retryBudgetLeft: false }, expected: { kind: "next-target", index: 1 } },
    { when: "the retry budget is spent on the last candidate: nothing left", looks: statusOutcome(500, "internal_error"), state: { index: 1, retryBudgetLeft: false }, expected: { kind: "stop", reason: "no target left after 1 attempt; last: internal_error: internal_error at the provider" } },
    { when: "a Retry-After over the cap fails over at once", looks: statusOutcome(429, "rate_limit_exceeded", { retryAfterS: 30 }), expected: { kind: "next-target", index: 1 } },
    { when: "a Retry-After is honoured once per target", looks: statusOutcome(429, "rate_limit_exceeded", { retryAfterS: 2 }), state: { sameTargetRetries: 1 }, expected: { kind: "next-target", index: 1 } },
    { when: "a Retry-After shorter than the backoff waits the backoff", looks: statusOutcome(429, "rate_limit_exceeded", { retryAfterS: 0.01 }), expected: { kind: "retry-same", delayMs: 75 } },
    { when: "a transient failure retried once already fails over", looks: statusOutcome(500, "internal_error"), state: { sameTargetRetries: 1 }, expected: { kind: "next-target", index: 1 } },
    { when: "on the last candidate a transient failure is retried again, the backoff doubled", looks: statusOutcome(500, "internal_error"), state: { index: 1, sameTargetRetries: 1, attempts: 2 }, expected: { kind: "retry-same", delayMs: 150 } },
    { when: "the backoff is capped at ten times the base", looks: statusOutcome(500, "internal_error"), state: { index: 1, sameTargetRetries: 6, jitter: 0, config: { ...start.config, max_attempts: 10 }, attempts: 7 }, expected: { kind: "retry-same", delayMs: 500 } },
    { when: "a 503 on the last candidate is retried with backoff", looks: statusOutcome(503, "overloaded"), state: { index: 1 }, expected: { kind: "retry-same", delayMs: 75 } },
    { when: "a silent last candidate is not retried", looks: { kind: "timeout", limit: "response", status: 0, error: "timeout after 10000 ms", ms: 10_000 }, state: { index: 1 }, expected: { kind: "stop", reason: "no target left after 1 attempt; last: timeout after 10000 ms" } },
    { when: "the attempts are used up, even for a retry", looks: statusOutcome(500, "internal_error"), state: { attempts: 3 }, expected: { kind: "stop", reason: "all 3 attempts failed; last: internal_error: internal_error at the provider" } },
    {
      when: "context too long: long-context targets already tried are not tried again, and later candidates are dropped",
      looks: statusOutcome(400, "context_length_exceeded"),
      state: { plan: [primary, longModel, fallback], index: 1, attempts: 2, fallbacks: [longModel, noPrefill] },
      expected: { kind: "replan", plan: [primary, longModel, noPrefill], index: 2 },
    },
    {
      when: "context too long without a long-context model: the provider's error reaches the caller",
      looks: statusOutcome(400, "context_length_exceeded"),
      expected: {
        kind: "stop",
        reason: `${primary.id} refused the request: context_length_exceeded: context_length_exceeded at the provider; no long-context model is configured for chat`,
        providerError: { message: "context_length_exceeded at the provider", type: "invalid_request_error", param: null, code: "context_length_exceeded" },
      },
    },
    {
      when: "context too long with the attempts used up",
      looks: statusOutcome(400, "context_length_exceeded"),
      state: { attempts: 3, fallbacks: [longModel] },
      expected: { kind: "stop", reason: "all 3 attempts failed; last: context_length_exceeded: context_length_exceeded at the provider" },
    },
    {
      when: "a refused prefill passes on to the next target that can continue",
      looks: statusOutcome(400, "prefill_not_supported"),
      state: { plan: [primary, fallback, noPrefill, target("anthropic-sim", "claude-sonnet", { region: "eu-central", supportsPrefill: true })], index: 1, attempts: 2, forwarded: 4, resuming: true, firstBreak: cutBreak },
      expected: { kind: "next-target", index: 3 },
    },
    {
      when: "a resumed stream passes over targets that cannot continue from a prefill",
      looks: cut,
      state: { plan: [primary, noPrefill, fallback], forwarded: 4, resuming: true, firstBreak: cutBreak },
      expected: { kind: "next-target", index: 2 },
    },
    {
      when: "a resumed stream with no target that can continue ends, naming the break",
      looks: cut,
      state: { plan: [primary, noPrefill], forwarded: 4, resuming: true, firstBreak: cutBreak },
      expected: { kind: "stop", reason: `no target left after 1 attempt; 4 chunks had reached the caller and no other target can continue the answer; first: ${cutBreak}; last: ${cut.error}` },
    },
    {
      when: "a stream cut before any chunk reached the caller restarts on any target",
      looks: cut,
      state: { plan: [primary, noPrefill], firstBreak: cutBreak },
      expected: { kind: "next-target", index: 1 },
    },
    {
      when: "content policy: the request moves to the model's content-policy fallbacks, later candidates dropped",
      looks: statusOutcome(400, "content_policy_violation"),
      state: { fallbacks: [lenient] },
      expected: { kind: "replan", plan: [primary, lenient], index: 1 },
    },
    {
      when: "content policy: a fallback already tried is not tried again; the next one is",
      looks: statusOutcome(400, "content_policy_violation"),
      state: { plan: [primary, lenient], index: 1, attempts: 2, fallbacks: [lenient, noPrefill] },
      expected: { kind: "replan", plan: [primary, lenient, noPrefill], index: 2 },
    },
    {
      when: "content policy with every fallback tried: the provider's error reaches the caller",
      looks: statusOutcome(400, "content_policy_violation"),
      state: { plan: [primary, lenient], index: 1, attempts: 2, fallbacks: [lenient] },
      expected: {
        kind: "stop",
        reason: `${lenient.id} refused the request: content_policy_violation: content_policy_violation at the provider`,
        providerError: { message: "content_policy_violation at the provider", type: "invalid_request_error", param: null, code: "content_policy_violation" },
      },
    },
    {
      when: "content policy on a resumed stream: a fallback that cannot continue is passed over",
      looks: statusOutcome(400, "content_policy_violation"),
      state: { plan: [primary, fallback], index: 1, attempts: 2, forwarded: 4, resuming: true, firstBreak: cutBreak, fallbacks: [noPrefill, lenient] },
      expected: { kind: "replan", plan: [primary, fallback, noPrefill, lenient], index: 3 },
    },
    {
      when: "content policy with the attempts used up",
      looks: statusOutcome(400, "content_policy_violation"),
      state: { attempts: 3, fallbacks: [lenient] },
      expected: { kind: "stop", reason: "all 3 attempts failed; last: content_policy_violation: content_policy_violation at the provider" },
    },
    {
      when: "a refusal after a break names the break and hides the provider's error",
      looks: statusOutcome(400, "content_policy_violation"),
      state: { index: 1, attempts: 2, forwarded: 4, resuming: true, firstBreak: cutBreak },
      expected: { kind: "stop", reason: `${cutBreak}; then ${fallback.id} refused: content_policy_violation: content_policy_violation at the provider` },
    },
  ];

  it.each(rows)("$when", ({ looks, state, expected }) => {
    expect(stepAfter(looks, state)).toEqual(expected);
  });
});

describe("nextStep: the scenario's status lists (gateway.retriable_status_codes, failover_status_codes)", () => {
  const statuses = (retriable: StatusCode[], failover: StatusCode[]) => ({ retriable_status_codes: retriable, failover_status_codes: failover });
  const rows: { when: string; looks: AttemptOutcome; lists: ReturnType<typeof statuses>; expected: Step }[] = [
    { when: "a 503 listed as retriable is retried on the same target", looks: statusOutcome(503, "overloaded"), lists: statuses([429, 500, 503], ["5xx"]), expected: { kind: "retry-same", delayMs: 75 } },
    { when: "a 500 not listed as retriable fails over at once", looks: statusOutcome(500, "internal_error"), lists: statuses([429], ["5xx"]), expected: { kind: "next-target", index: 1 } },
    { when: "a 429 listed in neither ends the request with the provider's error", looks: statusOutcome(429, "rate_limit_exceeded"), lists: statuses([], ["5xx"]), expected: { kind: "stop", reason: `${primary.id} refused the request: rate_limit_exceeded: rate_limit_exceeded at the provider`, providerError: { message: "rate_limit_exceeded at the provider", type: "invalid_request_error", param: null, code: "rate_limit_exceeded" } } },
    { when: "a 404 fails over only while it is listed", looks: statusOutcome(404, "model_not_found"), lists: statuses([429, 500], ["5xx"]), expected: { kind: "stop", reason: `${primary.id} refused the request: model_not_found: model_not_found at the provider`, providerError: { message: "model_not_found at the provider", type: "invalid_request_error", param: null, code: "model_not_found" } } },
    { when: "a 4xx class fails over every client error", looks: statusOutcome(422, "unprocessable"), lists: statuses([429, 500], ["5xx", "4xx"]), expected: { kind: "next-target", index: 1 } },
  ];

  it.each(rows)("$when", ({ looks, lists, expected }) => {
    if (looks.kind === "ok") throw new Error("a failure is needed");
    expect(nextStep(start, classify(looks, false, lists))).toEqual(expected);
  });

  it("the defaults are today's conduct: 429 and 500 retried, 5xx, 404, 408 and 409 failed over, other 4xx refused", () => {
    expect(GATEWAY_DEFAULTS.retriable_status_codes).toEqual([429, 500]);
    expect(GATEWAY_DEFAULTS.failover_status_codes).toEqual(["5xx", 404, 408, 409]);
  });
});

describe("firstStep", () => {
  it("tries the first candidate, or stops when no target serves the model", () => {
    expect(firstStep([primary, fallback])).toEqual({ kind: "next-target", index: 0 });
    expect(firstStep([])).toEqual({ kind: "stop", reason: "no target serves this model" });
  });
});
