/**
 * The gateway's retry and failover policy as one pure decision, after Envoy's `wouldRetryFromHeaders`:
 * given where the request stands and how its last attempt failed, {@link nextStep} says what comes next.
 * It reads no clock, draws no randomness (the backoff's jitter is an input) and takes no budget (whether
 * the retry budget has room is an input); the dispatch loop executes the step it returns.
 *
 * The conduct it encodes (docs/REQUEST-FAULTS.md, after failoverbench's classes in shared/ANCHORS.md): a
 * transient answer (500, 429, a reset connection) is retried once on the same target after a backoff or
 * its Retry-After; a silent or broken route fails over at once and is not tried again; a request the
 * provider refuses as too long moves to the long-context models, one its content policy refuses to the
 * content-policy fallbacks (each a "replan"); other refusals of the request itself end it with the
 * provider's reason. Which statuses are transient and which fail over is the scenario's (`classify`).
 */
import type { ChatError } from "../chat";
import type { Scenario } from "../scenario/schema";
import type { FallbackKind, Target } from "../topology";
import type { Failure } from "./failure";

/** The gateway settings the policy reads. */
export type RetryConfig = Pick<Scenario["gateway"], "max_attempts" | "backoff_base_ms" | "max_retry_after_s">;

/** Where a request stands after a failed attempt. */
export interface RetryState {
  /** The candidates in order; the failed attempt went to `plan[index]`. */
  readonly plan: readonly Target[];
  readonly index: number;
  /** Retries of `plan[index]` so far (the backoff doubles with each). */
  readonly sameTargetRetries: number;
  /** Attempts made so far, the failed one included. */
  readonly attempts: number;
  /** The logical model the caller asked for. */
  readonly model: string;
  /** The retry budget has room for one more retry now (Envoy's: 20 % of requests in flight, 3 always). */
  readonly retryBudgetLeft: boolean;
  /** Uniform in [0, 1): where in its jitter range a backoff falls. */
  readonly jitter: number;
  /** Chunks of the answer that have reached the caller. */
  readonly forwarded: number;
  /** The answer so far must be continued, not restarted: only a target that continues from a prefill may go on. */
  readonly resuming: boolean;
  /** `target: error` of the failure that first broke the answer, the last one included; no later refusal hides it. */
  readonly firstBreak: string | undefined;
  /**
   * The routed fallback candidates for the failure's kind (see {@link replanFor}): long-context ones after
   * `too-long`, content-policy ones after `content-policy`; read for no other failure.
   */
  readonly fallbacks: readonly Target[];
  readonly config: RetryConfig;
}

/** What the dispatch loop does next. */
export type Step =
  /** Wait `delayMs`, then try the same target again, holding one unit of the retry budget throughout. */
  | { readonly kind: "retry-same"; readonly delayMs: number }
  /** Try `plan[index]`, a later candidate. */
  | { readonly kind: "next-target"; readonly index: number }
  /** Go on with `plan`, the candidates tried so far followed by the fallbacks for the refusal, at `plan[index]`. */
  | { readonly kind: "replan"; readonly plan: readonly Target[]; readonly index: number }
  /** Give up: `reason` goes to the audit record, `providerError` (when the request itself was refused) to the caller. */
  | { readonly kind: "stop"; readonly reason: string; readonly providerError?: ChatError };

/** The fallbacks a failure moves the request to, if it is a refusal that has any. */
export function replanFor(failure: Failure): FallbackKind | undefined {
  return failure.kind === "too-long" ? "long-context" : failure.kind === "content-policy" ? "content-policy" : undefined;
}

/** The first step for a plan: its first candidate, or a stop when no target can serve. */
export function firstStep(plan: readonly Target[], exhausted?: string): Step {
  return plan.length === 0 ? { kind: "stop", reason: exhausted ?? "no target serves this model" } : { kind: "next-target", index: 0 };
}

