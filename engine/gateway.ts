/**
 * One regional gateway: it probes the endpoints it can route to, reads provider status pages, keeps a
 * circuit per target, evaluates residency policy, routes, and dispatches with retries and fallback.
 */
import { createActor, type Actor } from "xstate";
import type { EngineContext } from "./context";
import type { AttemptRecord, IdentityRecord, PolicyRecord, RequestRecord } from "./events";
import { GatewayHealthView, type StatusPageStatus } from "./health";
import type { ChatCompletionChunk, ChatError, ChatMessage, ChatSink, ChatUsage } from "./chat";
import { errorText, fetchOnClock, streamOnClock } from "./http";
import { TokenValidator } from "./identity/validator";
import { gatewayMachine, type GatewayState } from "./machines/gateway";
import { planRoute } from "./routing";
import type { Jurisdiction } from "./scenario/schema";
import type { Endpoint, Target } from "./topology";

/** What an OpenAI client sent to a gateway's endpoint; absent for the simulated callers. */
export interface ChatCall {
  readonly messages: readonly ChatMessage[];
  readonly stream: boolean;
  /** The client asked for a last chunk with the usage. */
  readonly includeUsage: boolean;
}

/** What became of a request: its audit record, and for a call from an OpenAI client what it gets back. */
export interface HandledRequest {
  readonly record: RequestRecord;
  readonly answer?: Answer;
  /** The provider's own error, when the request itself was refused (context too long, content policy). */
  readonly providerError?: ChatError;
  /** Some chunks of the answer had reached the caller before it failed. */
  readonly streamed?: boolean;
}

/** A whole answer and the target that gave it (the last one, for an answer resumed after a cut stream). */
export interface Answer {
  readonly target: Target;
  readonly usage: ChatUsage | undefined;
  readonly text: string;
  readonly finishReason: string;
}

interface Dispatch {
  readonly attempts: AttemptRecord[];
  readonly answer?: Answer;
  readonly reason?: string;
  readonly providerError?: ChatError;
  readonly streamed: boolean;
}

type AttemptOutcome =
  | { readonly ok: true; readonly record: AttemptRecord; readonly usage?: ChatUsage; readonly finishReason?: string }
  | { readonly ok: false; readonly record: AttemptRecord; readonly failure: Failure };

/** A request as a caller sends it. Times in virtual ms. */
export interface CallerRequest {
  readonly id: string;
  readonly population: string;
  readonly originRegion: string;
  readonly jurisdiction: Jurisdiction;
  readonly model: string;
  readonly consent: boolean;
  readonly highRisk: boolean;
  readonly sentAt: number;
  /** The bearer token (a JWT), when the scenario has an identity provider. */
  readonly token?: string;
  readonly chat?: ChatCall;
}

/** What policy and routing decided for a request. */
export type Decision =
  | { readonly verdict: "reject"; readonly by: "residency" | "audit"; readonly reason: string; readonly policy: PolicyRecord }
  | {
      readonly verdict: "route";
      readonly candidates: readonly Target[];
      readonly policy: PolicyRecord;
      /** The jurisdictions policy allows; undefined when any may serve. */
      readonly allowed: ReadonlySet<Jurisdiction> | undefined;
    };

/** Statuspage-style pages are polled once a minute; they lag incidents anyway. */
const STATUS_POLL_MS = 60_000;
/** Client errors other than these (and 429, a transient answer) say the request itself is wrong; another target would refuse it too. */
const RETRYABLE_CLIENT_STATUSES = new Set([404, 408, 409]);

export class RegionalGateway {
  readonly health: GatewayHealthView;
  /** Token validation, when the scenario has an identity provider. */
  readonly identity: TokenValidator | undefined;
  private readonly machine: Actor<typeof gatewayMachine>;
  private machineState: GatewayState = "healthy";
  private probeSeq = 0;
  private readonly retryBudget: RetryBudget;
  /** Bumped each time the gateway process dies: requests begun under an older life are lost. */
  private life = 0;
  private up = true;

