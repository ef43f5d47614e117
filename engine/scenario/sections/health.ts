/** The health section: active probes, passive error rates and circuit breakers, as each gateway judges its targets. */
import { z } from "zod";
import { share } from "./fields";
import type { Issue } from "./references";

/** How every gateway judges health unless the file says otherwise. */
export const HEALTH_DEFAULTS = {
  probe: {
    /** Route 53 fast interval 10 s; Envoy requires an explicit value. */
    interval_s: 10,
    timeout_ms: 2_000,
    /**
     * Six failed probes in a row take an endpoint down: the first, then five confirmations at irregular
     * offsets (HAProxy's `fall` with `fastinter`), which no flap with a period of 2–22 s can all answer with
     * an error (engine/gateway/probing.ts, docs/RECOVERY.md). All six take 1.13 intervals, so an outage is
     * still confirmed sooner than three probes at the interval would (Route 53's failure threshold 3).
     */
    unhealthy_threshold: 6,
    /** Route 53's threshold 3 on the way back, at the regular interval. */
    healthy_threshold: 3,
  },
  passive: {
    /** LiteLLM judges a deployment on the current minute. */
    window_s: 60,
    /** LiteLLM: at least 5 requests, more than 50 % failing. */
    min_requests: 5,
    error_rate_threshold: 0.5,
  },
  circuit: {
    /** Envoy outlier detection: 5 consecutive 5xx eject a host. */
    consecutive_failures: 5,
    /** Envoy: 30 s × number of ejections, capped at 300 s — repeated ejection stops ping-pong. */
    base_ejection_s: 30,
    max_ejection_s: 300,
    /** Hystrix lets one trial request through when half-open. */
    half_open_trials: 1,
  },
} as const;

const { probe, passive, circuit } = HEALTH_DEFAULTS;

export const health = z
  .strictObject({
    probe: z
      .strictObject({
        interval_s: z.number().min(1).max(300).default(probe.interval_s),
        timeout_ms: z.number().positive().max(60_000).default(probe.timeout_ms),
        unhealthy_threshold: z.int().min(1).max(10).default(probe.unhealthy_threshold),
        healthy_threshold: z.int().min(1).max(10).default(probe.healthy_threshold),
      })
      .prefault({}),
    passive: z
      .strictObject({
        window_s: z.number().min(1).max(3_600).default(passive.window_s),
        min_requests: z.int().min(1).max(10_000).default(passive.min_requests),
        error_rate_threshold: share.default(passive.error_rate_threshold),
      })
      .prefault({}),
    circuit: z
      .strictObject({
        consecutive_failures: z.int().min(1).max(1_000).default(circuit.consecutive_failures),
        base_ejection_s: z.number().min(1).max(3_600).default(circuit.base_ejection_s),
        max_ejection_s: z.number().min(1).max(86_400).default(circuit.max_ejection_s),
        half_open_trials: z.int().min(1).max(100).default(circuit.half_open_trials),
      })
      .prefault({}),
  })
  .prefault({});
export type HealthConfig = z.infer<typeof health>;

/** Ejection can only grow from its base. */
export function checkHealth(h: HealthConfig): Issue[] {
  if (h.circuit.max_ejection_s < h.circuit.base_ejection_s) return [{ path: ["health", "circuit", "max_ejection_s"], message: "must not be below base_ejection_s" }];
  return [];
}
