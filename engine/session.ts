/**
 * One engine session: a scenario's topology brought to life — gateways, traffic director, simulated world,
 * traffic and fault timeline — on an injected clock and random source, writing every decision and
 * transition to the hash-chained audit log. The headless drill and the app both drive this class.
 */
import { setMaxListeners } from "node:events";
import { AuditSystem } from "./audit/system";
import type { Clock } from "./clock";
import type { EngineContext } from "./context";
import { TrafficDirector } from "./director";
import { EventBus, type LabEvent, type Listener, type RequestRecord } from "./events";
import { faultKind } from "./faults/registry";
import { abortWhenEither, globalFetch, type Transport } from "./http";
import { parseChatRequest, type ChatError, type ChatMeta, type ChatOutcome, type ChatSink } from "./chat";
import { RegionalGateway } from "./gateway/regionalGateway";
import { recordBase, type CallerRequest, type HandledRequest } from "./gateway/request";
import { IdentityProvider } from "./identity/provider";
import { CallerTokens } from "./identity/tokens";
import { ResidencyPolicy } from "./policy";
import type { Random } from "./random";
import type { Fault, Scenario } from "./scenario/schema";
import { FaultBook } from "./faults/book";
import { TrafficGenerator } from "./sim/traffic";
import { SimulatedWorld, type CompletionCounts } from "./sim/world";
import { Topology } from "./topology";

export interface SessionOptions {
  readonly clock: Clock;
  readonly random: Random;
  /** Directory for the audit stores, which must not hold stores yet; absent, a temporary one removed on close. */
  readonly auditDir?: string;
  /** better-sqlite3 addon built for another ABI (Electron's). */
  readonly nativeBinding?: string;
  /** Where the API keys of real upstreams come from; default the process environment. */
  readonly env?: (name: string) => string | undefined;
  /** How the gateways' HTTP exchanges travel; default the global `fetch`, through MSW. */
  readonly transport?: Transport;
}

/** A request on its way: where the director sent it, and when. */
export interface InflightRequest {
  readonly gateway: string;
  readonly sentAt: number;
}

let sessionCounter = 0;

/** The population of calls from OpenAI clients; not a valid scenario id, so it cannot clash with one. */
export const EXTERNAL_POPULATION = "(openai client)";

export class EngineSession {
  readonly ctx: EngineContext;
  readonly gateways: ReadonlyMap<string, RegionalGateway>;
  readonly director: TrafficDirector;
  private readonly world: SimulatedWorld;
  private readonly traffic: TrafficGenerator;
  private readonly identity: IdentityProvider | undefined;
  private readonly tokens: CallerTokens | undefined;
  private readonly inflightRequests = new Map<string, InflightRequest>();
  /** Aborted by {@link close}: what is still in flight with a real upstream or an OpenAI client is given up. */
  private readonly closing = new AbortController();
  private userFaults = 0;
  private externalCalls = 0;
  private started = false;

  constructor(scenario: Scenario, options: SessionOptions) {
    // Every call in flight listens to it until it ends (abortWhenEither releases each): as many as the gateways
    // hold, not a leak for Node to warn about at eleven.
    setMaxListeners(0, this.closing.signal);
    const bus = new EventBus();
    const faults = new FaultBook();
    const topology = new Topology(scenario);
    const audit = AuditSystem.open({
      config: scenario.audit,
      regions: scenario.topology.regions.map((r) => r.id),
      clock: options.clock,
      reachable: (region) => !faults.auditPartitioned(region),
      rttMs: (a, b) => topology.rttMs(a, b),
      onTransition: (event) => bus.emit(event),
      ...(options.auditDir === undefined ? {} : { dir: options.auditDir }),
      ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    });
    this.ctx = {
      scenario,
      topology,
      clock: options.clock,
      random: options.random,
      bus,
      faults,
      policy: new ResidencyPolicy(scenario.policy),
      audit,
      worldId: `session-${++sessionCounter}`,
      transport: options.transport ?? globalFetch,
      env: options.env ?? ((name) => process.env[name]),
      closing: this.closing.signal,
    };
    bus.subscribe((event) => this.recordEvent(event));
    this.gateways = new Map(scenario.topology.regions.map((r) => [r.id, new RegionalGateway(r.id, this.ctx)]));
    this.director = new TrafficDirector(this.ctx);
    if (scenario.identity) {
      this.identity = new IdentityProvider(scenario.identity, options.clock, options.random, (event) => bus.emit(event));
      this.tokens = new CallerTokens(scenario, this.identity, options.clock, bus);
    }
    this.world = new SimulatedWorld(this.ctx.worldId, this.ctx.topology, scenario, this.ctx.faults, options.clock, options.random.fork("world"), (region) =>
      this.gateways.get(region)!.readiness(),
      this.identity,
    );
    this.traffic = new TrafficGenerator(
      scenario,
      options.clock,
      options.random,
      (request, random) => this.dispatch(request, random),
      (population) => this.ctx.faults.arrivalRateFactor(population),
      this.tokens,
    );
  }

