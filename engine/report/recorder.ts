/**
 * Watches a session's events and keeps what the drill report needs, incrementally and in bounded memory
 * (latencies counted per whole millisecond, per-fault marks, per-failover tallies) rather than every request.
 */
import type { LabEvent, RequestRecord, TransitionEvent } from "../events";
import type { Fault } from "../scenario/schema";
import type { InflightRequest } from "../session";
import { MillisecondCounts, percentile } from "../stats/percentile";
import { faultRefused, requestTouches, transitionDetects, withdrawnRegion } from "./faultImpact";
import { IdentityCostRecorder } from "./identityCost";
import { answeredByHealed } from "./recovery";
import type { ReportPageSecond } from "./pageData";

export interface FaultMeasure {
  readonly id: string;
  readonly kind: Fault["kind"];
  readonly fault: Fault;
  /** Virtual seconds since run start. */
  readonly at_s: number;
  heal_s: number | null;
  /** Seconds from the fault to the first state change that noticed it. */
  detection_s: number | null;
  detected_by: { machine: string; subject: string; to: string; cause: string } | null;
  /** Seconds from the fault to the sending of the first request of an affected population served without touching it. */
  reroute_s: number | null;
  /**
   * Seconds from the fault to the last caller-visible failure it caused: an error of a request that touched
   * it, or a refusal that was its doing; 0 when retries hid every failure.
   */
  rto_s: number | null;
  /** Seconds from the heal to the first answer the component it hit served again; null before that. */
  return_s: number | null;
  /** Requests that touched the faulted component while it was active (its refusals included). */
  touched: number;
  /** Of those, how many ended in an error. */
  failed: number;
  /** Of those, how many were refused because of the fault (identity, audit fail-closed, residency). */
  refused: number;
  readonly populations: Set<string>;
  /**
   * Per population, when the earliest request served without touching the fault was sent (virtual ms):
   * requests finish out of order, so the first rerouted request to finish need not be the first sent.
   */
  readonly firstRerouted: Map<string, number>;
}

export interface FailoverMeasure {
  readonly t_s: number;
  readonly machine: string;
  readonly subject: string;
  readonly to: string;
  readonly cause: string;
  /** Requests in flight through the failing region at that moment, and what became of them. */
  inflight: number;
  completed: number;
  retried: number;
  failed: number;
  rejected: number;
}

/** One virtual second of traffic, by the time each request was answered: what the report's charts plot. */
export type SecondPoint = ReportPageSecond;

/**
 * Where one virtual second's requests went, by the time each was answered, as `SecondPoint` counts them:
 * what the app's per-second charts and traffic shares draw. Kept apart from the report's `series`, which
 * it would change, and only when asked for.
 */
export interface SecondTraffic {
  readonly t_s: number;
  requests: number;
  readonly byGateway: Record<string, number>;
  /** Requests served, by the endpoint that answered. */
  readonly byEndpoint: Record<string, number>;
  /** `gateway>endpoint` → requests served. */
  readonly byLink: Record<string, number>;
  /** Population → gateway → requests. */
  readonly byPopulation: Record<string, Record<string, number>>;
  /** `gateway>endpoint` → requests served outside their caller's jurisdiction, by the lawful basis recorded. */
  readonly crossBorder: Record<string, CrossBorderCounts>;
  /** `population>gateway` → requests that ended in an error or were refused. */
  readonly unanswered: Record<string, UnansweredCounts>;
}

export interface CrossBorderCounts {
  consent: number;
  transferMechanism: number;
}

export interface UnansweredCounts {
  errors: number;
  refused: number;
}

/** Virtual ms as seconds, to the millisecond: the report carries no more precision than the clock means. */
const seconds = (ms: number): number => Math.round(ms) / 1000;

const FAILOVER_STATES = new Set(["failed", "regionsWithdrawn", "standbyPromoted"]);

export class DrillRecorder {
  readonly faults = new Map<string, FaultMeasure>();
  readonly failovers: FailoverMeasure[] = [];
  readonly transitions: TransitionEvent[] = [];
  readonly totals = { requests: 0, ok: 0, errors: 0, rejected: 0, crossBorderServed: 0, retried: 0 };
  /** Refusals by what refused them; they add up to `totals.rejected`. */
  readonly rejectedBy = { identity: 0, audit: 0, residency: 0, capacity: 0 };
  readonly byGateway: Record<string, number> = {};
  readonly servedIn: Record<string, number> = {};
  readonly identity = new IdentityCostRecorder();
  /** Since the start, per caller population and per gateway: the requests that failed or were refused (the app's node counters). */
  readonly unanswered = { byPopulation: {} as Record<string, UnansweredCounts>, byGateway: {} as Record<string, UnansweredCounts> };
  /** Seconds with at least one answered request, in time order. */
  readonly series: SecondPoint[] = [];
  /**
   * The last seconds of traffic by gateway, endpoint, link and population, the current one included (last),
   * when the constructor was asked to keep them; empty otherwise.
   */
  readonly traffic: SecondTraffic[] = [];
  private second: { t_s: number; requests: number; ok: number; errors: number; rejected: number; latencies: number[] } | undefined;
  private readonly latency = new MillisecondCounts();
  /** Request id → failovers it was in flight for. */
  private readonly watched = new Map<string, FailoverMeasure[]>();

