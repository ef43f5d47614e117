/**
 * A drill report's four answers and expectations in the live view's terms (`QuestionsView`,
 * `ExpectationView`), so that tests compare what the app shows with what the report says.
 */
import type { DrillReport } from "../../engine";
import type { ExpectationView, QuestionsView } from "../../engine/lab/contract";

export function answersOfReport(report: DrillReport): { readonly questions: QuestionsView; readonly expectations: readonly ExpectationView[] } {
  const { detection, policy, inflight, audit } = report.questions;
  return {
    questions: {
      detection: detection.faults.map((f) => ({ faultId: f.id, kind: f.kind, detectionS: f.detection_s, rerouteS: f.reroute_s, rtoS: f.rto_s })),
      residency: { violations: policy.violations, rejected: policy.rejectedByPolicy, crossBorder: policy.crossBorderServed.consent + policy.crossBorderServed.transferMechanism },
      inflight: {
        failovers: inflight.failovers.length,
        completed: inflight.failovers.reduce((n, f) => n + f.completed, 0),
        retried: inflight.failovers.reduce((n, f) => n + f.retried, 0),
        failed: inflight.failovers.reduce((n, f) => n + f.failed, 0),
      },
      audit: { entries: audit.entries, perRegion: audit.per_region, gaps: audit.gaps },
    },
    expectations: report.expectations.map((e) => ({ text: e.expectation, actual: e.actual, status: e.pass ? "pass" : "fail" })),
  };
}