  constructor(
    readonly region: string,
    private readonly ctx: EngineContext,
  ) {
    this.health = new GatewayHealthView(region, ctx.scenario, ctx.topology, ctx.clock, (e) => ctx.bus.emit(e), () => this.assess());
    this.identity = ctx.scenario.identity ? new TokenValidator(region, ctx) : undefined;
    this.retryBudget = new RetryBudget(ctx.scenario.gateway.retry_budget);
    const d = ctx.scenario.director;
    this.machine = createActor(gatewayMachine, {
      clock: ctx.clock,
      // Watched for as long as the director needs to trust it again.
      input: { recoveryHoldMs: d.check_interval_s * d.failure_threshold * 1000 },
    });
    this.machine.subscribe((snapshot) => {
      const to = snapshot.value as GatewayState;
      if (to === this.machineState) return;
      const from = this.machineState;
      this.machineState = to;
      ctx.bus.emit({ type: "transition", t: ctx.clock.now(), machine: "gateway", region, subject: region, from, to, cause: snapshot.context.cause });
    });
    this.machine.start();
  }

  get state(): GatewayState {
    return this.machineState;
  }

  /** Schedules probes of every endpoint and status-page polls, staggered so they do not fire in lockstep. */
  start(): void {
    const { clock, topology, scenario, random } = this.ctx;
    this.identity?.start();
    const stagger = random.fork(`gateway:${this.region}:stagger`);
    const intervalMs = scenario.health.probe.interval_s * 1000;
    for (const endpoint of topology.endpoints) {
      const tick = () => {
        void this.probe(endpoint.id);
        clock.setTimeout(tick, intervalMs);
      };
      clock.setTimeout(tick, stagger.next() * intervalMs);
    }
    for (const [provider, url] of topology.statusPageUrls) {
      const poll = () => {
        void this.pollStatusPage(provider, url);
        clock.setTimeout(poll, STATUS_POLL_MS);
      };
      clock.setTimeout(poll, stagger.next() * STATUS_POLL_MS);
    }
  }

  stop(): void {
    this.identity?.stop();
    this.machine.stop();
    this.health.stop();
  }

  /** What the gateway's readiness endpoint answers: not ready while failed. */
  readiness(): { ready: boolean; detail: string } {
    const { usable, total } = this.health.localUsability();
    return { ready: this.machineState !== "failed", detail: `${this.machineState}; ${usable}/${total} local targets usable` };
  }

  /** Re-evaluates the gateway's state from its inputs; called whenever one changes. */
  assess(): void {
    const up = !this.ctx.faults.gatewayDown(this.region);
    if (this.up && !up) this.life++;
    this.up = up;
    const { usable, total } = this.health.localUsability();
    this.machine.send({
      type: "ASSESS",
      up,
      usableLocal: usable,
      totalLocal: total,
      detail: up ? `${usable} of ${total} local targets usable` : "gateway process is down",
    });
  }

  /**
   * Residency policy, then routing: what the gateway would do with the request right now. Synchronous and
   * allocation-light, since it runs for every request (see `npm run bench`).
   */
  decide(request: CallerRequest): Decision {
    const { scenario, topology, policy, audit } = this.ctx;
    if (request.highRisk && audit.failsClosed(this.region)) {
      const reason = `audit destination unreachable from ${this.region}, and a high-risk call (EU AI Act Art. 12) needs a durable audit write before it is answered: policy fail-closed`;
      return { verdict: "reject", by: "audit", reason, policy: { allowed: [], crossBorder: false, reasons: [reason] } };
    }
    const targets = topology.targetsFor(request.model);
    const decision = policy.evaluate(request, (allowed) => targets.some((t) => allowed.has(t.endpoint.jurisdiction) && this.health.usable(t)));
    if (decision.verdict === "reject")
      return { verdict: "reject", by: "residency", reason: decision.reason, policy: { allowed: [], crossBorder: false, reasons: decision.reasons } };
    const plan = planRoute(targets, this.region, decision.allowed, this.health, scenario.policy.latency_budget_ms);
    return {
      verdict: "route",
      candidates: plan.candidates,
      allowed: decision.allowed,
      policy: {
        allowed: decision.allowed ? [...decision.allowed] : ["*"],
        crossBorder: decision.crossBorder,
        ...(decision.basis ? { basis: decision.basis } : {}),
        reasons: plan.notes.length > 0 ? [...decision.reasons, ...plan.notes] : decision.reasons,
      },
    };
  }