  /** Subscribes to every event of the session, in the order the audit log records them. */
  subscribe(listener: Listener): () => void {
    return this.ctx.bus.subscribe(listener);
  }

  /** The session's audit stores; the owner closes them when done with the session. */
  get audit(): AuditSystem {
    return this.ctx.audit;
  }

  /** Requests sent and not yet answered, by request id. */
  get inflight(): ReadonlyMap<string, InflightRequest> {
    return this.inflightRequests;
  }

  start(): void {
    if (this.started) throw new Error("session already started");
    this.started = true;
    const { clock, scenario } = this.ctx;
    this.world.attach(this.ctx.transport);
    this.ctx.audit.start();
    this.ctx.audit.record({ kind: "run", t: clock.now(), region: "global", scenario: scenario.name, revision: scenario.revision, seed: scenario.seed });
    this.tokens?.start();
    for (const gateway of this.gateways.values()) gateway.start();
    this.director.start();
    this.traffic.start();
    scenario.faults.forEach((fault, i) => {
      const id = `f${i + 1}`;
      clock.setTimeout(() => this.applyFault(id, fault), fault.at_s * 1000 - clock.now());
      if (fault.heal_s !== undefined) clock.setTimeout(() => this.heal(id), fault.heal_s * 1000 - clock.now());
    });
  }

  /** Injects a fault now (a user's action in the app); returns its id for {@link heal}. */
  inject(fault: Fault): string {
    const id = `u${++this.userFaults}`;
    this.applyFault(id, fault);
    return id;
  }

  heal(faultId: string): void {
    const span = this.ctx.faults.heal(faultId, this.ctx.clock.now());
    this.ctx.bus.emit({ type: "fault", t: this.ctx.clock.now(), action: "heal", region: faultKind(span.fault).region(span.fault), faultId, fault: span.fault });
    this.reassessGateways();
  }

  /** Callers stop sending; requests already sent still complete. */
  stopTraffic(): void {
    this.traffic.stop();
  }

  close(): void {
    this.closing.abort("the session closed");
    this.traffic.stop();
    this.tokens?.stop();
    this.director.stop();
    for (const gateway of this.gateways.values()) gateway.stop();
    this.world.close();
    this.ctx.audit.flushAll();
  }

  private applyFault(id: string, fault: Fault): void {
    this.ctx.faults.inject(id, fault, this.ctx.clock.now());
    this.ctx.bus.emit({ type: "fault", t: this.ctx.clock.now(), action: "inject", region: faultKind(fault).region(fault), faultId: id, fault });
    this.identity?.apply(id, fault);
    this.reassessGateways();
  }

  /** A gateway going down or coming back changes its state without any traffic telling it. */
  private reassessGateways(): void {
    for (const gateway of this.gateways.values()) gateway.assess();
  }

  /**
   * A call from outside the simulation — an OpenAI client, through the host's HTTP endpoint — to the
   * gateway of `region`. It is checked like any request (identity, policy, routing), audited, and shown;
   * the director is not asked, since the client chose its gateway by its base URL. A streaming call's
   * chunks go to `sink` as they arrive. `signal` aborts when the client goes away (its reason, a string, says
   * so): the gateway then stops, tries nothing more, and audits the call as cancelled with what it had sent.
   */
  async chat(region: string, body: unknown, sink?: ChatSink, signal?: AbortSignal): Promise<ChatOutcome> {
    const { clock, topology, scenario } = this.ctx;
    const requestId = `ext-${++this.externalCalls}`;
    const meta = (attempts: number, elapsedMs: number, servedBy?: string): ChatMeta => ({ requestId, attempts, elapsedMs, ...(servedBy ? { servedBy } : {}) });
    const refuse = (status: number, error: ChatError): ChatOutcome => ({ kind: "error", status, error, streamed: false, meta: meta(0, 0), record: null });
    const home = topology.regions.get(region);
    if (!home) return refuse(404, { message: `no gateway in region "${region}" (known: ${[...topology.regions.keys()].join(", ")})`, type: "not_found_error", param: null, code: "unknown_region" });
    const parsed = parseChatRequest(body);
    if (!parsed.ok) return refuse(400, parsed.error);
    const { request: chat } = parsed;
    if (!scenario.topology.models.some((m) => m.id === chat.model))
      return refuse(404, {
        message: `The model \`${chat.model}\` does not exist at this gateway (logical models: ${scenario.topology.models.map((m) => m.id).join(", ")})`,
        type: "invalid_request_error",
        param: "model",
        code: "model_not_found",
      });
    const stream = chat.stream === true;
    // The client is given a token of its own by the scenario's identity provider, as a simulated caller is,
    // so the gateways check it and an identity fault reaches it too.
    clock.work.open(requestId);
    const token = this.identity
      ? await this.identity.sign({ subject: EXTERNAL_POPULATION, jti: requestId, issuedAt: clock.now(), ttlS: this.identity.config.token_ttl_s })
      : undefined;
    const abandoned = signal ? abortWhenEither(this.closing.signal, signal) : undefined;
    const request: CallerRequest = {
      id: requestId,
      population: EXTERNAL_POPULATION,
      originRegion: region,
      jurisdiction: home.jurisdiction,
      model: chat.model,
      consent: false,
      highRisk: false,
      sentAt: clock.now(),
      chat: {
        messages: chat.messages,
        stream,
        includeUsage: stream && chat.stream_options?.include_usage === true,
        signal: abandoned?.signal ?? this.closing.signal,
      },
      ...(token === undefined ? {} : { token }),
    };
    let handled: HandledRequest;
    try {
      handled = await this.serve(region, request, stream ? sink : undefined);
    } finally {
      abandoned?.release();
    }
    const { record, answer } = handled;
    const servedBy = record.servedBy?.target;
    const outcomeMeta = meta(record.attempts.length, clock.now() - request.sentAt, servedBy);
    if (answer && record.outcome === "ok") {
      if (stream) return { kind: "stream-complete", meta: outcomeMeta, record };
      const usage = answer.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      return {
        kind: "completion",
        completion: {
          id: `chatcmpl-${requestId}`,
          object: "chat.completion",
          created: Math.floor(clock.now() / 1000),
          model: answer.target.model,
          choices: [{ index: 0, message: { role: "assistant", content: answer.text }, finish_reason: answer.finishReason }],
          usage,
        },
        meta: outcomeMeta,
        record,
      };
    }
    const error: ChatError = handled.providerError ?? {
      message: record.reason ?? "the gateway could not answer",
      type: record.outcome === "rejected" ? "invalid_request_error" : "server_error",
      param: null,
      code: record.outcome === "rejected" ? `rejected_by_${record.rejectedBy ?? "gateway"}` : record.outcome === "cancelled" ? "cancelled" : "upstream_failed",
    };
    return { kind: "error", status: errorStatus(handled), error, streamed: handled.streamed === true, meta: outcomeMeta, record };
  }

