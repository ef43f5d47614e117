/**
 * The faults in force in the simulated world, and their history (status pages report it late).
 * Pure bookkeeping: the world's request handlers ask it questions, the session injects and heals.
 */
import type { Fault } from "../scenario/schema";

export type RequestFault = Extract<Fault, { kind: "request-fault" }>;

export interface FaultSpan {
  readonly id: string;
  readonly fault: Fault;
  /** Virtual ms. */
  readonly start: number;
  end: number | undefined;
}

export class FaultBook {
  private readonly spans = new Map<string, FaultSpan>();
  /** The spans in force, kept as an array: every simulated request asks several questions of it. */
  private activeSpans: FaultSpan[] = [];
  /** Completion requests each request fault has taken so far. */
  private readonly requestFaultHits = new WeakMap<FaultSpan, number>();

  inject(id: string, fault: Fault, now: number): void {
    const existing = this.spans.get(id);
    if (existing && existing.end === undefined) throw new Error(`fault "${id}" is already active`);
    const span = { id, fault, start: now, end: undefined };
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
    for (const { fault } of this.active())
      if (fault.kind === "region-outage" && fault.region === region && (fault.provider ?? provider) === provider) return fault.behaviour;
    return undefined;
  }

  modelDown(provider: string, region: string, model: string): boolean {
    for (const { fault } of this.active())
      if (fault.kind === "model-outage" && fault.region === region && fault.provider === provider && fault.model === model) return true;
    return false;
  }

  /** Extra round-trip latency on the path between two regions (either direction), ms. */
  addedLatencyMs(a: string, b: string): number {
    let added = 0;
    for (const { fault } of this.active())
      if (fault.kind === "latency" && ((fault.from === a && fault.to === b) || (fault.from === b && fault.to === a))) added += fault.added_ms;
    return added;
  }

  /** Injected error rates on an endpoint: each applies independently. */
  errorRates(provider: string, region: string): { rate: number; status: number }[] {
    const rates: { rate: number; status: number }[] = [];
    for (const { fault } of this.active())
      if (fault.kind === "error-rate" && fault.region === region && fault.provider === provider) rates.push({ rate: fault.rate, status: fault.status });
    return rates;
  }

  /**
   * The request-level fault that takes this completion request, if any; the first in force wins. A fault
   * limited to `times` requests counts this one, and lets later ones through once spent.
   */
  takeRequestFault(provider: string, region: string, model: string): RequestFault | undefined {
    for (const span of this.active()) {
      const { fault } = span;
      if (fault.kind !== "request-fault" || fault.region !== region || fault.provider !== provider || (fault.model ?? model) !== model) continue;
      const hits = this.requestFaultHits.get(span) ?? 0;
      if (fault.times !== undefined && hits >= fault.times) continue;
      this.requestFaultHits.set(span, hits + 1);
      return fault;
    }
    return undefined;
  }

  gatewayDown(region: string): boolean {
    return this.regionHas("gateway-down", region);
  }

  /** The region is cut off from its audit destination. */
  auditPartitioned(region: string): boolean {
    return this.regionHas("audit-partition", region);
  }

  /** The region's gateway cannot reach the identity provider in any region. */
  idpPartitioned(region: string): boolean {
    return this.regionHas("idp-partition", region);
  }

  /** The identity provider's deployment in the region does not answer. */
  idpDown(region: string): boolean {
    return this.regionHas("idp-outage", region);
  }

  /** Whether a fault of this kind, which concerns a whole region, is active there. */
  private regionHas(kind: "gateway-down" | "audit-partition" | "idp-partition" | "idp-outage", region: string): boolean {
    return this.active().some(({ fault }) => fault.kind === kind && fault.region === region);
  }

  /**
   * What a provider's status page says about a region at `now`, given that the page acknowledges incidents
   * (and their end) `lagMs` late.
   */
  statusPage(provider: string, region: string, now: number, lagMs: number): "operational" | "degraded_performance" | "partial_outage" | "major_outage" {
    let status: "operational" | "degraded_performance" | "partial_outage" | "major_outage" = "operational";
    const rank = { operational: 0, degraded_performance: 1, partial_outage: 2, major_outage: 3 } as const;
    for (const span of this.spans.values()) {
      const shown = span.start + lagMs <= now && (span.end === undefined || span.end + lagMs > now);
      if (!shown) continue;
      const f = span.fault;
      let s: keyof typeof rank | undefined;
      if (f.kind === "region-outage" && f.region === region && (f.provider ?? provider) === provider) s = "major_outage";
      else if (f.kind === "model-outage" && f.region === region && f.provider === provider) s = "partial_outage";
      else if (f.kind === "error-rate" && f.region === region && f.provider === provider) s = "degraded_performance";
      if (s && rank[s] > rank[status]) status = s;
    }
    return status;
  }
}