  /**
   * Handles one request end to end; `key` is the request's running work key. Identity comes first: a token
   * that does not validate is refused before residency policy or routing look at the request. A call from
   * an OpenAI client (`request.chat`) streams its answer into `sink` as it arrives.
   */
  async handle(request: CallerRequest, key: string, sink?: ChatSink): Promise<HandledRequest> {
    const { clock } = this.ctx;
    // The caller-to-gateway round trip is added to what the caller experiences, not simulated as a delay.
    const callerRttMs = this.ctx.topology.rttMs(request.originRegion, this.region);
    const latencyMs = () => clock.now() - request.sentAt + callerRttMs;
    let identity: IdentityRecord | undefined;
    if (this.identity) {
      const check = await this.identity.check(request.token, key);
      identity = check.record;
      if (identity.verdict === "rejected")
        return { record: { ...recordBase(request, this.region), identity, policy: null, attempts: [], outcome: "rejected", rejectedBy: "identity", reason: check.reason!, latencyMs: latencyMs() } };
    }
    const decision = this.decide(request);
    const base = identity ? { ...recordBase(request, this.region), identity } : recordBase(request, this.region);
    if (decision.verdict === "reject")
      return { record: { ...base, policy: decision.policy, attempts: [], outcome: "rejected", rejectedBy: decision.by, reason: decision.reason, latencyMs: latencyMs() } };
    const life = this.life;
    const dispatch = await this.dispatch(request, key, decision, sink);
    const { attempts } = dispatch;
    const common = { ...base, policy: decision.policy, attempts };
    if (this.life !== life)
      // The answer, if any, arrived at a process that no longer exists: the caller's connection was reset.
      return { record: { ...common, outcome: "error", reason: `gateway ${this.region} went down while the request was in flight`, latencyMs: latencyMs() } };
    if (dispatch.answer) {
      const { target, usage } = dispatch.answer;
      return {
        record: {
          ...common,
          outcome: "ok",
          servedBy: { target: target.id, model: target.model, region: target.endpoint.region, jurisdiction: target.endpoint.jurisdiction },
          latencyMs: latencyMs(),
          ...(usage ? { usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens } } : {}),
        },
        answer: dispatch.answer,
      };
    }
    return {
      record: { ...common, outcome: "error", reason: dispatch.reason, latencyMs: latencyMs() },
      ...(dispatch.providerError ? { providerError: dispatch.providerError } : {}),
      streamed: dispatch.streamed,
    };
  }

  /**
   * Tries the candidates in order, with the conduct failoverbench asks of a gateway (shared/ANCHORS.md):
   * a transient answer (500, 429, a reset connection) is retried once on the same target after a backoff
   * or the Retry-After; a silent or broken route (no headers, no first token, a stall, a cut or malformed
   * stream) fails over at once and is not tried again; a request the provider refuses as too long moves to
   * the long-context models, and other refusals of the request itself end it with the provider's reason.
   */
  private async dispatch(request: CallerRequest, key: string, route: Extract<Decision, { verdict: "route" }>, sink: ChatSink | undefined): Promise<Dispatch> {
    this.retryBudget.requests++;
    try {
      return await this.tryCandidates(request, key, route, sink);
    } finally {
      this.retryBudget.requests--;
    }
  }

  private async tryCandidates(request: CallerRequest, key: string, route: Extract<Decision, { verdict: "route" }>, sink: ChatSink | undefined): Promise<Dispatch> {
    const { scenario, clock } = this.ctx;
    const gateway = scenario.gateway;
    const attempts: AttemptRecord[] = [];
    let plan = [...route.candidates];
    let index = 0;
    let sameTargetRetries = 0;
    let waitMs = 0;
    const answered = new AnswerSoFar(request);
    /** The failure that first broke the answer, which no later refusal may hide. */
    let firstBreak: string | undefined;
    const refusedPrefill = new Set<string>();
    let holdingRetry = false;
    const stop = (reason: string, providerError?: ChatError): Dispatch => ({ attempts, reason, streamed: answered.forwarded > 0, ...(providerError ? { providerError } : {}) });
    while (attempts.length < gateway.max_attempts && index < plan.length) {
      const target = plan[index]!;
      if (waitMs > 0) await clock.sleep(waitMs, key);
      waitMs = 0;
      // An answer that has begun reaching the caller can only go on where the target continues from a prefill.
      const resume = answered.forwarded > 0 && answered.text !== "";
      if (resume && (!target.endpoint.supportsPrefill || refusedPrefill.has(target.id))) {
        index++;
        sameTargetRetries = 0;
        continue;
      }
      const result = await this.attempt(target, request, key, attempts.length, answered, resume, sink);
      if (holdingRetry) this.retryBudget.release();
      holdingRetry = false;
      attempts.push(result.record);
      if (result.ok) return { attempts, answer: { target, usage: result.usage, text: answered.text, finishReason: result.finishReason ?? "stop" }, streamed: answered.forwarded > 0 };
      const failure = result.failure;
      if (failure.breaksAnswer) firstBreak ??= `${target.id}: ${result.record.error}`;
      const retrySame = (delayMs: number) => {
        sameTargetRetries++;
        holdingRetry = true;
        waitMs = delayMs;
      };
      const next = () => {
        index++;
        sameTargetRetries = 0;
      };
      const backoffMs = () => {
        const ceiling = Math.min(gateway.backoff_base_ms * 2 ** sameTargetRetries, gateway.backoff_base_ms * 10);
        return ceiling / 2 + (ceiling / 2) * this.ctx.random.fork(`${key}:backoff:${attempts.length}`).next();
      };
      const lastCandidate = index === plan.length - 1;
      switch (failure.kind) {
        case "transient":
          if (failure.retryAfterS !== undefined) {
            if (failure.retryAfterS <= gateway.max_retry_after_s && sameTargetRetries === 0 && this.retryBudget.take()) retrySame(Math.max(failure.retryAfterS * 1000, backoffMs()));
            else next();
          } else if ((sameTargetRetries === 0 || lastCandidate) && this.retryBudget.take()) retrySame(backoffMs());
          else next();
          break;
        case "unavailable":
          // Nothing else to try: retrying the only target, with backoff, is all that is left.
          if (lastCandidate && this.retryBudget.take()) retrySame(backoffMs());
          else next();
          break;
        case "silent":
        case "broken":
          next();
          break;
        case "too-long": {
          // Residency binds the long-context models as it binds the rest.
          const longer = planRoute(this.ctx.topology.longContextTargetsFor(request.model), this.region, route.allowed, this.health, scenario.policy.latency_budget_ms).candidates.filter(
            (t) => !plan.slice(0, index + 1).includes(t),
          );
          if (longer.length === 0) return stop(`${target.id} refused the request: ${result.record.error}; no long-context model is configured for ${request.model}`, failure.providerError);
          plan = [...plan.slice(0, index + 1), ...longer];
          next();
          break;
        }
        case "prefill-refused":
          // The loop passes over it now; its refusal is recorded, but the break before it stays the reason.
          refusedPrefill.add(target.id);
          break;
        case "refused":
          return stop(firstBreak ? `${firstBreak}; then ${target.id} refused: ${result.record.error}` : `${target.id} refused the request: ${result.record.error}`, firstBreak ? undefined : failure.providerError);
      }
    }
    // A retry granted on the last allowed attempt never ran.
    if (holdingRetry) this.retryBudget.release();
    const last = attempts.at(-1);
    if (!last) return stop("no target serves this model");
    const exhausted = attempts.length >= gateway.max_attempts ? `all ${attempts.length} attempts failed` : `no target left after ${attempts.length} attempt${attempts.length === 1 ? "" : "s"}`;
    const resumable = answered.forwarded > 0 ? `; ${answered.forwarded} chunks had reached the caller and no other target can continue the answer` : "";
    return stop(`${exhausted}${resumable}; ${firstBreak ? `first: ${firstBreak}; ` : ""}last: ${last.error ?? `HTTP ${last.status}`}`);
  }

  private async attempt(target: Target, request: CallerRequest, key: string, n: number, answered: AnswerSoFar, resume: boolean, sink: ChatSink | undefined): Promise<AttemptOutcome> {
    const { clock, scenario } = this.ctx;
    const startedAt = clock.now();
    this.health.beginAttempt(target);
    const call = {
      url: `${target.endpoint.baseUrl}/v1/chat/completions`,
      method: "POST" as const,
      timeoutMs: scenario.gateway.attempt_timeout_ms,
      callerKey: key,
      key: `${key}/${n}`,
      worldId: this.ctx.worldId,
      fromRegion: this.region,
      ...this.realUpstream(target.endpoint),
    };
    let outcome: { ok: true; usage?: ChatUsage; finishReason?: string; ms: number } | { ok: false; status: number; ms: number; error: string; body?: unknown; retryAfterS?: number; breaks: boolean; silent: boolean };
    if (request.chat) {
      const messages = resume ? [...request.chat.messages, { role: "assistant" as const, content: answered.text }] : request.chat.messages;
      const reading = answered.beginAttempt(target, resume);
      const end = await streamOnClock(
        clock,
        { ...call, body: { model: target.model, messages, stream: true, stream_options: { include_usage: true } } },
        { headersMs: scenario.gateway.attempt_timeout_ms, firstTokenMs: scenario.gateway.first_token_timeout_ms, idleMs: scenario.gateway.stream_idle_timeout_ms },
        (event) => reading.take(event, sink),
        () => reading.finishReason !== undefined,
      );
      outcome = end.ok
        ? { ok: true, ms: end.ms, ...(reading.usage ? { usage: reading.usage } : {}), ...(reading.finishReason ? { finishReason: reading.finishReason } : {}) }
        : {
            ok: false,
            status: end.status,
            ms: end.ms,
            error: end.error,
            ...(end.body === undefined ? {} : { body: end.body }),
            ...(end.retryAfterS === undefined ? {} : { retryAfterS: end.retryAfterS }),
            breaks: end.failure !== "status" && end.failure !== "network",
            silent: end.failure === "headers-timeout" || end.failure === "first-token-timeout" || end.failure === "idle-timeout",
          };
    } else {
      const result = await fetchOnClock(clock, { ...call, body: { model: target.model, messages: [{ role: "user", content: `request ${request.id}` }] } });
      const completion = result.status === 200 ? asCompletion(result.body) : undefined;
      outcome = completion
        ? { ok: true, ms: result.ms, usage: completion.usage }
        : {
            ok: false,
            status: result.status,
            ms: result.ms,
            error: result.error ?? (result.status === 200 ? "malformed completion body" : (errorText(result.body) ?? `HTTP ${result.status}`)),
            body: result.body,
            ...(result.retryAfterS === undefined ? {} : { retryAfterS: result.retryAfterS }),
            breaks: result.status === 200,
            silent: result.status === 0 && result.error?.startsWith("timeout") === true,
          };
    }
    const failure = outcome.ok ? undefined : classify(outcome, resume);
    // A refusal of the request itself says the target is up; only the target's own failures count against it.
    const targetFailed = failure !== undefined && failure.kind !== "too-long" && failure.kind !== "refused" && failure.kind !== "prefill-refused";
    // A fast error says nothing about latency; a timeout says the target is at least that slow.
    this.health.recordOutcome(target, !targetFailed, outcome.ok || failure?.kind === "silent" ? outcome.ms : undefined, outcome.ok ? "ok" : outcome.error);
    const record: AttemptRecord = {
      target: target.id,
      region: target.endpoint.region,
      startedAt,
      ms: outcome.ms,
      status: outcome.ok ? 200 : outcome.status,
      ...(outcome.ok ? {} : { error: outcome.error }),
      ...(resume ? { resumedFrom: answered.text.length } : {}),
    };
    if (outcome.ok) return { ok: true, record, ...(outcome.usage ? { usage: outcome.usage } : {}), ...(outcome.finishReason ? { finishReason: outcome.finishReason } : {}) };
    return { ok: false, record, failure: failure! };
  }

  /** For a real server: its API key, and no simulation headers. */
  private realUpstream(endpoint: Endpoint): { real?: { authorization: string | undefined } } {
    if (!endpoint.real) return {};
    const apiKey = endpoint.real.apiKeyEnv === undefined ? undefined : this.ctx.env(endpoint.real.apiKeyEnv);
    return { real: { authorization: apiKey ? `Bearer ${apiKey}` : undefined } };
  }

  private async probe(endpointId: string): Promise<void> {
    const { clock, topology, scenario } = this.ctx;
    const endpoint = topology.endpoints.find((e) => e.id === endpointId)!;
    const key = `probe:${this.region}:${endpointId}:${++this.probeSeq}`;
    clock.work.open(key);
    try {
      const result = await fetchOnClock(clock, {
        // A real OpenAI-compatible server has no health route; listing its models is the cheapest live call.
        url: `${endpoint.baseUrl}${endpoint.real ? "/v1/models" : "/health"}`,
        ...this.realUpstream(endpoint),
        timeoutMs: scenario.health.probe.timeout_ms,
        callerKey: key,
        key: `${key}/http`,
        worldId: this.ctx.worldId,
        fromRegion: this.region,
      });
      this.health.recordProbe(endpoint, result.status === 200, result.error ?? `HTTP ${result.status}`);
    } finally {
      clock.work.close(key);
    }
  }

  private async pollStatusPage(provider: string, url: string): Promise<void> {
    const { clock, topology, scenario } = this.ctx;
    const key = `status:${this.region}:${provider}:${++this.probeSeq}`;
    clock.work.open(key);
    try {
      const result = await fetchOnClock(clock, {
        url,
        timeoutMs: scenario.health.probe.timeout_ms,
        callerKey: key,
        key: `${key}/http`,
        worldId: this.ctx.worldId,
        fromRegion: this.region,
      });
      if (result.status !== 200) return;
      const components = (result.body as { components?: { name: string; status: StatusPageStatus }[] }).components ?? [];
      for (const component of components) {
        const endpoint = topology.endpoints.find((e) => e.provider === provider && e.region === component.name);
        if (endpoint) this.health.recordStatusPage(endpoint, component.status);
      }
    } finally {
      clock.work.close(key);
    }
  }
}

