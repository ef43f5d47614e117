/** The expect section: what must hold at the end of a drill, each a comparison of one measured metric with a number. */
import { z } from "zod";

export const METRICS = [
  "detection_s",
  "reroute_s",
  "rto_s",
  "return_s",
  "residency_violations",
  "rejected_by_policy",
  "cross_border_served",
  "review_coverage",
  "gateway_cross_border",
  "errors",
  "success_rate",
  "requests",
  "director_failovers",
  "gateway_failures",
  "inflight_failed",
  "audit_gaps",
  "chain_valid",
  "p95_latency_ms",
  "audit_lost",
  "audit_at_risk",
  "audit_buffered_max",
  "flush_lag_max_ms",
  "rejected_fail_closed",
  "identity_rejected",
  "rejected_idp_unreachable",
  "accepted_rotated_key",
  "accepted_revoked",
  "identity_staleness_max_s",
] as const;
export type MetricName = (typeof METRICS)[number];

/** `<metric> <op> <number>`; groups: the metric, the operator, the number. */
export const EXPECTATION_PATTERN = new RegExp(`^\\s*(${METRICS.join("|")})\\s*(<=|>=|==|!=|<|>)\\s*(-?\\d+(?:\\.\\d+)?)\\s*$`);

const expectation = z.string().regex(EXPECTATION_PATTERN, `must read "<metric> <op> <number>", metric one of: ${METRICS.join(", ")}`);

/** A scenario without expectations checks nothing. */
export const expectations = z.array(expectation).default([]);