  /** `trafficSecondsKept`: how many seconds of `traffic` to keep (0, the default, keeps none: a drill needs none). */
  constructor(
    private readonly inflight: () => ReadonlyMap<string, InflightRequest>,
    private readonly trafficSecondsKept = 0,
  ) {}

  readonly listener = (event: LabEvent): void => {
    switch (event.type) {
      case "fault":
        return this.onFault(event.t, event.action, event.faultId, event.fault);
      case "transition":
        return this.onTransition(event);
      case "request":
        return this.onRequest(event.t, event.record);
    }
  };

  /** Latency percentile `p` (0..100) over served requests, to the whole ms (0 when none were served). */
  latencyPercentile(p: number): number {
    return this.latency.count === 0 ? 0 : Math.round(this.latency.percentile(p / 100));
  }

  private onFault(t: number, action: "inject" | "heal", id: string, fault: Fault): void {
    if (action === "heal") {
      const measure = this.faults.get(id);
      if (measure) measure.heal_s = seconds(t);
      return;
    }
    this.faults.set(id, {
      id,
      kind: fault.kind,
      fault,
      at_s: seconds(t),
      heal_s: null,
      detection_s: null,
      detected_by: null,
      reroute_s: null,
      rto_s: null,
      return_s: null,
      touched: 0,
      failed: 0,
      refused: 0,
      populations: new Set(),
      firstRerouted: new Map(),
    });
  }

  private active(measure: FaultMeasure, t: number): boolean {
    return t >= measure.at_s * 1000 && (measure.heal_s === null || t < measure.heal_s * 1000);
  }

  private onTransition(event: TransitionEvent): void {
    this.transitions.push(event);
    this.identity.onTransition(event);
    for (const measure of this.faults.values()) {
      if (measure.detection_s !== null || !this.active(measure, event.t) || !transitionDetects(measure.fault, event)) continue;
      measure.detection_s = seconds(event.t - measure.at_s * 1000);
      measure.detected_by = { machine: event.machine, subject: event.subject, to: event.to, cause: event.cause };
    }
    const failingRegion = event.machine === "gateway" ? event.subject : withdrawnRegion(event);
    if (!failingRegion || !FAILOVER_STATES.has(event.to)) return;
    const failover: FailoverMeasure = {
      t_s: seconds(event.t),
      machine: event.machine,
      subject: event.subject,
      to: event.to,
      cause: event.cause,
      inflight: 0,
      completed: 0,
      retried: 0,
      failed: 0,
      rejected: 0,
    };
    for (const [id, request] of this.inflight()) {
      if (request.gateway !== failingRegion) continue;
      failover.inflight++;
      const list = this.watched.get(id);
      if (list) list.push(failover);
      else this.watched.set(id, [failover]);
    }
    this.failovers.push(failover);
  }

  private onRequest(t: number, record: RequestRecord): void {
    const totals = this.totals;
    totals.requests++;
    this.identity.onRequest(record);
    this.byGateway[record.gateway] = (this.byGateway[record.gateway] ?? 0) + 1;
    if (record.attempts.length > 1) totals.retried++;
    if (record.outcome === "ok") {
      totals.ok++;
      this.latency.record(record.latencyMs);
      const served = record.servedBy!;
      this.servedIn[served.region] = (this.servedIn[served.region] ?? 0) + 1;
      if (record.policy?.crossBorder) totals.crossBorderServed++;
    } else if (record.outcome === "error") totals.errors++;
    else if (record.outcome === "rejected") {
      totals.rejected++;
      // Unnamed counts as residency, as the independent audit review counts it.
      this.rejectedBy[record.rejectedBy ?? "residency"]++;
    }
    // A cancelled request (its caller went away first) is none of served, failed or refused: it counts among
    // the requests only. Simulated callers never go away, so only the app's calls from OpenAI clients can be.
    if (record.outcome === "error" || record.outcome === "rejected") {
      countUnanswered((this.unanswered.byPopulation[record.population] ??= { errors: 0, refused: 0 }), record);
      countUnanswered((this.unanswered.byGateway[record.gateway] ??= { errors: 0, refused: 0 }), record);
    }

    this.countSecond(t, record);

    for (const failover of this.watched.get(record.requestId) ?? []) {
      if (record.outcome === "ok") failover.completed++;
      else if (record.outcome === "error") failover.failed++;
      else if (record.outcome === "rejected") failover.rejected++;
      if (record.attempts.length > 1) failover.retried++;
    }
    this.watched.delete(record.requestId);

    for (const measure of this.faults.values()) {
      if (measure.heal_s !== null && measure.return_s === null) {
        const healMs = measure.heal_s * 1000;
        const answeredAt = answeredByHealed(measure.fault, healMs, record);
        if (answeredAt !== undefined) measure.return_s = seconds(answeredAt - healMs);
      }
      if (!this.active(measure, record.sentAt)) continue;
      const touched = requestTouches(measure.fault, record);
      if (touched) {
        measure.touched++;
        measure.populations.add(record.population);
        const refused = faultRefused(measure.fault, record);
        if (refused) measure.refused++;
        else if (record.outcome === "error") measure.failed++;
        if (refused || record.outcome === "error") measure.rto_s = Math.max(measure.rto_s ?? 0, seconds(t - measure.at_s * 1000));
      } else if (record.outcome === "ok") {
        const earliest = measure.firstRerouted.get(record.population);
        if (earliest === undefined || record.sentAt < earliest) measure.firstRerouted.set(record.population, record.sentAt);
      }
      // A population counts once one of its requests touched the fault, which may finish after its rerouted ones.
      const rerouted = measure.populations.has(record.population) ? measure.firstRerouted.get(record.population) : undefined;
      if (rerouted !== undefined) measure.reroute_s = Math.min(measure.reroute_s ?? Infinity, seconds(rerouted - measure.at_s * 1000));
    }
  }