/** The fields of a request's audit record that are known before the gateway does anything. */
export function recordBase(request: CallerRequest, gateway: string) {
  return {
    requestId: request.id,
    population: request.population,
    origin: { region: request.originRegion, jurisdiction: request.jurisdiction },
    model: request.model,
    consent: request.consent,
    highRisk: request.highRisk,
    sentAt: request.sentAt,
    gateway,
  };
}

/**
 * Envoy's retry budget, applied to retries of the same target (the ones that add load to a struggling
 * provider; failing over to another target is what circuits and `max_attempts` bound): retries in flight
 * may be at most `budget_percent` of the requests in flight, and `min_retry_concurrency` are always allowed.
 */
class RetryBudget {
  requests = 0;
  private retries = 0;

  constructor(private readonly config: { readonly budget_percent: number; readonly min_retry_concurrency: number }) {}

  take(): boolean {
    const allowed = Math.max(this.config.min_retry_concurrency, (this.config.budget_percent / 100) * this.requests);
    if (this.retries >= allowed) return false;
    this.retries++;
    return true;
  }

  release(): void {
    this.retries--;
  }
}

/** What to do after a failed attempt; see {@link RegionalGateway.dispatch}. */
interface Failure {
  readonly kind: "transient" | "unavailable" | "silent" | "broken" | "too-long" | "prefill-refused" | "refused";
  readonly retryAfterS?: number;
  /** The provider's own error, passed to the caller when the request itself was refused. */
  readonly providerError?: ChatError;
  /** The answer had begun and broke off (or never began where it should have), as opposed to being refused. */
  readonly breaksAnswer: boolean;
}