/** What the dispatch loop does after the attempt at `state.plan[state.index]` failed as `failure`; delays in virtual ms. */
export function nextStep(state: RetryState, failure: Failure): Step {
  const { plan, index, sameTargetRetries, retryBudgetLeft, config } = state;
  const target = plan[index]!;
  const lastCandidate = index === plan.length - 1;
  switch (failure.kind) {
    case "transient":
      if (failure.retryAfterS !== undefined)
        return failure.retryAfterS <= config.max_retry_after_s && sameTargetRetries === 0 && retryBudgetLeft
          ? retrySame(state, failure, Math.max(failure.retryAfterS * 1000, backoffMs(state)))
          : moveOn(state, failure);
      return (sameTargetRetries === 0 || lastCandidate) && retryBudgetLeft ? retrySame(state, failure, backoffMs(state)) : moveOn(state, failure);
    case "unavailable":
      // Nothing else to try: retrying the only target, with backoff, is all that is left.
      return lastCandidate && retryBudgetLeft ? retrySame(state, failure, backoffMs(state)) : moveOn(state, failure);
    case "silent":
    case "broken":
    case "prefill-refused":
      // A refused prefill is recorded, but the break before it stays the reason.
      return moveOn(state, failure);
    case "too-long":
    case "content-policy": {
      const tried = plan.slice(0, index + 1);
      const more = state.fallbacks.filter((t) => !tried.some((x) => x.id === t.id));
      if (more.length > 0) return moveOn(state, failure, [...tried, ...more]);
      return failure.kind === "too-long"
        ? stop(`${target.id} refused the request: ${failure.error}; no long-context model is configured for ${state.model}`, failure.providerError)
        : refusal(state, failure);
    }
    case "refused":
      return refusal(state, failure);
  }
}

/** The request itself was refused and nothing else may take it: the caller learns why, unless a break came first. */
function refusal(state: RetryState, failure: Failure): Step {
  const target = state.plan[state.index]!;
  return state.firstBreak
    ? stop(`${state.firstBreak}; then ${target.id} refused: ${failure.error}`)
    : stop(`${target.id} refused the request: ${failure.error}`, failure.providerError);
}

/**
 * Envoy's backoff: `backoff_base_ms` × 2ⁿ for the n-th retry, capped at ten times the base, the upper half
 * of it jittered, so the shortest wait is half the base and never a tight loop.
 */
function backoffMs({ sameTargetRetries, jitter, config }: RetryState): number {
  const ceiling = Math.min(config.backoff_base_ms * 2 ** sameTargetRetries, config.backoff_base_ms * 10);
  return ceiling / 2 + (ceiling / 2) * jitter;
}

function retrySame(state: RetryState, failure: Failure, delayMs: number): Step {
  return state.attempts >= state.config.max_attempts ? exhausted(state, failure) : { kind: "retry-same", delayMs };
}

/**
 * The next candidate that may take the request, in the plan or in `replanned` when the request moves to a
 * refusal's fallbacks, passing over those that cannot continue the answer.
 */
function moveOn(state: RetryState, failure: Failure, replanned?: readonly Target[]): Step {
  if (state.attempts >= state.config.max_attempts) return exhausted(state, failure);
  const plan = replanned ?? state.plan;
  let index = state.index + 1;
  while (index < plan.length && state.resuming && !plan[index]!.supportsPrefill) index++;
  if (index >= plan.length) return exhausted(state, failure);
  return replanned ? { kind: "replan", plan, index } : { kind: "next-target", index };
}

/** The stop when attempts or candidates ran out, naming what broke the answer first and what failed last. */
function exhausted(state: RetryState, failure: Failure): Step {
  const { attempts, forwarded, firstBreak } = state;
  const spent = attempts >= state.config.max_attempts ? `all ${attempts} attempts failed` : `no target left after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const resumable = forwarded > 0 ? `; ${forwarded} chunks had reached the caller and no other target can continue the answer` : "";
  return stop(`${spent}${resumable}; ${firstBreak ? `first: ${firstBreak}; ` : ""}last: ${failure.error}`);
}

function stop(reason: string, providerError?: ChatError): Step {
  return { kind: "stop", reason, ...(providerError ? { providerError } : {}) };
}
