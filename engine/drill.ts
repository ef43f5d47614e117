/**
 * A headless drill: one scenario, one seed, run in virtual time as fast as the host allows, ending in a
 * report that answers the seed article's four questions with numbers. The report holds only virtual-time
 * figures, so the same scenario and seed give a byte-identical report and the same audit head hash.
 */
import packageJson from "../package.json";
import { verifyChain, type ChainVerdict } from "./audit/AuditLog";
import { crossCheckBuffers, crossCheckReplicas, type CrossCheck } from "./audit/crossCheck";
import type { AuditStore, AuditSystem, BufferStats, StoreRole } from "./audit/system";
import { Topology } from "./topology";
import { VirtualClock } from "./clock";
import type { TransitionEvent } from "./events";
import { seededRandom } from "./random";
import { reviewAudit, reviewScope, type AuditReview, type BufferReader } from "./report/auditReview";
import { evaluateExpectations, type ExpectationResult, type Metrics } from "./report/expectations";
import { withdrawnRegion } from "./report/faultImpact";
import { longestReturn } from "./report/recovery";
import type { IdentityCost } from "./report/identityCost";
import { DrillRecorder, type FailoverMeasure, type SecondPoint } from "./report/recorder";
import type { Fault, Scenario } from "./scenario/schema";
import { EngineSession } from "./session";
import { directTransport } from "./sim/transport";
import type { Transport } from "./http";

export const ENGINE_VERSION: string = packageJson.version;

export interface DrillOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Directory for the audit stores, one SQLite file each; it must not hold stores yet. Absent: a temporary one. */
  readonly auditDir?: string;
  /** Called as virtual time advances (at most once per virtual second). */
  readonly onProgress?: (virtualMs: number, totalMs: number) => void;
  /** Called when the simulation is over, before the audit log is verified and reviewed (for timing). */
  readonly onSimulated?: () => void;
  /** better-sqlite3 addon built for another ABI (Electron's), for the audit stores. */
  readonly nativeBinding?: string;
  /**
   * How the gateways' exchanges reach the simulated world; default {@link directTransport}, which gives the
   * same report as the global `fetch` through MSW, only faster.
   */
  readonly transport?: Transport;
}

export interface ChainSummary {
  readonly ok: boolean;
  readonly head: string;
  readonly first_bad: { seq: number; reason: string } | null;
}

export interface StoreChain extends ChainSummary {
  readonly name: string;
  readonly role: StoreRole;
  /** The store's file name in the audit directory. */
  readonly file: string;
  readonly entries: number;
}

export interface FaultReport {
  readonly id: string;
  readonly kind: Fault["kind"];
  readonly fault: Fault;
  readonly at_s: number;
  readonly heal_s: number | null;
  readonly detection_s: number | null;
  readonly detected_by: { machine: string; subject: string; to: string; cause: string } | null;
  readonly reroute_s: number | null;
  /** To the last error or refusal a caller saw because of the fault. */
  readonly rto_s: number | null;
  /** Seconds from the heal to the first answer the component the fault hit served again; null if none did. */
  readonly return_s: number | null;
  readonly requests_touched: number;
  /** Touching requests that ended in an error. */
  readonly requests_failed: number;
  /** Requests refused because of the fault: identity, audit fail-closed, residency. */
  readonly requests_refused: number;
}