function classify(outcome: { status: number; error: string; body?: unknown; retryAfterS?: number; breaks: boolean; silent: boolean }, sentPrefill: boolean): Failure {
  const { status } = outcome;
  const providerError = asChatError(outcome.body, status);
  if (outcome.silent) return { kind: "silent", breaksAnswer: true };
  if (outcome.breaks) return { kind: "broken", breaksAnswer: true };
  // A reset before any header is usually a connection the provider dropped in passing: worth one more try.
  if (status === 0 || status === 429 || status === 500)
    return { kind: "transient", breaksAnswer: false, ...(outcome.retryAfterS === undefined ? {} : { retryAfterS: outcome.retryAfterS }) };
  if (status >= 500) return { kind: "unavailable", breaksAnswer: false };
  const code = providerError?.code;
  if (status === 400 && code === "context_length_exceeded") return { kind: "too-long", breaksAnswer: false, providerError: providerError! };
  if (status === 400 && code === "prefill_not_supported" && sentPrefill) return { kind: "prefill-refused", breaksAnswer: false };
  if (RETRYABLE_CLIENT_STATUSES.has(status)) return { kind: "unavailable", breaksAnswer: false };
  return { kind: "refused", breaksAnswer: false, ...(providerError ? { providerError } : {}) };
}

