/**
 * The health-aware traffic director in front of the regional gateways (seed, layer 3). It checks each
 * gateway's readiness like Route 53 (interval, failure threshold; the same count to recover; from the checker
 * regions, with their quorum, when the scenario names them — `directorChecks.ts`), drains a ready gateway whose
 * report says its answers are slow or its providers degraded when the scenario asks (`readiness.ts`), and answers
 * callers with a gateway region. In DNS mode callers cache the answer for the TTL, so stale resolutions keep
 * hitting a failed region until they expire; in anycast mode the next packet already follows the change.
 */
import { createActor, type Actor } from "xstate";
import type { EngineContext } from "./context";
import { checkGateway } from "./directorChecks";
import { allowedGatewayRegions } from "./gatewayResidency";
import { HealthCheckCounter } from "./hysteresis";
import { directorMachine, type DirectorState } from "./machines/director";
import type { Random } from "./random";

/** The cached answers of one caller population's resolvers (DNS mode). */
interface Resolvers {
  readonly region: string[];
  readonly expiresAt: number[];
}

export class TrafficDirector {
  private readonly machine: Actor<typeof directorMachine>;
  private machineState: DirectorState;
  private readonly checks = new Map<string, HealthCheckCounter>();
  private readonly resolvers = new Map<string, Resolvers>();
  private readonly regionIds: readonly string[];
  /** Caller population → the jurisdiction of its data subjects. */
  private readonly populationJurisdiction: ReadonlyMap<string, string>;
  private checkSeq = 0;

  constructor(private readonly ctx: EngineContext) {
    const d = ctx.scenario.director;
    this.regionIds = ctx.scenario.topology.regions.map((r) => r.id);
    this.populationJurisdiction = new Map(ctx.scenario.topology.callers.map((c) => [c.id, c.jurisdiction]));
    // Route 53 counts the same number of checks both ways.
    for (const region of this.regionIds) this.checks.set(region, new HealthCheckCounter({ unhealthy: d.failure_threshold, healthy: d.failure_threshold }));
    this.machine = createActor(directorMachine, { clock: ctx.clock, input: { layout: d.layout, primary: d.primary } });
    this.machine.start();
    this.machineState = this.machine.getSnapshot().value as DirectorState;
    let lastCause = this.machine.getSnapshot().context.cause;
    // A region withdrawn while others already are keeps the state but is a transition all the same.
    this.machine.subscribe((snapshot) => {
      const to = snapshot.value as DirectorState;
      const { cause } = snapshot.context;
      if (to === this.machineState && cause === lastCause) return;
      const from = this.machineState;
      this.machineState = to;
      lastCause = cause;
      const subject = snapshot.context.region ?? "director";
      ctx.bus.emit({ type: "transition", t: ctx.clock.now(), machine: "director", region: "global", subject, from, to, cause });
    });
    const ttlMs = d.ttl_s * 1000;
    const stagger = ctx.random.fork("director:resolvers");
    for (const population of ctx.scenario.topology.callers) {
      const answer = this.answer(population.region, population.jurisdiction, stagger);
      this.resolvers.set(population.id, {
        region: Array.from({ length: population.clients }, () => answer),
        // Resolvers refreshed at random moments before the run, so their expiries are spread over one TTL.
        expiresAt: Array.from({ length: population.clients }, () => stagger.next() * ttlMs),
      });
    }
  }

  get state(): DirectorState {
    return this.machineState;
  }

  /** Regions currently withdrawn from answers. */
  get withdrawn(): ReadonlySet<string> {
    return this.machine.getSnapshot().context.withdrawn;
  }

  start(): void {
    const { clock, scenario, random } = this.ctx;
    const intervalMs = scenario.director.check_interval_s * 1000;
    const stagger = random.fork("director:checks");
    for (const region of this.regionIds) {
      const tick = () => {
        void this.check(region);
        clock.setTimeout(tick, intervalMs);
      };
      clock.setTimeout(tick, stagger.next() * intervalMs);
    }
  }

  stop(): void {
    this.machine.stop();
  }

  /**
   * The gateway region a caller of `population` reaches now. `random` is the request's own stream (client
   * choice, weighted balancing).
   */
  route(populationId: string, callerRegion: string, random: Random): string {
    const d = this.ctx.scenario.director;
    const jurisdiction = this.populationJurisdiction.get(populationId)!;
    if (d.mode === "anycast") return this.answer(callerRegion, jurisdiction, random);
    const resolvers = this.resolvers.get(populationId)!;
    const client = Math.floor(random.next() * resolvers.region.length);
    const now = this.ctx.clock.now();
    if (resolvers.expiresAt[client]! <= now) {
      resolvers.region[client] = this.answer(callerRegion, jurisdiction, random);
      resolvers.expiresAt[client] = now + d.ttl_s * 1000;
    }
    return resolvers.region[client]!;
  }

  /** The director's current answer for a caller in `callerRegion` whose data is of `jurisdiction`. */
  answer(callerRegion: string, jurisdiction: string, random: Random): string {
    const d = this.ctx.scenario.director;
    const { withdrawn } = this.machine.getSnapshot().context;
    const candidates = allowedGatewayRegions(this.ctx.scenario, jurisdiction, (r) => !withdrawn.has(r));
    const serving = candidates.filter((r) => !withdrawn.has(r));
    // Like Route 53 when every record is unhealthy: answer as if all were healthy rather than nothing.
    const pool = serving.length > 0 ? serving : candidates;
    if (d.layout === "active-passive" && d.primary !== undefined && pool.includes(d.primary)) return d.primary;
    if (d.balancing === "weights" && d.layout === "active-active") {
      const weights = pool.map((r) => d.weights?.[r] ?? 0);
      const total = weights.reduce((a, b) => a + b, 0);
      if (total > 0) {
        let pick = random.next() * total;
        for (let i = 0; i < pool.length; i++) {
          pick -= weights[i]!;
          if (pick < 0) return pool[i]!;
        }
      }
    }
    const rtt = (r: string) => this.ctx.topology.rttMs(callerRegion, r);
    return pool.reduce((best, r) => (rtt(r) < rtt(best) || (rtt(r) === rtt(best) && r < best) ? r : best));
  }

  private async check(region: string): Promise<void> {
    const { clock } = this.ctx;
    const key = `check:${region}:${++this.checkSeq}`;
    clock.work.open(key);
    try {
      const { ok, detail } = await checkGateway(this.ctx, region, key);
      this.recordCheck(region, ok, detail);
    } finally {
      clock.work.close(key);
    }
  }

  private recordCheck(region: string, ok: boolean, detail: string): void {
    const check = this.checks.get(region)!;
    const change = check.record(ok);
    if (change === "came-back") this.machine.send({ type: "REGION_UP", region, detail: `${check.consecutivePassed} consecutive health checks passed` });
    else if (change === "went-down") this.machine.send({ type: "REGION_DOWN", region, detail: `${check.consecutiveFailed} consecutive health checks failed (last: ${detail})` });
  }
}