export interface DrillReport {
  readonly format: 1;
  readonly engine: string;
  readonly scenario: { readonly name: string; readonly revision: number; readonly duration_s: number };
  readonly seed: number;
  readonly totals: {
    readonly requests: number;
    readonly ok: number;
    readonly errors: number;
    /** Refused requests, a failure the caller sees as much as an error; `rejected_by` names what refused them. */
    readonly rejected: number;
    readonly rejected_by: { readonly identity: number; readonly audit: number; readonly residency: number; readonly capacity: number };
    readonly retried: number;
    readonly success_rate: number;
    readonly latency_ms: { readonly p50: number; readonly p95: number; readonly p99: number };
    readonly by_gateway: Record<string, number>;
    readonly served_in: Record<string, number>;
    /** Requests still unanswered when the drill stopped waiting for them. */
    readonly unfinished: number;
  };
  /** The seed article's four questions. */
  readonly questions: {
    readonly detection: { readonly faults: readonly FaultReport[] };
    readonly policy: AuditReview["residency"] & { readonly coverage: ReviewCoverage };
    readonly inflight: { readonly failovers: readonly FailoverMeasure[] };
    readonly audit: {
      readonly pattern: Scenario["audit"]["pattern"];
      /** Entries in the destination logs (the canonical log, or the region logs and the global log). */
      readonly entries: number;
      readonly per_region: Record<string, number>;
      readonly gaps: number;
      /**
       * Buffered entries that did not reach a destination intact: skipped, altered, or claimed by a
       * destination entry the buffer does not hold (the buffers checked against the destinations).
       */
      readonly lost: number;
      /** The buffers checked entry by entry against the destinations; null while a run is still going. */
      readonly cross_check: { readonly ok: boolean; readonly problems: readonly string[] } | null;
      readonly buffers: readonly BufferStats[];
      readonly high_risk: {
        readonly durable_at_destination: number;
        readonly durable_in_replicas: number;
        readonly durable_in_buffer_only: number;
        readonly rejected_fail_closed: number;
      };
      /** Every store's chain; the first destination's head stands for the run. */
      readonly stores: readonly StoreChain[];
      readonly chain: ChainSummary;
    };
  };
  /** What trusting cached identity cost, per region; null when the scenario has no identity provider. */
  readonly identity: IdentityCost | null;
  readonly transitions: readonly Omit<TransitionEvent, "type">[];
  /** Traffic per virtual second, for charts. */
  readonly series: readonly SecondPoint[];
  readonly metrics: Metrics;
  readonly expectations: readonly ExpectationResult[];
  readonly passed: boolean;
}

/**
 * How much of the run the residency review saw: request entries it reviewed (at the destinations or still
 * in a region's buffer), of the requests the drill recorded as answered. Below 1 when entries are missing
 * from every store; above 1 when the stores hold requests the drill never saw.
 */
export interface ReviewCoverage {
  readonly reviewed: number;
  /** Of those reviewed, how many were still only in a region's buffer. */
  readonly inBuffers: number;
  readonly of: number;
  /** reviewed / of, to 4 digits; 1 when there were no requests. */
  readonly share: number;
}

/** Virtual time the drill waits after the run for requests already sent, ms, beyond their own retry budget. */
const DRAIN_SLACK_MS = 10_000;

/**
 * Why the scenario cannot run in virtual time, if it cannot: it names real servers (deployments marked
 * `real`), which answer in wall time. Drills and `npm run faults` refuse such a scenario; `npm run serve`
 * plays it at 1× only.
 */
export function needsRealTime(scenario: Scenario): string | undefined {
  const real = new Topology(scenario).realEndpoints;
  if (real.length === 0) return undefined;
  return `${real.map((e) => e.id).join(", ")} ${real.length === 1 ? "is a real server, which answers" : "are real servers, which answer"} in wall time`;
}

export async function runDrill(scenario: Scenario, options: DrillOptions): Promise<DrillReport> {
  const realServers = needsRealTime(scenario);
  if (realServers) throw new Error(`${realServers}: a drill runs in virtual time; play the scenario with npm run serve or in the app`);
  const seed = options.seed ?? scenario.seed;
  const clock = new VirtualClock();
  const session = new EngineSession(scenario, { clock, random: seededRandom(seed), transport: options.transport ?? directTransport,
    ...(options.auditDir === undefined ? {} : { auditDir: options.auditDir }),
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
  });
  const recorder = new DrillRecorder(() => session.inflight);
  session.subscribe(recorder.listener);
  const endMs = scenario.duration_s * 1000;
  try {
    session.start();
    await clock.runUntil(endMs, options.onProgress && ((now) => options.onProgress!(now, endMs)));
    await finishRun(session, clock, scenario);
    options.onSimulated?.();
    recorder.finish();
    const review = reviewAudit(
      session.audit.destinations().map((store) => ({ name: store.name, entries: store.log.entries() })),
      reviewScope(scenario),
      bufferReaders(session.audit),
    );
    return buildReport(scenario, seed, recorder, review, auditFindings(session.audit, undefined, crossCheckStores(session.audit)), session.inflight.size);
  } finally {
    session.audit.close();
  }
}

/** Each region's buffer store as the review reads what it still holds. */
export function bufferReaders(audit: AuditSystem): Map<string, BufferReader> {
  return new Map([...audit.bufferStores()].map(([region, store]) => [region, (fromSeq: number) => store.log.entries({ fromSeq })]));
}

/** Every region's buffer against the destinations, and every replica against the buffers, read from the stores. */
export function crossCheckStores(audit: AuditSystem): CrossCheck {
  const bufferStores = audit.bufferStores();
  const buffers = new Map([...bufferStores].map(([region, store]) => [region, store.log.entries()]));
  const check = crossCheckBuffers(
    audit.destinations().map((store) => ({ name: store.name, entries: store.log.entries() })),
    buffers,
  );
  const replicaProblems = crossCheckReplicas(
    audit.replicas().map((store) => ({ name: store.name, entries: store.log.entries() })),
    (region, seq) => bufferStores.get(region)?.log.entry(seq),
  );
  return replicaProblems.length === 0 ? check : { ...check, ok: false, problems: [...check.problems, ...replicaProblems] };
}

