/**
 * The drill report as a person reads it in a terminal: the four questions of the seed article, answered
 * with the report's numbers, then the expectations.
 */
import { describeFault } from "../scenario/describeFault";
import type { DrillReport } from "../drill";

const n = (value: number) => value.toLocaleString("en-US");
const s = (value: number | null) => (value === null ? "not measured" : `${value.toFixed(1)} s`);

export function formatSummary(report: DrillReport): string {
  const lines: string[] = [];
  const { totals, questions } = report;
  lines.push(`Failover Lab drill: ${report.scenario.name} (seed ${report.seed})`);
  lines.push(
    `${n(totals.requests)} requests over ${report.scenario.duration_s} virtual s · ${n(totals.ok)} ok · ${n(totals.errors)} failed · ${n(totals.rejected)} rejected by policy · p95 ${totals.latency_ms.p95} ms`,
  );
  lines.push("", "1. How fast was each failure detected and routed around?");
  if (questions.detection.faults.length === 0) lines.push("   no faults in this scenario");
  for (const f of questions.detection.faults) {
    lines.push(`   ${f.id} ${describeFault(f.fault)} at ${f.at_s} s${f.heal_s === null ? "" : `, healed at ${f.heal_s} s`}`);
    lines.push(
      f.detected_by
        ? `      detected after ${s(f.detection_s)} by ${f.detected_by.machine} ${f.detected_by.subject} → ${f.detected_by.to} (${f.detected_by.cause})`
        : "      never detected",
    );
    lines.push(`      rerouted after ${s(f.reroute_s)} · RTO (last caller-visible failure) ${s(f.rto_s)} · ${n(f.requests_failed)} of ${n(f.requests_touched)} touching requests failed`);
  }
  const p = questions.policy;
  lines.push("", "2. Was policy, residency included, enforced on the surviving region?");
  lines.push(`   residency violations: ${n(p.violations)} (independent check of the audit log)`);
  for (const v of p.examples.slice(0, 3)) lines.push(`      ${v.requestId}: ${v.what} in ${v.destination}: ${v.why}`);
  lines.push(`   rejected by policy: ${n(p.rejectedByPolicy)} · served cross-border: ${n(p.crossBorderServed.consent)} with consent, ${n(p.crossBorderServed.transferMechanism)} under a transfer mechanism`);
  lines.push("", "3. What happened to requests in flight at each failover?");
  if (questions.inflight.failovers.length === 0) lines.push("   no failover happened");
  for (const f of questions.inflight.failovers)
    lines.push(
      `   ${f.t_s.toFixed(1)} s ${f.machine} ${f.subject} → ${f.to}: ${f.inflight} in flight: ${f.completed} completed, ${f.failed} failed, ${f.rejected} rejected; ${f.retried} were retried`,
    );
  const a = questions.audit;
  lines.push("", "4. Does the audit log show one coherent timeline?");
  const regions = Object.entries(a.per_region).map(([region, count]) => `${region} ${n(count)}`).join(" · ");
  lines.push(`   ${n(a.entries)} entries (${regions}) · gaps ${a.gaps}`);
  lines.push(a.chain.ok ? `   hash chain verified, head ${a.chain.head}` : `   hash chain BROKEN at entry ${a.chain.first_bad?.seq}: ${a.chain.first_bad?.reason}`);
  if (report.expectations.length > 0) {
    lines.push("", "Expectations");
    for (const e of report.expectations)
      lines.push(`   ${e.pass ? "pass" : "FAIL"}  ${e.expectation}  (actual ${e.actual === null ? "none" : e.actual})`);
  }
  lines.push("", report.passed ? "Drill passed." : "Drill FAILED: an expectation does not hold.");
  return lines.join("\n");
}
