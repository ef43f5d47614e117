/**
 * One regional gateway: it probes the endpoints it can route to, reads provider status pages, keeps a
 * circuit per target, evaluates residency policy, routes, and dispatches with retries and fallback.
 */
import { createActor, type Actor } from "xstate";
import type { EngineContext } from "./context";
import type { AttemptRecord, IdentityRecord, PolicyRecord, RequestRecord } from "./events";
import { GatewayHealthView, type StatusPageStatus } from "./health";
import { fetchOnClock } from "./http";
import { TokenValidator } from "./identity/validator";
import { gatewayMachine, type GatewayState } from "./machines/gateway";
import { planRoute } from "./routing";
import type { Jurisdiction } from "./scenario/schema";
import { statusPageUrl } from "./sim/world";
import type { Target } from "./topology";

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
}

/** What policy and routing decided for a request. */
export type Decision =
  | { readonly verdict: "reject"; readonly by: "residency" | "audit"; readonly reason: string; readonly policy: PolicyRecord }
  | { readonly verdict: "route"; readonly candidates: readonly Target[]; readonly policy: PolicyRecord };

/** Statuspage-style pages are polled once a minute; they lag incidents anyway. */
const STATUS_POLL_MS = 60_000;
/** Backoff before retrying the same target: base × 2^n with full jitter (AWS architecture blog's advice). */
const RETRY_BASE_MS = 100;
/** Client errors other than these say the request itself is wrong; another target would refuse it too. */
const RETRYABLE_CLIENT_STATUSES = new Set([404, 408, 409, 429]);

export class RegionalGateway {
  readonly health: GatewayHealthView;
  /** Token validation, when the scenario has an identity provider. */
  readonly identity: TokenValidator | undefined;
  private readonly machine: Actor<typeof gatewayMachine>;
  private machineState: GatewayState = "healthy";
  private probeSeq = 0;
  /** Bumped each time the gateway process dies: requests begun under an older life are lost. */
  private life = 0;
  private up = true;

  constructor(
    readonly region: string,
    private readonly ctx: EngineContext,
  ) {
    this.health = new GatewayHealthView(region, ctx.scenario, ctx.topology, ctx.clock, (e) => ctx.bus.emit(e), () => this.assess());
    this.identity = ctx.scenario.identity ? new TokenValidator(region, ctx) : undefined;
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
    for (const provider of scenario.topology.providers) {
      const poll = () => {
        void this.pollStatusPage(provider.id, provider.status_page.url ?? statusPageUrl(provider.id));
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
   * that does not validate is refused before residency policy or routing look at the request.
   */
  async handle(request: CallerRequest, key: string): Promise<RequestRecord> {
    const { scenario, clock } = this.ctx;
    // The caller-to-gateway round trip is added to what the caller experiences, not simulated as a delay.
    const callerRttMs = this.ctx.topology.rttMs(request.originRegion, this.region);
    const latencyMs = () => clock.now() - request.sentAt + callerRttMs;
    let identity: IdentityRecord | undefined;
    if (this.identity) {
      const check = await this.identity.check(request.token, key);
      identity = check.record;
      if (identity.verdict === "rejected")
        return { ...recordBase(request, this.region), identity, policy: null, attempts: [], outcome: "rejected", rejectedBy: "identity", reason: check.reason!, latencyMs: latencyMs() };
    }
    const decision = this.decide(request);
    const base = identity ? { ...recordBase(request, this.region), identity } : recordBase(request, this.region);
    if (decision.verdict === "reject")
      return { ...base, policy: decision.policy, attempts: [], outcome: "rejected", rejectedBy: decision.by, reason: decision.reason, latencyMs: latencyMs() };
    const { candidates, policy: policyRecord } = decision;
    const life = this.life;
    const attempts: AttemptRecord[] = [];
    const maxAttempts = scenario.gateway.max_attempts;
    for (let n = 0; n < maxAttempts && candidates.length > 0; n++) {
      const target = candidates[Math.min(n, candidates.length - 1)]!;
      if (n > 0 && attempts[n - 1]!.target === target.id) {
        const jitter = this.ctx.random.fork(`${key}:backoff:${n}`).next();
        await clock.sleep(RETRY_BASE_MS * 2 ** (n - 1) * jitter, key);
      }
      const attempt = await this.attempt(target, request, key, n);
      attempts.push(attempt.record);
      if (this.life !== life) {
        // The answer, if any, arrived at a process that no longer exists: the caller's connection was reset.
        return { ...base, policy: policyRecord, attempts, outcome: "error", reason: `gateway ${this.region} went down while the request was in flight`, latencyMs: latencyMs() };
      }
      if (attempt.ok) {
        return {
          ...base,
          policy: policyRecord,
          attempts,
          outcome: "ok",
          servedBy: { target: target.id, model: target.model, region: target.endpoint.region, jurisdiction: target.endpoint.jurisdiction },
          latencyMs: latencyMs(),
          ...(attempt.usage ? { usage: attempt.usage } : {}),
        };
      }
      if (attempt.record.status >= 400 && attempt.record.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(attempt.record.status)) break;
    }
    const last = attempts.at(-1);
    return {
      ...base,
      policy: policyRecord,
      attempts,
      outcome: "error",
      reason: last ? `all ${attempts.length} attempts failed; last: ${last.error ?? `HTTP ${last.status}`}` : "no target serves this model",
      latencyMs: latencyMs(),
    };
  }

  private async attempt(
    target: Target,
    request: CallerRequest,
    key: string,
    n: number,
  ): Promise<{ ok: boolean; record: AttemptRecord; usage?: { prompt_tokens: number; completion_tokens: number } }> {
    const { clock, scenario } = this.ctx;
    const startedAt = clock.now();
    this.health.beginAttempt(target);
    const result = await fetchOnClock(clock, {
      url: `${target.endpoint.baseUrl}/v1/chat/completions`,
      method: "POST",
      body: { model: target.model, messages: [{ role: "user", content: `request ${request.id}` }] },
      timeoutMs: scenario.gateway.attempt_timeout_ms,
      callerKey: key,
      key: `${key}/${n}`,
      worldId: this.ctx.worldId,
      fromRegion: this.region,
    });
    const ok = result.status === 200;
    const error = ok ? undefined : (result.error ?? errorMessage(result.body) ?? `HTTP ${result.status}`);
    // A fast error says nothing about latency; a timeout says the target is at least that slow.
    this.health.recordOutcome(target, ok, ok || result.status === 0 ? result.ms : undefined, error ?? "ok");
    const record: AttemptRecord = {
      target: target.id,
      region: target.endpoint.region,
      startedAt,
      ms: result.ms,
      status: result.status,
      ...(error ? { error } : {}),
    };
    const usage = ok ? (result.body as { usage?: { prompt_tokens: number; completion_tokens: number } }).usage : undefined;
    return usage ? { ok, record, usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens } } : { ok, record };
  }

  private async probe(endpointId: string): Promise<void> {
    const { clock, topology, scenario } = this.ctx;
    const endpoint = topology.endpoints.find((e) => e.id === endpointId)!;
    const key = `probe:${this.region}:${endpointId}:${++this.probeSeq}`;
    clock.work.open(key);
    try {
      const result = await fetchOnClock(clock, {
        url: `${endpoint.baseUrl}/health`,
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

function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown; code?: unknown } } | undefined)?.error;
  if (!error || typeof error.message !== "string") return undefined;
  return typeof error.code === "string" ? `${error.code}: ${error.message}` : error.message;
}