/**
 * Ends a run at the scenario's end the way every drill does, so the app's runs and headless drills of the
 * same scenario and seed end in the same state: callers stop, requests already sent get their answers
 * (within their retry budget), the session closes and the last buffered audit entries are flushed.
 */
export async function finishRun(session: EngineSession, clock: VirtualClock, scenario: Scenario): Promise<void> {
  session.stopTraffic();
  const drainUntil = scenario.duration_s * 1000 + scenario.gateway.max_attempts * scenario.gateway.attempt_timeout_ms + DRAIN_SLACK_MS;
  while (session.inflight.size > 0 && (await clock.step(drainUntil))) {
    // Each step lets one more timer fire; in-flight requests finish as their simulated answers arrive.
  }
  session.close();
}

/** What the audit stores themselves say: every chain verified, buffers accounted for. */
export interface AuditFindings {
  readonly pattern: Scenario["audit"]["pattern"];
  readonly stores: readonly StoreChain[];
  readonly buffers: readonly BufferStats[];
  readonly highRisk: AuditSystem["highRisk"];
  /** Absent mid-run, where only the cheaper accounting of written, flushed and waiting entries is kept. */
  readonly crossCheck?: CrossCheck;
}

/** `verdictOf` lets a live view pass the verdicts of verifiers it keeps current, instead of re-reading. */
export function auditFindings(
  audit: AuditSystem,
  verdictOf: (store: AuditStore) => ChainVerdict = (store) => verifyChain(store.log),
  crossCheck?: CrossCheck,
): AuditFindings {
  return {
    ...(crossCheck ? { crossCheck } : {}),
    pattern: audit.pattern,
    stores: audit.allStores().map((store) => ({ name: store.name, role: store.role, file: store.fileName, ...chainSummary(verdictOf(store)) })),
    buffers: audit.bufferStats(),
    highRisk: { ...audit.highRisk },
  };
}

/** The run's chains as one: ok when every store's is, the first destination's head, the first bad store named. */
export function runChain(stores: readonly StoreChain[]): ChainSummary {
  const bad = stores.find((store) => !store.ok);
  return {
    ok: bad === undefined,
    head: stores[0]?.head ?? "",
    first_bad: bad ? { seq: bad.first_bad!.seq, reason: `${bad.name}: ${bad.first_bad!.reason}` } : null,
  };
}

function chainSummary(verdict: ChainVerdict): ChainSummary & { entries: number } {
  return { entries: verdict.count, ok: verdict.ok, head: verdict.ok ? verdict.head : "", first_bad: verdict.ok ? null : verdict.firstBad };
}

/**
 * A run's facts as the report states them: the faults' measures, the chain, lost audit entries, what
 * identity cost, and every metric an expectation can name. The report and the app's live view both take
 * them from here, so that the two cannot disagree; it builds no more than that.
 */
export interface RunFacts {
  readonly faults: readonly FaultReport[];
  readonly chain: ChainSummary;
  readonly lost: number;
  readonly identity: IdentityCost | null;
  readonly coverage: ReviewCoverage;
  readonly metrics: Metrics;
}