  private dispatch(request: CallerRequest, random: Random): void {
    const region = this.director.route(request.population, request.originRegion, random);
    void this.serve(region, request);
  }

  /** Hands a request to the gateway of `region`, holding its work key, and records what became of it. */
  private async serve(region: string, request: CallerRequest, sink?: ChatSink): Promise<HandledRequest> {
    const { clock } = this.ctx;
    const key = request.id;
    clock.work.open(key);
    this.inflightRequests.set(request.id, { gateway: region, sentAt: request.sentAt });
    const finish = (handled: HandledRequest): HandledRequest => {
      const { record } = handled;
      // Given up because the session closed: its audit is closing too, and the request stays one in flight.
      if (this.closing.signal.aborted) {
        clock.work.close(key);
        return handled;
      }
      this.inflightRequests.delete(request.id);
      this.ctx.bus.emit({ type: "request", t: clock.now(), region, record });
      // A fail-closed rejection answered nothing that needed durability; it is only the record of refusing.
      if (record.highRisk && record.rejectedBy !== "audit") this.ctx.audit.commitHighRisk(region);
      clock.work.close(key);
      return handled;
    };
    if (this.ctx.faults.gatewayDown(region)) return finish({ record: unreachable(request, region) });
    let handled: HandledRequest;
    try {
      handled = await this.gateways.get(region)!.handle(request, key, sink);
    } catch (error) {
      return finish({ record: { ...unreachable(request, region), reason: `gateway error: ${(error as Error).message}` } });
    }
    return finish(handled);
  }

  /** Completion requests each target has received, as the simulated providers counted them. */
  get providerCompletions(): CompletionCounts {
    return this.world.completions;
  }

  private recordEvent(event: LabEvent): void {
    const { audit } = this.ctx;
    switch (event.type) {
      case "request":
        audit.record({ kind: "request", t: event.t, region: event.region, ...event.record });
        return;
      case "transition":
        audit.record({ kind: "transition", t: event.t, region: event.region, machine: event.machine, subject: event.subject, from: event.from, to: event.to, cause: event.cause });
        return;
      case "fault":
        audit.record({ kind: "fault", t: event.t, region: event.region, action: event.action, faultId: event.faultId, fault: event.fault });
    }
  }
}

/** The HTTP status of a call that got no whole answer. */
function errorStatus({ record, providerError }: HandledRequest): number {
  if (providerError) return 400;
  if (record.outcome === "rejected") return record.rejectedBy === "identity" ? 401 : record.rejectedBy === "capacity" ? 503 : 403;
  // nginx's "client closed request": no client reads it, but the host's log line says what became of the call.
  if (record.outcome === "cancelled") return 499;
  return record.attempts.length === 0 ? 503 : 502;
}

/** The record of a request whose gateway could not be reached (connection refused). */
function unreachable(request: CallerRequest, region: string): RequestRecord {
  return {
    ...recordBase(request, region),
    policy: null,
    attempts: [],
    outcome: "error",
    reason: `gateway ${region} unreachable: connection refused`,
    latencyMs: 0,
  };
}

