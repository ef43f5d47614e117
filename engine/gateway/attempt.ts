/**
 * One attempt at a target: the HTTP exchange (streamed for a call from an OpenAI client, whole JSON for the
 * simulated callers), its outcome classified, and the target's passive health told what happened.
 */
import type { ChatSink, ChatUsage } from "../chat";
import type { EngineContext } from "../context";
import type { AttemptRecord } from "../events";
import type { GatewayHealthView } from "../health";
import { attemptOnClock, streamOnClock, type Abandoned, type AttemptOutcome } from "../http";
import type { Target } from "../topology";
import type { AnswerSoFar } from "./answer";
import { classify, type Failure } from "./failure";
import type { RateWindows } from "./rateLimits";
import type { CallerRequest } from "./request";
import { realUpstream } from "./upstream";

/** An attempt's result: its audit record, and either what the answer carried or how it failed. */
export type AttemptResult =
  | { readonly ok: true; readonly record: AttemptRecord; readonly usage?: ChatUsage; readonly finishReason?: string }
  | { readonly ok: false; readonly record: AttemptRecord; readonly failure: Failure }
  /** The caller gave up while it ran (`reason`): not the target's failure, so its health is told nothing. */
  | { readonly ok: false; readonly record: AttemptRecord; readonly abandoned: string };

/** Where an attempt runs: the gateway's region, its session and its view of the targets. */
export interface AttemptSite {
  readonly region: string;
  readonly ctx: EngineContext;
  readonly health: GatewayHealthView;
  /** What the gateway sent each rate-limited target in the last minute. */
  readonly rates: RateWindows;
}

/**
 * The `n`-th attempt of `request` (work key `key`) at `target`. `resume`: the answer so far reached the
 * caller and this target continues it from an assistant prefill.
 */
export async function attempt(
  site: AttemptSite,
  target: Target,
  request: CallerRequest,
  key: string,
  n: number,
  answered: AnswerSoFar,
  resume: boolean,
  sink: ChatSink | undefined,
): Promise<AttemptResult> {
  const { region, ctx, health } = site;
  const { clock, scenario } = ctx;
  const startedAt = clock.now();
  health.beginAttempt(target);
  const call = {
    url: `${target.endpoint.baseUrl}/v1/chat/completions`,
    method: "POST" as const,
    timeoutMs: scenario.gateway.attempt_timeout_ms,
    callerKey: key,
    key: `${key}/${n}`,
    worldId: ctx.worldId,
    transport: ctx.transport,
    fromRegion: region,
    ...realUpstream(target.endpoint, ctx),
    // A call from an OpenAI client is given up when its client goes (or the session closes), whatever the target.
    ...(request.chat?.signal ? { signal: request.chat.signal } : {}),
  };
  let outcome: AttemptOutcome | Abandoned;
  let usage: ChatUsage | undefined;
  let finishReason: string | undefined;
  if (request.chat) {
    const messages = resume ? [...request.chat.messages, { role: "assistant" as const, content: answered.text }] : request.chat.messages;
    const reading = answered.beginAttempt(target, resume);
    outcome = await streamOnClock(
      clock,
      { ...call, body: { model: target.model, messages, stream: true, stream_options: { include_usage: true } } },
      { headersMs: scenario.gateway.attempt_timeout_ms, firstTokenMs: scenario.gateway.first_token_timeout_ms, idleMs: scenario.gateway.stream_idle_timeout_ms },
      (event) => reading.take(event, sink),
      () => reading.finishReason !== undefined,
    );
    ({ usage, finishReason } = reading);
  } else {
    outcome = await attemptOnClock(clock, { ...call, body: { model: target.model, messages: [{ role: "user", content: `request ${request.id}` }] } }, isCompletion);
    if (outcome.kind === "ok") usage = usageOf(outcome.body);
  }
  const record: AttemptRecord = {
    target: target.id,
    region: target.endpoint.region,
    startedAt,
    ms: outcome.ms,
    status: outcome.kind === "ok" ? 200 : outcome.status,
    ...(outcome.kind === "ok" ? {} : { error: outcome.kind === "abandoned" ? `cancelled: ${outcome.reason}` : outcome.error }),
    ...(resume ? { resumedFrom: answered.text.length } : {}),
  };
  if (outcome.kind === "abandoned") {
    health.releaseAttempt(target);
    return { ok: false, record, abandoned: outcome.reason };
  }
  if (outcome.kind === "ok") {
    health.recordOutcome(target, true, outcome.ms, "ok");
    return { ok: true, record, ...(usage ? { usage } : {}), ...(finishReason ? { finishReason } : {}) };
  }
  const failure = classify(outcome, resume, scenario.gateway);
  // A refusal of the request itself says the target is up; only the target's own failures count against it.
  // A server error is the target's own, even one the scenario's status lists do not retry or fail over.
  const targetFailed = !REFUSALS.has(failure.kind) || outcome.status >= 500;
  // A fast error says nothing about latency; a timeout says the target is at least that slow.
  health.recordOutcome(target, !targetFailed, failure.kind === "silent" ? outcome.ms : undefined, outcome.error);
  return { ok: false, record, failure };
}

const REFUSALS: ReadonlySet<Failure["kind"]> = new Set(["too-long", "content-policy", "refused", "prefill-refused"]);

/** A non-streamed completion body; anything else from a 200 is a broken answer. */
function isCompletion(body: unknown): boolean {
  return typeof body === "object" && body !== null && "choices" in body && Array.isArray(body.choices);
}

function usageOf(body: unknown): ChatUsage | undefined {
  return typeof body === "object" && body !== null && "usage" in body ? (body.usage as ChatUsage | undefined) : undefined;
}