  private countSecond(t: number, record: RequestRecord): void {
    const t_s = Math.floor(t / 1000);
    if (this.second?.t_s !== t_s) {
      this.closeSecond();
      this.second = { t_s, requests: 0, ok: 0, errors: 0, rejected: 0, latencies: [] };
      if (this.trafficSecondsKept > 0) {
        this.traffic.push({ t_s, requests: 0, byGateway: {}, byEndpoint: {}, byLink: {}, byPopulation: {}, crossBorder: {}, unanswered: {} });
        if (this.traffic.length > this.trafficSecondsKept) this.traffic.shift();
      }
    }
    if (this.trafficSecondsKept > 0) countTraffic(this.traffic.at(-1)!, record);
    const second = this.second;
    second.requests++;
    if (record.outcome === "ok") {
      second.ok++;
      second.latencies.push(record.latencyMs);
    } else if (record.outcome === "error") second.errors++;
    else if (record.outcome === "rejected") second.rejected++;
  }

  private closeSecond(): void {
    if (!this.second) return;
    const { t_s, requests, ok, errors, rejected, latencies } = this.second;
    latencies.sort((a, b) => a - b);
    // Written out, not spread from a rest object: each `{ ...rest, p95_ms }` got a hidden class of its own in
    // V8 (~250 bytes a second, 21 MB a simulated day; bench soak), where a literal shares one (~60 bytes).
    this.series.push({ t_s, requests, ok, errors, rejected, p95_ms: latencies.length === 0 ? null : Math.round(percentile(latencies, 0.95)) });
    this.second = undefined;
  }

  /** Closes the books: a fault that touched requests but made none fail recovered at once. */
  finish(): void {
    this.closeSecond();
    for (const measure of this.faults.values()) if (measure.rto_s === null && measure.touched > 0) measure.rto_s = 0;
  }
}

function countTraffic(second: SecondTraffic, record: RequestRecord): void {
  second.requests++;
  increment(second.byGateway, record.gateway);
  if (record.servedBy) {
    const endpoint = record.servedBy.target.split("/")[0]!;
    increment(second.byEndpoint, endpoint);
    increment(second.byLink, `${record.gateway}>${endpoint}`);
  }
  increment((second.byPopulation[record.population] ??= {}), record.gateway);
  if (record.outcome === "error" || record.outcome === "rejected") countUnanswered((second.unanswered[`${record.population}>${record.gateway}`] ??= { errors: 0, refused: 0 }), record);
  const basis = crossBorderBasis(record);
  if (basis) (second.crossBorder[`${record.gateway}>${record.servedBy!.target.split("/")[0]!}`] ??= { consent: 0, transferMechanism: 0 })[basis]++;
}

function countUnanswered(counts: UnansweredCounts, record: RequestRecord): void {
  if (record.outcome === "error") counts.errors++;
  else counts.refused++;
}

/**
 * The lawful basis of a request served outside its caller's jurisdiction, as the gateway's policy recorded it
 * (`consent`, or `transfer-mechanism:<name>`); undefined for one served at home or not served.
 */
function crossBorderBasis(record: RequestRecord): keyof CrossBorderCounts | undefined {
  const basis = record.policy?.basis;
  if (record.outcome !== "ok" || !record.policy?.crossBorder || !basis || record.servedBy?.jurisdiction === record.origin.jurisdiction) return undefined;
  return basis === "consent" ? "consent" : basis.startsWith("transfer-mechanism") ? "transferMechanism" : undefined;
}

function increment(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}