/** The provider's OpenAI-style error, as the caller should see it. */
function asChatError(body: unknown, status: number): ChatError | undefined {
  const error = (body as { error?: { message?: unknown; type?: unknown; param?: unknown; code?: unknown } } | undefined)?.error;
  if (!error || typeof error.message !== "string") return undefined;
  const type = typeof error.type === "string" && CHAT_ERROR_TYPES.has(error.type) ? (error.type as ChatError["type"]) : status < 500 ? "invalid_request_error" : "server_error";
  return { message: error.message, type, param: typeof error.param === "string" ? error.param : null, code: typeof error.code === "string" ? error.code : null };
}

const CHAT_ERROR_TYPES = new Set(["invalid_request_error", "server_error", "rate_limit_error", "not_found_error"]);

/** A non-streamed completion body, if it is one; anything else from a 200 is a broken answer. */
function asCompletion(body: unknown): { usage?: ChatUsage } | undefined {
  const completion = body as { choices?: unknown; usage?: ChatUsage } | undefined;
  if (typeof completion !== "object" || completion === null || !Array.isArray(completion.choices)) return undefined;
  return completion.usage ? { usage: completion.usage } : {};
}

/**
 * The answer as far as it has come: its text across attempts (a resumed stream adds to it), and how many
 * chunks reached the caller. Each attempt reads the provider's events through {@link AnswerReading}.
 */
