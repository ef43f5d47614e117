/**
 * The drill report as a person reads it in a terminal: the four questions of the seed article, answered
 * with the report's numbers, then the expectations.
 */
import { describeFault } from "../scenario/describeFault";
import type { DrillReport } from "../drill";
import type { IdentityCost } from "./identityCost";
import { returnMeasured } from "./recovery";
import { drillPassed, VACUOUS_RUN } from "./verdict";

/** A count with thousands separators, the same in every locale. */
export const formatCount = (value: number): string => value.toLocaleString("en-US");

/** Virtual seconds to a tenth, or "not measured" when the drill produced no value. */
export const formatDuration = (value: number | null): string => (value === null ? "not measured" : `${value.toFixed(1)} s`);

/** What the residency review saw. */
const formatCoverage = (c: DrillReport["questions"]["policy"]["coverage"]): string =>
  `reviewed ${formatCount(c.reviewed)} of ${formatCount(c.of)} requests (${(c.share * 100).toFixed(1)} %), ${formatCount(c.inBuffers)} of them still only in a regional buffer`;

/**
 * Refusals as every rendering of the report words them: "refused", with what refused them named. A refusal
 * is a failure the caller sees; "failed" stays for errors, so the two add up to what callers did not get.
 */
function formatRefused(totals: Pick<DrillReport["totals"], "rejected" | "rejected_by">): string {
  const by = refusedBy(totals);
  return `${formatCount(totals.rejected)} refused${by ? ` (${by})` : ""}`;
}

/** What refused the refused requests, e.g. `identity 579, audit 3`; empty when nothing was refused. */
export function refusedBy(totals: Pick<DrillReport["totals"], "rejected_by">): string {
  return Object.entries(totals.rejected_by)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${what} ${formatCount(n)}`)
    .join(", ");
}

/** What became of the faulted component after its heal, worded the same in every rendering of the report. */
export const describeReturn = (returnS: number | null): string =>
  returnS === null ? "not served again before the run ended" : `served again ${formatDuration(returnS)} after the heal`;

/** The seed article's four questions, worded the same in every rendering of the report. */
export const QUESTIONS = [
  "How fast was each failure detected and routed around?",
  "Was policy, residency included, enforced on the surviving region?",
  "What happened to requests in flight at each failover?",
  "Does the audit log show one coherent timeline?",
] as const;

export function formatSummary(report: DrillReport): string {
  const lines: string[] = [];
  const { totals, questions } = report;
  lines.push(`Failover Lab drill: ${report.scenario.name} (seed ${report.seed})`);
  lines.push(
    `${formatCount(totals.requests)} requests over ${report.scenario.duration_s} virtual s · ${formatCount(totals.ok)} ok · ${formatCount(totals.errors)} failed · ${formatRefused(totals)} · p95 ${totals.latency_ms.p95} ms`,
  );
  lines.push("", `1. ${QUESTIONS[0]}`);
  if (questions.detection.faults.length === 0) lines.push("   no faults in this scenario");
  for (const f of questions.detection.faults) {
    lines.push(`   ${f.id} ${describeFault(f.fault)} at ${f.at_s} s${f.heal_s === null ? "" : `, healed at ${f.heal_s} s`}`);
    lines.push(
      f.detected_by
        ? `      detected after ${formatDuration(f.detection_s)} by ${f.detected_by.machine} ${f.detected_by.subject} → ${f.detected_by.to} (${f.detected_by.cause})`
        : "      never detected",
    );
    lines.push(
      `      rerouted after ${formatDuration(f.reroute_s)} · RTO (last failure or refusal a caller saw) ${formatDuration(f.rto_s)} · of ${formatCount(f.requests_touched)} touching requests ${formatCount(f.requests_failed)} failed, ${formatCount(f.requests_refused)} refused`,
    );
    if (f.heal_s !== null && returnMeasured(f.fault)) lines.push(`      ${describeReturn(f.return_s)}`);
  }
  const p = questions.policy;
  lines.push("", `2. ${QUESTIONS[1]}`);
  lines.push(`   residency violations: ${formatCount(p.violations)} (independent check of the audit log)`);
  lines.push(`   ${formatCoverage(p.coverage)}`);
  for (const v of p.examples.slice(0, 3)) lines.push(`      ${v.requestId}: ${v.what} in ${v.destination}: ${v.why}`);
  lines.push(`   refused by residency policy: ${formatCount(p.rejectedByPolicy)} · served cross-border: ${formatCount(p.crossBorderServed.consent)} with consent, ${formatCount(p.crossBorderServed.transferMechanism)} under a transfer mechanism`);
  lines.push(`   received by a gateway outside the caller's allowed jurisdictions: ${formatCount(p.gatewayCrossBorder)}`);
  lines.push("", `3. ${QUESTIONS[2]}`);
  if (questions.inflight.failovers.length === 0) lines.push("   no failover happened");
  for (const f of questions.inflight.failovers)
    lines.push(
      `   ${f.t_s.toFixed(1)} s ${f.machine} ${f.subject} → ${f.to}: ${f.inflight} in flight: ${f.completed} completed, ${f.failed} failed, ${f.rejected} refused; ${f.retried} were retried`,
    );
  const a = questions.audit;
  lines.push("", `4. ${QUESTIONS[3]}`);
  const regions = Object.entries(a.per_region).map(([region, count]) => `${region} ${formatCount(count)}`).join(" · ");
  lines.push(`   ${formatCount(a.entries)} entries (${regions}) · gaps ${a.gaps}`);
  lines.push(a.chain.ok ? `   hash chain verified, head ${a.chain.head}` : `   hash chain BROKEN at entry ${a.chain.first_bad?.seq}: ${a.chain.first_bad?.reason}`);
  lines.push(
    `   ${a.pattern === "central" ? "Pattern A (canonical log, regional buffers)" : "Pattern B (a log per region)"} · entries lost ${formatCount(a.lost)} · high-risk calls durable at the destination ${formatCount(a.high_risk.durable_at_destination)}, in replicas ${formatCount(a.high_risk.durable_in_replicas)}, only in a buffer ${formatCount(a.high_risk.durable_in_buffer_only)}, refused fail-closed ${formatCount(a.high_risk.rejected_fail_closed)}`,
  );
  if (a.cross_check)
    lines.push(
      a.cross_check.ok
        ? "   buffers checked against the destinations: every buffered entry arrived once, unchanged, in order, or is still waiting"
        : `   buffers checked against the destinations: ${a.cross_check.problems.join("; ")}`,
    );
  for (const b of a.buffers)
    lines.push(
      `   buffer ${b.region}: ${formatCount(b.written)} written, ${formatCount(b.flushed)} flushed, at most ${formatCount(b.depth_max)} waiting, ${formatCount(b.depth_end)} at risk at the end · flush lag p95 ${b.flush_lag_ms.p95 ?? "none"} ms, max ${b.flush_lag_ms.max ?? "none"} ms`,
    );
  if (report.identity) lines.push("", ...identityCostLines(report.identity));
  if (report.expectations.length > 0) {
    lines.push("", "Expectations");
    for (const e of report.expectations)
      lines.push(`   ${e.pass ? "pass" : "FAIL"}  ${e.expectation}  (actual ${e.actual === null ? "none" : e.actual})`);
  }
  lines.push("", drillPassed(report) ? "Drill passed." : report.passed ? `Drill NOT passed: ${VACUOUS_RUN}.` : "Drill FAILED: an expectation does not hold.");
  return lines.join("\n");
}

