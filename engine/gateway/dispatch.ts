/**
 * Dispatch, the stage that tries the route's candidates: it only executes the steps the retry policy
 * ({@link nextStep}) returns — waits on the clock, runs attempts, runs a retry inside the retry budget —
 * and gathers the facts the next decision needs.
 */
import type { ChatError, ChatSink } from "../chat";
import type { AttemptRecord, SentToCaller } from "../events";
import { abandonReason } from "../http";
import { AnswerSoFar } from "./answer";
import { attempt, type AttemptResult, type AttemptSite } from "./attempt";
import type { Answer, CallerRequest, Route } from "./request";
import { RetryBudget } from "./retryBudget";
import { firstStep, nextStep, replanFor, type Step } from "./retryPolicy";
import { fallbackRoute } from "./route";

/** What dispatch came to: the attempts, and the answer or why there is none. */
export interface Dispatched {
  readonly attempts: AttemptRecord[];
  readonly answer?: Answer;
  readonly reason?: string;
  readonly providerError?: ChatError;
  /** Some chunks of the answer reached the caller. */
  readonly streamed: boolean;
  /** The caller gave up (its client went away, or the session closed): why, and what it had been sent. No attempt followed. */
  readonly cancelled?: { readonly reason: string; readonly sent: SentToCaller };
}

/** A gateway's dispatch stage, with the retry budget its requests share. */
export class Dispatcher {
  private readonly budget: RetryBudget;

  constructor(private readonly site: AttemptSite) {
    this.budget = new RetryBudget(site.ctx.scenario.gateway.retry_budget);
  }

  /** Tries the route's candidates for `request` (work key `key`), streaming a chat call's answer into `sink`. */
  dispatch(request: CallerRequest, key: string, route: Route, sink: ChatSink | undefined): Promise<Dispatched> {
    return this.budget.admit(() => this.tryCandidates(request, key, route, sink));
  }

  private async tryCandidates(request: CallerRequest, key: string, route: Route, sink: ChatSink | undefined): Promise<Dispatched> {
    const { ctx, region, health, rates } = this.site;
    const attempts: AttemptRecord[] = [];
    const answered = new AnswerSoFar(request, ctx.scenario.gateway.stream_holdback, ctx.clock);
    let plan = route.candidates;
    let index = 0;
    let sameTargetRetries = 0;
    let firstBreak: string | undefined;
    const { signal } = request.chat ?? {};
    const cancelled = (reason: string): Dispatched => ({
      attempts,
      cancelled: { reason, sent: { chunks: answered.forwarded, characters: answered.forwardedCharacters } },
      streamed: answered.forwarded > 0,
    });
    for (let step: Step = firstStep(plan, route.exhausted); ; ) {
      if (step.kind === "stop") return { attempts, reason: step.reason, streamed: answered.forwarded > 0, ...(step.providerError ? { providerError: step.providerError } : {}) };
      if (step.kind === "retry-same") sameTargetRetries++;
      else {
        if (step.kind === "replan") plan = step.plan;
        index = step.index;
        sameTargetRetries = 0;
      }
      const target = plan[index]!;
      const resume = answered.mustContinue;
      // Nothing more is tried for a caller who has gone, not even a retry whose wait began before it went.
      const run = (): Promise<AttemptResult | undefined> => {
        if (signal?.aborted) return Promise.resolve(undefined);
        // Counted as sent, not as answered: a request the provider fails still used its rpm.
        rates.sent(target, ctx.clock.now());
        return attempt(this.site, target, request, key, attempts.length, answered, resume, sink);
      };
      let result: AttemptResult | undefined;
      if (step.kind === "retry-same") {
        // The retry holds its unit of the budget from its wait to the end of its attempt.
        const unit = this.budget.take();
        try {
          if (step.delayMs > 0) await ctx.clock.sleep(step.delayMs, key);
          result = await run();
        } finally {
          unit.release();
        }
      } else result = await run();
      if (!result) return cancelled(abandonReason(signal!));
      attempts.push(result.record);
      if ("abandoned" in result) return cancelled(result.abandoned);
      if (result.ok) {
        if (result.usage) rates.used(target, ctx.clock.now(), result.usage.prompt_tokens + result.usage.completion_tokens);
        answered.finish(sink);
        return { attempts, answer: { target, usage: result.usage, text: answered.text, finishReason: result.finishReason ?? "stop" }, streamed: answered.forwarded > 0 };
      }
      answered.attemptFailed();
      const { failure } = result;
      const replan = replanFor(failure);
      if (failure.breaksAnswer) firstBreak ??= `${target.id}: ${failure.error}`;
      step = nextStep(
        {
          plan,
          index,
          sameTargetRetries,
          attempts: attempts.length,
          model: request.model,
          retryBudgetLeft: this.budget.hasRoom,
          jitter: ctx.random.fork(`${key}:backoff:${attempts.length}`).next(),
          forwarded: answered.forwarded,
          resuming: answered.mustContinue,
          firstBreak,
          fallbacks: replan ? fallbackRoute(replan, request, route, region, ctx, health, rates) : [],
          config: ctx.scenario.gateway,
        },
        failure,
      );
    }
  }
}
