/**
 * The faults in force, and their history (status pages report it late). Pure bookkeeping: the simulated
 * world, the gateways and the traffic generator ask it questions, the session injects and heals. Each
 * question is answered by the hooks of the active faults' kinds, never by kind here. It lives beside the
 * kinds rather than in engine/sim/, so the request path (which asks whether its gateway is down) depends on
 * no module of the simulator.
 */
import type { RequestMisbehaviour, StatusPageState, WorldHooks } from "./kind";
import { faultKind } from "./registry";
import type { Fault } from "../scenario/schema";

export interface FaultSpan {
  readonly id: string;
  readonly fault: Fault;
  /** The world hooks of the fault's kind. */
  readonly world: WorldHooks<Fault>;
  /** Virtual ms. */
  readonly start: number;
  end: number | undefined;
}

const STATUS_RANK: Record<StatusPageState, number> = { operational: 0, degraded_performance: 1, partial_outage: 2, major_outage: 3 };

export class FaultBook {
  private readonly spans = new Map<string, FaultSpan>();
  /** The spans in force, kept as an array: every simulated request asks several questions of it. */
  private activeSpans: FaultSpan[] = [];
  /** Completion requests each fault has taken so far. */
  private readonly taken = new WeakMap<FaultSpan, number>();

  inject(id: string, fault: Fault, now: number): void {
    const existing = this.spans.get(id);
    if (existing && existing.end === undefined) throw new Error(`fault "${id}" is already active`);
    const span = { id, fault, world: faultKind(fault).world, start: now, end: undefined };
    this.spans.set(id, span);
    this.activeSpans.push(span);
  }

  heal(id: string, now: number): FaultSpan {
    const span = this.spans.get(id);
    if (!span) throw new Error(`no fault "${id}" (known: ${[...this.spans.keys()].join(", ") || "none"})`);
    if (span.end === undefined) span.end = now;
    this.activeSpans = this.activeSpans.filter((s) => s !== span);
    return span;
  }

  /** Faults in force right now. */
  active(): readonly FaultSpan[] {
    return this.activeSpans;
  }

  /** How the endpoint of `provider` in `region` misbehaves as a whole, if it does. */
  regionOutage(provider: string, region: string): "error-503" | "no-response" | undefined {
    for (const { fault, world } of this.activeSpans) {
      const behaviour = world.regionOutage?.(fault, provider, region);
      if (behaviour) return behaviour;
    }
    return undefined;
  }

  modelDown(provider: string, region: string, model: string): boolean {
    return this.activeSpans.some(({ fault, world }) => world.modelDown?.(fault, provider, region, model) ?? false);
  }

  /** Extra round-trip latency on the path between two regions (either direction) at virtual ms `now`, ms. */
  addedLatencyMs(a: string, b: string, now: number): number {
    let added = 0;
    for (const { fault, world, start } of this.activeSpans) added += world.pathLatencyMs?.(fault, a, b, now - start) ?? 0;
    return added;
  }

  /** The network between two regions drops every packet now. */
  pathCut(a: string, b: string): boolean {
    return this.activeSpans.some(({ fault, world }) => world.pathCut?.(fault, a, b) ?? false);
  }

  /** How many times its usual service time the endpoint takes to answer `model` now. */
  serviceTimeFactor(provider: string, region: string, model: string): number {
    let factor = 1;
    for (const { fault, world } of this.activeSpans) factor *= world.serviceTimeFactor?.(fault, provider, region, model) ?? 1;
    return factor;
  }

  /** How many times its stated rate the caller population sends at now. */
  arrivalRateFactor(population: string): number {
    let factor = 1;
    for (const { fault, world } of this.activeSpans) factor *= world.arrivalRateFactor?.(fault, population) ?? 1;
    return factor;
  }

  /** Injected error rates on an endpoint: each applies independently. */
  errorRates(provider: string, region: string): { rate: number; status: number }[] {
    const rates: { rate: number; status: number }[] = [];
    for (const { fault, world } of this.activeSpans) {
      const rate = world.errorRate?.(fault, provider, region);
      if (rate) rates.push(rate);
    }
    return rates;
  }

  /** How this completion request misbehaves, if a fault in force takes it; the first in force wins, and counts it. */
  takeRequestFault(provider: string, region: string, model: string): RequestMisbehaviour | undefined {
    for (const span of this.activeSpans) {
      const taken = this.taken.get(span) ?? 0;
      const misbehaviour = span.world.requestMisbehaviour?.(span.fault, provider, region, model, taken);
      if (!misbehaviour) continue;
      this.taken.set(span, taken + 1);
      return misbehaviour;
    }
    return undefined;
  }

  gatewayDown(region: string): boolean {
    return this.activeSpans.some(({ fault, world }) => world.gatewayDown?.(fault, region) ?? false);
  }

  /** The region is cut off from its audit destination. */
  auditPartitioned(region: string): boolean {
    return this.activeSpans.some(({ fault, world }) => world.auditUnreachable?.(fault, region) ?? false);
  }

  /** The region's gateway cannot reach the identity provider in any region. */
  idpPartitioned(region: string): boolean {
    return this.activeSpans.some(({ fault, world }) => world.idpPartitioned?.(fault, region) ?? false);
  }

  /** The identity provider's deployment in the region does not answer. */
  idpDown(region: string): boolean {
    return this.activeSpans.some(({ fault, world }) => world.idpDown?.(fault, region) ?? false);
  }

  /**
   * What a provider's status page says about a region at `now`, given that the page acknowledges incidents
   * (and their end) `lagMs` late.
   */
  statusPage(provider: string, region: string, now: number, lagMs: number): StatusPageState {
    let status: StatusPageState = "operational";
    for (const span of this.spans.values()) {
      const shown = span.start + lagMs <= now && (span.end === undefined || span.end + lagMs > now);
      if (!shown) continue;
      const s = span.world.statusPage?.(span.fault, provider, region);
      if (s && STATUS_RANK[s] > STATUS_RANK[status]) status = s;
    }
    return status;
  }
}
