/**
 * One regional gateway: the request pipeline's stages wired in order — identity (`TokenValidator`),
 * admission (audit fail-closed), policy and route, dispatch (the attempt loop over the pure retry policy),
 * durability (the high-risk wait) — plus its probes, its view of the targets' health and its own state.
 */
import { createActor, type Actor } from "xstate";
import type { ChatSink } from "../chat";
import type { EngineContext } from "../context";
import { GatewayHealthView } from "../health";
import { TokenValidator } from "../identity/validator";
import { gatewayMachine, type GatewayState } from "../machines/gateway";
import { admit } from "./admission";
import { Dispatcher } from "./dispatch";
import { afterDurableWrite, durableWaitMs } from "./durability";
import { GatewayProbes } from "./probing";
import { recordBase, type CallerRequest, type Decision, type HandledRequest } from "./request";
import { decideRoute } from "./route";

/** The gateway of one region; `handle` is the request pipeline. */
export class RegionalGateway {
  readonly health: GatewayHealthView;
  /** Token validation, when the scenario has an identity provider. */
  readonly identity: TokenValidator | undefined;
  private readonly probes: GatewayProbes;
  private readonly dispatcher: Dispatcher;
  private readonly machine: Actor<typeof gatewayMachine>;
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
    this.dispatcher = new Dispatcher({ region, ctx, health: this.health });
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

  /** What the gateway's readiness endpoint answers: not ready while failed. */
  readiness(): { ready: boolean; detail: string } {
    const { available, total } = this.health.localUsability();
    return { ready: this.machineState !== "failed", detail: `${this.machineState}; ${available}/${total} local targets available` };
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
    return admit(request, this.region, this.ctx.audit) ?? decideRoute(request, this.region, this.ctx, this.health);
  }

  /**
   * Handles one request end to end; `key` is the request's running work key. A call from an OpenAI client
   * (`request.chat`) streams its answer into `sink` as it arrives.
   */
  async handle(request: CallerRequest, key: string, sink?: ChatSink): Promise<HandledRequest> {
    const handled = await this.process(request, key, sink);
    const waitMs = durableWaitMs(handled, this.region, this.ctx.audit);
    return waitMs > 0 ? afterDurableWrite(handled, waitMs, this.ctx.clock, key) : handled;
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