/** The identity question, worded the same in every rendering of the report. */
export const IDENTITY_QUESTION = "What did caching identity cost?";

function identityCostLines(cost: IdentityCost): string[] {
  const policy = cost.max_staleness_s === null ? "fail-closed when unreachable" : `cached keys trusted for at most ${cost.max_staleness_s} s`;
  const lines = [`${IDENTITY_QUESTION} (identity provider in ${cost.idp_regions.join(", ")}; ${policy})`];
  for (const [region, r] of Object.entries(cost.per_region)) {
    const reasons = Object.entries(r.rejected).map(([kind, n]) => `${kind} ${formatCount(n)}`).join(", ");
    lines.push(`   ${region}: ${formatCount(r.checked)} tokens checked · ${formatCount(r.accepted)} accepted · ${formatCount(r.checked - r.accepted)} refused${reasons ? ` (${reasons})` : ""}`);
    lines.push(
      `      accepted on keys up to ${r.staleness_max_s === null ? "—" : `${r.staleness_max_s.toFixed(1)} s`} old · ${formatCount(r.accepted_rotated_key)} signed by a rotated-out key · ${formatCount(r.accepted_revoked)} revoked`,
    );
  }
  const t = cost.totals;
  lines.push(
    `   in all: ${formatCount(t.accepted_revoked)} revoked tokens and ${formatCount(t.accepted_rotated_key)} tokens signed by a rotated-out key accepted from caches the identity provider could not refresh or had not refreshed yet; ${formatCount(t.rejected_idp_unreachable)} requests refused because it was unreachable (fail-closed); oldest keys trusted ${t.staleness_max_s === null ? "—" : `${t.staleness_max_s.toFixed(1)} s`}`,
  );
  return lines;
}