class AnswerSoFar {
  text = "";
  forwarded = 0;
  private roleSent = false;

  constructor(private readonly request: CallerRequest) {}

  beginAttempt(target: Target, resume: boolean): AnswerReading {
    // A fresh start discards what an earlier attempt assembled; only chunks already sent are kept.
    if (!resume) this.text = "";
    return new AnswerReading(this, target, this.request);
  }

  /** Passes a checked chunk on, restamped as the gateway's one completion. */
  forward(chunk: ChatCompletionChunk, sink: ChatSink | undefined): void {
    if (!sink) return;
    const choices = chunk.choices.map((choice) => {
      if (choice.delta.role === undefined) return choice;
      if (!this.roleSent) {
        this.roleSent = true;
        return choice;
      }
      const { role: _role, ...delta } = choice.delta;
      return { ...choice, delta };
    });
    sink.chunk({ ...chunk, id: `chatcmpl-${this.request.id}`, choices });
    this.forwarded++;
  }
}

/** One attempt's reading of a provider stream: checks each event, assembles the text, forwards to the caller. */
class AnswerReading {
  finishReason: string | undefined;
  usage: ChatUsage | undefined;

  constructor(
    private readonly answer: AnswerSoFar,
    private readonly target: Target,
    private readonly request: CallerRequest,
  ) {}

  /** Takes one event; throws on one that is not a chunk. Answers whether it carried content. */
  take(event: unknown, sink: ChatSink | undefined): boolean {
    const chunk = event as Partial<ChatCompletionChunk> | null;
    if (typeof chunk !== "object" || chunk === null || !Array.isArray(chunk.choices)) throw new Error("an event without choices");
    let content = "";
    for (const choice of chunk.choices) {
      const delta = (choice as { delta?: { content?: unknown } }).delta;
      if (typeof delta !== "object" || delta === null || (delta.content !== undefined && delta.content !== null && typeof delta.content !== "string"))
        throw new Error("a choice without a valid delta");
      if (typeof delta.content === "string") content += delta.content;
      if (typeof choice.finish_reason === "string") this.finishReason = choice.finish_reason;
    }
    if (chunk.usage) this.usage = chunk.usage;
    this.answer.text += content;
    const wanted = chunk.choices.length > 0 || this.request.chat?.includeUsage === true;
    if (wanted) this.answer.forward({ id: "", object: "chat.completion.chunk", created: chunk.created ?? 0, model: chunk.model ?? this.target.model, choices: chunk.choices, ...(chunk.usage ? { usage: chunk.usage } : {}) }, sink);
    return content.length > 0;
  }
}
