/**
 * What an expectation shows while its run goes on. The report decides each expectation once, at the end;
 * mid-run a figure that meets its bound now may still break it later (`errors <= 5`), and one that misses
 * it now may still reach it (`requests >= 1000`). Only what later seconds cannot undo is shown as decided.
 */
import type { MetricName } from "../scenario/schema";
import type { ExpectationResult } from "../report/expectations";
import type { ExpectationStatus } from "./contract";

/**
 * How each metric can move as a run goes on. `grows`: a count or a maximum, never lower later (a `<=` bound
 * it breaks stays broken, a `>=` bound it reaches stays reached). `moves`: a rate, a percentile, a share or
 * what is waiting now, which later seconds can push either way (the chain counts here too: 1 until a break).
 */
const MOVEMENT: Record<MetricName, "grows" | "moves"> = {
  detection_s: "grows",
  reroute_s: "grows",
  rto_s: "grows",
  return_s: "grows",
  residency_violations: "grows",
  rejected_by_policy: "grows",
  cross_border_served: "grows",
  review_coverage: "moves",
  gateway_cross_border: "grows",
  errors: "grows",
  success_rate: "moves",
  requests: "grows",
  director_failovers: "grows",
  gateway_failures: "grows",
  inflight_failed: "grows",
  audit_gaps: "grows",
  chain_valid: "moves",
  p95_latency_ms: "moves",
  audit_lost: "moves",
  audit_at_risk: "moves",
  audit_buffered_max: "grows",
  flush_lag_max_ms: "grows",
  rejected_fail_closed: "grows",
  identity_rejected: "grows",
  rejected_idp_unreachable: "grows",
  accepted_rotated_key: "grows",
  accepted_revoked: "grows",
  identity_staleness_max_s: "grows",
};

/**
 * At the end (`over`), the report's verdict: a metric with no value fails there, so it fails here. Before,
 * `pass` and `fail` only for what a growing figure has already settled; `holding` for a bound met so far;
 * `pending` for a figure not there yet (no value, or a bound not reached).
 */
export function expectationStatus(result: ExpectationResult, over: boolean): ExpectationStatus {
  if (over) return result.pass ? "pass" : "fail";
  const { actual, op, value, metric } = result;
  if (actual === null) return "pending";
  const grows = MOVEMENT[metric] === "grows";
  if (result.pass) return grows && (op === ">=" || op === ">" || (op === "!=" && actual > value)) ? "pass" : "holding";
  // Missed now: a growing figure already above an upper bound (or past the one value allowed) stays there.
  return grows && (op === "<=" || op === "<" || (op === "==" && actual > value)) ? "fail" : "pending";
}
