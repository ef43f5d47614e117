/**
 * A headless drill: one scenario, one seed, run in virtual time as fast as the host allows, ending in a
 * report that answers the seed article's four questions with numbers. The report holds only virtual-time
 * figures, so the same scenario and seed give a byte-identical report and the same audit head hash.
 */
import packageJson from "../package.json";
import { AuditLog, verifyChain } from "./audit/AuditLog";
import { VirtualClock } from "./clock";
import type { TransitionEvent } from "./events";
import { seededRandom } from "./random";
import { reviewAudit, type AuditReview } from "./report/auditReview";
import { evaluateExpectations, type ExpectationResult, type Metrics } from "./report/expectations";
import { withdrawnRegion } from "./report/faultImpact";
import { DrillRecorder, type FailoverMeasure } from "./report/recorder";
import type { Fault, Scenario } from "./scenario/schema";
import { EngineSession } from "./session";

export const ENGINE_VERSION: string = packageJson.version;

export interface DrillOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Where the audit database goes; ":memory:" keeps it in memory. The file must not exist yet. */
  readonly auditPath: string;
  /** Called as virtual time advances (at most once per virtual second). */
  readonly onProgress?: (virtualMs: number, totalMs: number) => void;
  /** Called when the simulation is over, before the audit log is verified and reviewed (for timing). */
  readonly onSimulated?: () => void;
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
  readonly rto_s: number | null;
  readonly requests_touched: number;
  readonly requests_failed: number;
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
    readonly rejected: number;
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
    readonly policy: AuditReview["residency"];
    readonly inflight: { readonly failovers: readonly FailoverMeasure[] };
    readonly audit: {
      readonly entries: number;
      readonly per_region: Record<string, number>;
      readonly gaps: number;
      readonly chain: { readonly ok: boolean; readonly head: string; readonly first_bad: { seq: number; reason: string } | null };
    };
  };
  readonly transitions: readonly Omit<TransitionEvent, "type">[];
  readonly metrics: Metrics;
  readonly expectations: readonly ExpectationResult[];
  readonly passed: boolean;
}

/** Virtual time the drill waits after the run for requests already sent, ms, beyond their own retry budget. */
const DRAIN_SLACK_MS = 10_000;

export async function runDrill(scenario: Scenario, options: DrillOptions): Promise<DrillReport> {
  const seed = options.seed ?? scenario.seed;
  const clock = new VirtualClock();
  const audit = AuditLog.open(options.auditPath);
  const session = new EngineSession(scenario, { clock, random: seededRandom(seed), audit });
  const recorder = new DrillRecorder(() => session.inflight);
  session.subscribe(recorder.listener);
  const endMs = scenario.duration_s * 1000;
  try {
    session.start();
    await clock.runUntil(endMs, options.onProgress && ((now) => options.onProgress!(now, endMs)));
    session.stopTraffic();
    const drainUntil = endMs + scenario.gateway.max_attempts * scenario.gateway.attempt_timeout_ms + DRAIN_SLACK_MS;
    while (session.inflight.size > 0 && (await clock.step(drainUntil))) {
      // Each step lets one more timer fire; in-flight requests finish as their simulated answers arrive.
    }
    session.close();
    options.onSimulated?.();
    recorder.finish();
    const chain = verifyChain(audit);
    const regionJurisdiction = new Map(scenario.topology.regions.map((r) => [r.id, r.jurisdiction as string]));
    const review = reviewAudit(audit.entries(), scenario.policy, regionJurisdiction);
    return buildReport(scenario, seed, recorder, review, chain, session.inflight.size);
  } finally {
    audit.close();
  }
}

export function buildReport(
  scenario: Scenario,
  seed: number,
  recorder: DrillRecorder,
  review: AuditReview,
  chain: ReturnType<typeof verifyChain>,
  unfinished: number,
): DrillReport {
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
    requests_touched: m.touched,
    requests_failed: m.failed,
  }));
  const t = recorder.totals;
  const maxOf = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === 0 ? null : Math.max(...known);
  };
  const chainHead = chain.ok ? chain.head : "";
  const metrics: Metrics = {
    detection_s: maxOf(faults.map((f) => f.detection_s)),
    reroute_s: maxOf(faults.map((f) => f.reroute_s)),
    rto_s: maxOf(faults.map((f) => f.rto_s)),
    residency_violations: review.residency.violations,
    rejected_by_policy: review.residency.rejectedByPolicy,
    cross_border_served: review.residency.crossBorderServed.consent + review.residency.crossBorderServed.transferMechanism,
    errors: t.errors,
    success_rate: t.requests === 0 ? null : round(t.ok / t.requests, 4),
    requests: t.requests,
    director_failovers: recorder.transitions.filter((e) => withdrawnRegion(e) !== undefined).length,
    gateway_failures: recorder.transitions.filter((e) => e.machine === "gateway" && e.to === "failed").length,
    inflight_failed: recorder.failovers.reduce((n, f) => n + f.failed, 0),
    audit_gaps: review.gaps,
    chain_valid: chain.ok ? 1 : 0,
    p95_latency_ms: t.ok === 0 ? null : recorder.latencyPercentile(95),
  };
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
      retried: t.retried,
      success_rate: metrics.success_rate ?? 0,
      latency_ms: { p50: recorder.latencyPercentile(50), p95: recorder.latencyPercentile(95), p99: recorder.latencyPercentile(99) },
      by_gateway: sortKeys(recorder.byGateway),
      served_in: sortKeys(recorder.servedIn),
      unfinished,
    },
    questions: {
      detection: { faults },
      policy: review.residency,
      inflight: { failovers: recorder.failovers },
      audit: {
        entries: review.entries,
        per_region: sortKeys(review.perRegion),
        gaps: review.gaps,
        chain: { ok: chain.ok, head: chainHead, first_bad: chain.ok ? null : chain.firstBad },
      },
    },
    transitions: recorder.transitions.map(({ type: _type, ...rest }) => rest),
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
