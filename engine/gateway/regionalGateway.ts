/**
 * One regional gateway: the request pipeline's stages wired in order — identity (`TokenValidator`),
 * admission (audit fail-closed), policy and route, dispatch (the attempt loop over the pure retry policy),
 * durability (the high-risk wait) — plus its probes, its view of the targets' health and its own state.
 */
import { createActor, type Actor } from "xstate";
import type { ChatSink } from "../chat";
import type { EngineContext } from "../context";
import { GatewayHealthView, PassiveWindow } from "../health";
import { TokenValidator } from "../identity/validator";
import { gatewayMachine, type GatewayState } from "../machines/gateway";
import type { ReadinessReport } from "../readiness";
import { admit } from "./admission";
import { Dispatcher } from "./dispatch";
import { afterDurableWrite, answerOrRefuse, durableWaitMs } from "./durability";
import { InFlightLimit, shedRecord } from "./overload";
import { GatewayProbes } from "./probing";
import { RateWindows } from "./rateLimits";
import { recordBase, type CallerRequest, type Decision, type HandledRequest } from "./request";
import { decideRoute } from "./route";

/** The gateway of one region; `handle` is the request pipeline. */
export class RegionalGateway {
  readonly health: GatewayHealthView;
  /** Token validation, when the scenario has an identity provider. */
  readonly identity: TokenValidator | undefined;
  private readonly probes: GatewayProbes;
  private readonly dispatcher: Dispatcher;
  private readonly rates = new RateWindows();
  private readonly inFlight: InFlightLimit;
  private readonly machine: Actor<typeof gatewayMachine>;
  /** The answers the gateway served and how long each took it, for the p95 its readiness reports. */
  private readonly served: PassiveWindow;
  private machineState: GatewayState = "healthy";
  /** Bumped each time the gateway process dies: requests begun under an older life are lost. */
  private life = 0;
  private up = true;

