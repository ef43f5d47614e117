/**
 * One engine session: a scenario's topology brought to life — gateways, traffic director, simulated world,
 * traffic and fault timeline — on an injected clock and random source, writing every decision and
 * transition to the hash-chained audit log. The headless drill and the app both drive this class.
 */
import { AuditSystem } from "./audit/system";
import type { Clock } from "./clock";
import type { EngineContext } from "./context";
import { TrafficDirector } from "./director";
import { EventBus, type LabEvent, type Listener, type RequestRecord } from "./events";
import { RegionalGateway, recordBase, type CallerRequest } from "./gateway";
import { IdentityProvider } from "./identity/provider";
import { CallerTokens } from "./identity/tokens";
import { ResidencyPolicy } from "./policy";
import type { Random } from "./random";
import type { Fault, Scenario } from "./scenario/schema";
import { FaultBook } from "./sim/faults";
import { TrafficGenerator } from "./sim/traffic";
import { SimulatedWorld } from "./sim/world";
import { Topology } from "./topology";

export interface SessionOptions {
  readonly clock: Clock;
  readonly random: Random;
  /** Directory for the audit stores, which must not hold stores yet; absent, a temporary one removed on close. */
  readonly auditDir?: string;
  /** better-sqlite3 addon built for another ABI (Electron's). */
  readonly nativeBinding?: string;
}

/** A request on its way: where the director sent it, and when. */
export interface InflightRequest {
  readonly gateway: string;
  readonly sentAt: number;
}

let sessionCounter = 0;

export class EngineSession {
  readonly ctx: EngineContext;
  readonly gateways: ReadonlyMap<string, RegionalGateway>;
  readonly director: TrafficDirector;
  private readonly world: SimulatedWorld;
  private readonly traffic: TrafficGenerator;
  private readonly identity: IdentityProvider | undefined;
  private readonly tokens: CallerTokens | undefined;
  private readonly inflightRequests = new Map<string, InflightRequest>();
  private userFaults = 0;
  private started = false;

  constructor(scenario: Scenario, options: SessionOptions) {
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
    this.traffic = new TrafficGenerator(scenario, options.clock, options.random, (request, random) => this.dispatch(request, random), this.tokens);
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
    this.world.attach();
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
    this.ctx.bus.emit({ type: "fault", t: this.ctx.clock.now(), action: "heal", region: faultRegion(span.fault), faultId, fault: span.fault });
    this.reassessGateways();
  }

  /** Callers stop sending; requests already sent still complete. */
  stopTraffic(): void {
    this.traffic.stop();
  }

  close(): void {
    this.traffic.stop();
    this.tokens?.stop();
    this.director.stop();
    for (const gateway of this.gateways.values()) gateway.stop();
    this.world.close();
    this.ctx.audit.flushAll();
  }

  private applyFault(id: string, fault: Fault): void {
    this.ctx.faults.inject(id, fault, this.ctx.clock.now());
    this.ctx.bus.emit({ type: "fault", t: this.ctx.clock.now(), action: "inject", region: faultRegion(fault), faultId: id, fault });
    this.identity?.apply(id, fault);
    this.reassessGateways();
  }

  /** A gateway going down or coming back changes its state without any traffic telling it. */
  private reassessGateways(): void {
    for (const gateway of this.gateways.values()) gateway.assess();
  }

  private dispatch(request: CallerRequest, random: Random): void {
    const { clock } = this.ctx;
    const key = request.id;
    clock.work.open(key);
    const region = this.director.route(request.population, request.originRegion, random);
    this.inflightRequests.set(request.id, { gateway: region, sentAt: request.sentAt });
    const finish = (record: RequestRecord) => {
      this.inflightRequests.delete(request.id);
      this.ctx.bus.emit({ type: "request", t: clock.now(), region, record });
      // A fail-closed rejection answered nothing that needed durability; it is only the record of refusing.
      if (record.highRisk && record.rejectedBy !== "audit") this.ctx.audit.commitHighRisk(region);
      clock.work.close(key);
    };
    if (this.ctx.faults.gatewayDown(region)) {
      finish(unreachable(request, region));
      return;
    }
    this.gateways
      .get(region)!
      .handle(request, key)
      .then(
        async (record) => {
          if (!record.highRisk || record.rejectedBy === "audit") return finish(record);
          // Art. 12: the response waits until the entry is durable, which may be a round trip away.
          const writeMs = this.ctx.audit.durableWriteMs(region);
          if (writeMs > 0) await clock.sleep(writeMs, key);
          finish(writeMs > 0 ? { ...record, latencyMs: record.latencyMs + writeMs } : record);
        },
        (error: unknown) => {
          finish({ ...unreachable(request, region), reason: `gateway error: ${(error as Error).message}` });
        },
      );
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

/** The region a fault belongs to in the audit log. */
function faultRegion(fault: Fault): string {
  if (fault.kind === "latency") return fault.from;
  // The identity provider's own events concern every region it serves.
  return "region" in fault ? fault.region : "global";
}