export function measureRun(scenario: Scenario, recorder: DrillRecorder, review: AuditReview, audit: AuditFindings): RunFacts {
  const faults: FaultReport[] = [...recorder.faults.values()].map((m) => ({
    id: m.id,
    kind: m.kind,
    fault: m.fault,
    at_s: m.at_s,
    heal_s: m.heal_s,
    detection_s: m.detection_s,
    detected_by: m.detected_by,
    reroute_s: m.reroute_s,
    rto_s: m.rto_s,
    return_s: m.return_s,
    requests_touched: m.touched,
    requests_failed: m.failed,
    requests_refused: m.refused,
  }));
  const t = recorder.totals;
  const maxOf = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === 0 ? null : Math.max(...known);
  };
  const chain = runChain(audit.stores);
  const flushed = review.flushedPerRegion;
  const lost = audit.crossCheck
    ? audit.crossCheck.regions.reduce((n, r) => n + r.missing + r.altered + r.unmatched, 0)
    : audit.buffers.reduce((n, b) => n + (b.written - (flushed[b.region] ?? 0) - b.depth_end), 0);
  const lags = audit.buffers.map((b) => b.flush_lag_ms.max);
  const identity = scenario.identity ? recorder.identity.result(scenario.identity) : null;
  const reviewed = review.requests.atDestinations + review.requests.inBuffers;
  const coverage: ReviewCoverage = { reviewed, inBuffers: review.requests.inBuffers, of: t.requests, share: t.requests === 0 ? 1 : round(reviewed / t.requests, 4) };
  const metrics: Metrics = {
    detection_s: maxOf(faults.map((f) => f.detection_s)),
    reroute_s: maxOf(faults.map((f) => f.reroute_s)),
    rto_s: maxOf(faults.map((f) => f.rto_s)),
    return_s: longestReturn(faults),
    residency_violations: review.residency.violations,
    rejected_by_policy: review.residency.rejectedByPolicy,
    cross_border_served: review.residency.crossBorderServed.consent + review.residency.crossBorderServed.transferMechanism,
    review_coverage: coverage.share,
    gateway_cross_border: review.residency.gatewayCrossBorder,
    errors: t.errors,
    success_rate: t.requests === 0 ? null : round(t.ok / t.requests, 4),
    requests: t.requests,
    director_failovers: recorder.transitions.filter((e) => withdrawnRegion(e) !== undefined).length,
    gateway_failures: recorder.transitions.filter((e) => e.machine === "gateway" && e.to === "failed").length,
    inflight_failed: recorder.failovers.reduce((n, f) => n + f.failed, 0),
    audit_gaps: review.gaps,
    chain_valid: chain.ok ? 1 : 0,
    audit_lost: lost,
    audit_at_risk: audit.buffers.reduce((n, b) => n + b.depth_end, 0),
    audit_buffered_max: Math.max(0, ...audit.buffers.map((b) => b.depth_max)),
    flush_lag_max_ms: maxOf(lags),
    rejected_fail_closed: review.rejectedForAudit,
    identity_rejected: identity?.totals.rejected ?? null,
    rejected_idp_unreachable: identity?.totals.rejected_idp_unreachable ?? null,
    accepted_rotated_key: identity?.totals.accepted_rotated_key ?? null,
    accepted_revoked: identity?.totals.accepted_revoked ?? null,
    identity_staleness_max_s: identity?.totals.staleness_max_s ?? null,
    p95_latency_ms: t.ok === 0 ? null : recorder.latencyPercentile(95),
  };
  return { faults, chain, lost, identity, coverage, metrics };
}

export function buildReport(
  scenario: Scenario,
  seed: number,
  recorder: DrillRecorder,
  review: AuditReview,
  audit: AuditFindings,
  unfinished: number,
): DrillReport {
  const { faults, chain, lost, identity, coverage, metrics } = measureRun(scenario, recorder, review, audit);
  const t = recorder.totals;
  const expectations = evaluateExpectations(scenario.expect, metrics);
  return {
    format: 1,
    engine: ENGINE_VERSION,
    scenario: { name: scenario.name, revision: scenario.revision, duration_s: scenario.duration_s },
    seed,
    totals: {
      requests: t.requests,
      ok: t.ok,
      errors: t.errors,
      rejected: t.rejected,
      rejected_by: { ...recorder.rejectedBy },
      retried: t.retried,
      success_rate: metrics.success_rate ?? 0,
      latency_ms: { p50: recorder.latencyPercentile(50), p95: recorder.latencyPercentile(95), p99: recorder.latencyPercentile(99) },
      by_gateway: sortKeys(recorder.byGateway),
      served_in: sortKeys(recorder.servedIn),
      unfinished,
    },
    questions: {
      detection: { faults },
      policy: { ...review.residency, coverage },
      inflight: { failovers: recorder.failovers },
      audit: {
        pattern: audit.pattern,
        entries: review.entries,
        per_region: sortKeys(review.perRegion),
        gaps: review.gaps,
        lost,
        cross_check: audit.crossCheck ? { ok: audit.crossCheck.ok, problems: audit.crossCheck.problems } : null,
        buffers: audit.buffers,
        high_risk: {
          durable_at_destination: audit.highRisk.durableAtDestination,
          durable_in_replicas: audit.highRisk.durableInReplicas,
          durable_in_buffer_only: audit.highRisk.durableInBufferOnly,
          rejected_fail_closed: review.rejectedForAudit,
        },
        stores: audit.stores,
        chain,
      },
    },
    identity,
    transitions: recorder.transitions.map(({ type: _type, ...rest }) => rest),
    series: recorder.series,
    metrics,
    expectations,
    passed: expectations.every((e) => e.pass),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