  constructor(
    readonly region: string,
    private readonly ctx: EngineContext,
  ) {
    this.health = new GatewayHealthView(region, ctx.scenario, ctx.topology, ctx.clock, (e) => ctx.bus.emit(e), () => this.assess());
    this.identity = ctx.scenario.identity ? new TokenValidator(region, ctx) : undefined;
    this.probes = new GatewayProbes(region, ctx, this.health);
    this.dispatcher = new Dispatcher({ region, ctx, health: this.health, rates: this.rates });
    this.served = new PassiveWindow(ctx.scenario.health.passive.window_s * 1000);
    this.inFlight = new InFlightLimit(ctx.scenario.gateway.max_in_flight);
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

  /** Starts the token cache's refreshes, the endpoint probes and the status-page polls. */
  start(): void {
    this.identity?.start();
    this.probes.start();
  }

  stop(): void {
    this.identity?.stop();
    this.machine.stop();
    this.health.stop();
  }

  /**
   * What the gateway's readiness endpoint answers: not ready while failed; and, for the director to weigh,
   * how slow its answers are and which local providers' status pages say they are not operational.
   */
  readiness(): ReadinessReport {
    const { clock, topology, scenario } = this.ctx;
    const { available, total } = this.health.localUsability();
    // A provider is deployed at most once per region, so each appears once.
    const degraded = topology.endpoints.filter((e) => e.region === this.region && this.health.statusPage(e) !== "operational").map((e) => e.provider);
    return {
      ready: this.machineState !== "failed",
      detail: `${this.machineState}; ${available}/${total} local targets available`,
      served_p95_ms: this.served.p95(clock.now(), scenario.health.passive.min_requests) ?? null,
      degraded_providers: degraded,
    };
  }

  /** Re-evaluates the gateway's state from its inputs; called whenever one changes. */
  assess(): void {
    const up = !this.ctx.faults.gatewayDown(this.region);
    if (this.up && !up) this.life++;
    this.up = up;
    const { available, passing, total } = this.health.localUsability();
    this.machine.send({
      type: "ASSESS",
      up,
      availableLocal: available,
      passingLocal: passing,
      totalLocal: total,
      detail: up ? `${available} of ${total} local targets available, ${passing} passing their probes` : "gateway process is down",
    });
  }

  /** Admission, then policy and routing: what the gateway would do with the request right now. */
  decide(request: CallerRequest): Decision {
    return admit(request, this.region, this.ctx.audit) ?? decideRoute(request, this.region, this.ctx, this.health, this.rates);
  }

  /**
   * Handles one request end to end; `key` is the request's running work key. A call from an OpenAI client
   * (`request.chat`) streams its answer into `sink` as it arrives.
   */
  async handle(request: CallerRequest, key: string, sink?: ChatSink): Promise<HandledRequest> {
    const { clock, audit, topology } = this.ctx;
    if (!this.inFlight.tryEnter())
      return { record: shedRecord(request, this.region, this.inFlight.limit, clock.now() - request.sentAt + topology.rttMs(request.originRegion, this.region)) };
    try {
      const arrived = clock.now();
      const handled = await this.process(request, key, sink);
      const waitMs = durableWaitMs(handled, this.region, audit);
      const durable = waitMs > 0 ? await afterDurableWrite(handled, waitMs, clock, key) : handled;
      // Admission checked the audit policy when the call arrived; a partition may have begun since.
      const answered = answerOrRefuse(durable, this.region, audit);
      if (answered.record.outcome === "ok") this.served.record(clock.now(), true, clock.now() - arrived);
      return answered;
    } finally {
      this.inFlight.leave();
    }
  }

  /** Every stage but durability. */
  private async process(request: CallerRequest, key: string, sink: ChatSink | undefined): Promise<HandledRequest> {
    const { clock } = this.ctx;
    // The caller-to-gateway round trip is added to what the caller experiences, not simulated as a delay.
    const callerRttMs = this.ctx.topology.rttMs(request.originRegion, this.region);
    const latencyMs = () => clock.now() - request.sentAt + callerRttMs;
    const check = this.identity ? await this.identity.check(request.token, key) : undefined;
    const identity = check?.record;
    if (check?.reason !== undefined)
      return { record: { ...recordBase(request, this.region), identity: check.record, policy: null, attempts: [], outcome: "rejected", rejectedBy: "identity", reason: check.reason, latencyMs: latencyMs() } };
    const decision = this.decide(request);
    const base = identity ? { ...recordBase(request, this.region), identity } : recordBase(request, this.region);
    if (decision.verdict === "reject")
      return { record: { ...base, policy: decision.policy, attempts: [], outcome: "rejected", rejectedBy: decision.by, reason: decision.reason, latencyMs: latencyMs() } };
    const life = this.life;
    const dispatched = await this.dispatcher.dispatch(request, key, decision, sink);
    const common = { ...base, policy: decision.policy, attempts: dispatched.attempts };
    if (this.life !== life)
      // The answer, if any, arrived at a process that no longer exists: the caller's connection was reset.
      return { record: { ...common, outcome: "error", reason: `gateway ${this.region} went down while the request was in flight`, latencyMs: latencyMs() } };
    if (dispatched.cancelled) {
      const { reason, sent } = dispatched.cancelled;
      return { record: { ...common, outcome: "cancelled", reason, sent, latencyMs: latencyMs() }, streamed: dispatched.streamed };
    }
    if (dispatched.answer) {
      const { target, usage } = dispatched.answer;
      return {
        record: {
          ...common,
          outcome: "ok",
          servedBy: { target: target.id, model: target.model, region: target.endpoint.region, jurisdiction: target.endpoint.jurisdiction },
          latencyMs: latencyMs(),
          ...(usage ? { usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens } } : {}),
        },
        answer: dispatched.answer,
      };
    }
    return {
      record: { ...common, outcome: "error", reason: dispatched.reason, latencyMs: latencyMs() },
      ...(dispatched.providerError ? { providerError: dispatched.providerError } : {}),
      streamed: dispatched.streamed,
    };
  }
}
