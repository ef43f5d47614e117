/**
 * The per-cluster settings of an Envoy config (envoy.ts) as the scenario's health and gateway settings: the
 * first health check as health.probe, outlier_detection as health.circuit, the circuit breakers' retry budget
 * as gateway.retry_budget, and a route's retry_policy as the gateway's attempts, attempt timeout, retried
 * statuses and back-off. What Envoy leaves out takes Envoy's own default (ANCHORS.md), not the scenario's, so
 * the simulation behaves as the config does. Each reader takes one setting and its path and returns the
 * scenario's section, warning at the field of everything it does not import; which cluster's setting wins,
 * when clusters differ, is envoy.ts's to decide. The number readers they share live here too, among them
 * positiveInt, which envoy.ts uses for load_balancing_weight.
 */
import { isObj, type Obj, type Report } from "./build";
import type { Setting, SourcePath } from "./source";

/** Envoy's outlier detection defaults (ANCHORS.md): eject after 5 consecutive 5xx, for 30 s × ejections, capped at 300 s. */
const ENVOY_OUTLIER = { consecutive_5xx: 5, base_ejection_s: 30, max_ejection_s: 300 } as const;
/** Envoy's retry budget defaults (ANCHORS.md): retries at most 20 % of the requests in flight, 3 always allowed. */
const ENVOY_RETRY_BUDGET = { budget_percent: 20, min_retry_concurrency: 3 } as const;
/** Envoy's retry_policy defaults (the router's documentation): num_retries 1; back-off base 25 ms, capped at ten times it. */
const ENVOY_RETRY = { num_retries: 1, base_interval_ms: 25 } as const;
/** retry_on conditions that are HTTP statuses, as the scenario's retriable_status_codes. */
const RETRY_ON_STATUSES: Readonly<Record<string, (number | "5xx")[]>> = { "5xx": ["5xx"], "gateway-error": [502, 503, 504], "retriable-4xx": [409] };

/** The first health check as the scenario's probe; Envoy requires all four settings, so a missing one is warned about. */
export function healthChecks(checks: unknown, path: SourcePath, warn: Report): Obj | undefined {
  if (checks === undefined) return undefined;
  if (!Array.isArray(checks) || checks.length === 0 || !isObj(checks[0])) {
    warn(path, "must be a list of health checks; not imported");
    return undefined;
  }
  checks.slice(1).forEach((_, k) => warn([...path, k + 1], "the scenario probes each target one way; only the first health check is imported"));
  const check = checks[0];
  const at = [...path, 0];
  const probe: Obj = {};
  const read = (key: string, into: string, parse: (v: unknown) => number | undefined, range: string) => {
    if (check[key] === undefined) return warn(at, `${key} is missing (Envoy requires it); the scenario's default is used`);
    const value = parse(check[key]);
    if (value === undefined) warn([...at, key], `must be ${range}; not imported`);
    else probe[into] = value;
  };
  read("interval", "interval_s", (v) => inRange(durationS(v), 1, 300), "a duration from 1s to 300s");
  read("timeout", "timeout_ms", (v) => inRange(msOf(durationS(v)), 1, 60_000), "a duration above 0, at most 60s");
  read("unhealthy_threshold", "unhealthy_threshold", (v) => wholeIn(v, 1, 10), "a whole number from 1 to 10");
  read("healthy_threshold", "healthy_threshold", (v) => wholeIn(v, 1, 10), "a whole number from 1 to 10");
  for (const key of Object.keys(check)) {
    if (["interval", "timeout", "unhealthy_threshold", "healthy_threshold"].includes(key)) continue;
    if (/_health_check$/.test(key)) warn([...at, key], `a simulated probe asks the deployment itself whether it serves; the ${key} settings are not imported`);
    else warn([...at, key], `${key} has no equivalent in a scenario; not imported`);
  }
  return Object.keys(probe).length > 0 ? probe : undefined;
}

/** outlier_detection as the scenario's circuit, with Envoy's defaults for what it leaves out. */
export function outlierDetection(detection: unknown, path: SourcePath, warn: Report): Obj | undefined {
  if (detection === undefined) return undefined;
  if (!isObj(detection)) {
    warn(path, "must be a mapping; not imported");
    return undefined;
  }
  const circuit: Obj = { consecutive_failures: ENVOY_OUTLIER.consecutive_5xx, base_ejection_s: ENVOY_OUTLIER.base_ejection_s, max_ejection_s: ENVOY_OUTLIER.max_ejection_s };
  for (const [key, value] of Object.entries(detection)) {
    const field = [...path, key];
    if (key === "consecutive_5xx") {
      const n = wholeIn(value, 1, 1_000);
      if (n === undefined) warn(field, "must be a whole number from 1 to 1000; not imported");
      else circuit.consecutive_failures = n;
    } else if (key === "base_ejection_time" || key === "max_ejection_time") {
      const s = inRange(durationS(value), 1, key === "base_ejection_time" ? 3_600 : 86_400);
      if (s === undefined) warn(field, `must be a duration from 1s to ${key === "base_ejection_time" ? "3600s" : "86400s"}; not imported`);
      else circuit[key === "base_ejection_time" ? "base_ejection_s" : "max_ejection_s"] = s;
    } else if (key === "interval") warn(field, "the scenario ejects a target at the failure that crosses the threshold, not at Envoy's analysis sweep (every 10 s by default); not imported");
    else if (key === "max_ejection_percent") warn(field, "the scenario may eject every target (Envoy's default caps ejection at 10 % of the hosts); not imported");
    else warn(field, `${key} has no equivalent in a scenario; not imported`);
  }
  if ((circuit.max_ejection_s as number) < (circuit.base_ejection_s as number)) {
    warn(path, `the longest ejection (${String(circuit.max_ejection_s)} s) is below the first (${String(circuit.base_ejection_s)} s); imported as ${String(circuit.base_ejection_s)} s for both, as Envoy then ejects for the longest`);
    circuit.max_ejection_s = circuit.base_ejection_s;
  }
  return circuit;
}

/** The retry budget of the cluster's circuit breakers (the DEFAULT priority's); every other threshold is warned about. */
export function retryBudget(breakers: unknown, path: SourcePath, warn: Report): Obj | undefined {
  if (breakers === undefined) return undefined;
  if (!isObj(breakers) || !Array.isArray(breakers.thresholds)) {
    warn(path, "must be a mapping with thresholds; not imported");
    return undefined;
  }
  for (const key of Object.keys(breakers)) if (key !== "thresholds") warn([...path, key], `${key} has no equivalent in a scenario; not imported`);
  let budget: Obj | undefined;
  breakers.thresholds.forEach((threshold: unknown, k) => {
    const tpath = [...path, "thresholds", k];
    if (!isObj(threshold)) return warn(tpath, "must be a mapping; not imported");
    if (threshold.priority !== undefined && threshold.priority !== "DEFAULT")
      return warn([...tpath, "priority"], `${String(threshold.priority)} thresholds apply to routes of that priority, which a scenario has none of; not imported`);
    for (const key of Object.keys(threshold)) {
      if (key === "max_requests")
        warn([...tpath, key], "max_requests limits one cluster's requests in flight, while a scenario's gateway limits all of its own together (gateway.max_in_flight, 1,024 unless set); not imported");
      else if (!["priority", "retry_budget"].includes(key))
        warn([...tpath, key], `${key} has no equivalent in a scenario (it limits connections, pending requests or retries, which a simulation does not count); not imported`);
    }
    const rb = threshold.retry_budget;
    if (rb === undefined) return;
    if (!isObj(rb)) return warn([...tpath, "retry_budget"], "must be a mapping { budget_percent, min_retry_concurrency }; not imported");
    budget = { ...ENVOY_RETRY_BUDGET };
    for (const [key, value] of Object.entries(rb)) {
      if (key === "budget_percent") {
        const p = inRange(isObj(value) ? (value.value as unknown) : value, 0, 100);
        if (p === undefined) warn([...tpath, "retry_budget", key], "must be a percentage from 0 to 100, e.g. { value: 20.0 }; not imported");
        else budget.budget_percent = p;
      } else if (key === "min_retry_concurrency") {
        const n = wholeIn(value, 0, 10_000);
        if (n === undefined) warn([...tpath, "retry_budget", key], "must be a whole number from 0 to 10000; not imported");
        else budget.min_retry_concurrency = n;
      } else warn([...tpath, "retry_budget", key], `${key} has no equivalent in a scenario; not imported`);
    }
  });
  return budget;
}

/** A retry_policy as the gateway's attempts, attempt timeout, retried statuses and back-off, with Envoy's defaults. */
export function retryPolicy({ value, path }: Setting, warn: Report): Obj {
  const gateway: Obj = {};
  if (!isObj(value)) {
    warn(path, "must be a mapping { num_retries, per_try_timeout, retry_on }; not imported");
    return gateway;
  }
  gateway.max_attempts = ENVOY_RETRY.num_retries + 1;
  gateway.backoff_base_ms = ENVOY_RETRY.base_interval_ms;
  const on = typeof value.retry_on === "string" ? value.retry_on.split(",").map((s) => s.trim()).filter((s) => s.length > 0) : [];
  if (value.retry_on === undefined) warn(path, "retry_on is missing: Envoy retries nothing without it; the scenario's retriable statuses are kept");
  else if (on.length === 0) warn([...path, "retry_on"], 'must be a comma-separated list of conditions, e.g. "5xx,reset"; not imported');
  const statuses: (number | "5xx")[] = [];
  for (const condition of on) {
    if (condition === "retriable-status-codes") {
      const codes = value.retriable_status_codes;
      if (Array.isArray(codes) && codes.length > 0 && codes.every((c) => Number.isInteger(c) && (c as number) >= 400 && (c as number) <= 599)) statuses.push(...(codes as number[]));
      else warn([...path, "retriable_status_codes"], "must be a list of HTTP error statuses (400–599) when retry_on names retriable-status-codes; not imported");
    } else if (RETRY_ON_STATUSES[condition]) statuses.push(...RETRY_ON_STATUSES[condition]);
    else warn([...path, "retry_on"], `"${condition}" has no equivalent (a scenario retries by HTTP status); not imported`);
  }
  if (statuses.length > 0) gateway.retriable_status_codes = [...new Set(statuses)];
  for (const [key, v] of Object.entries(value)) {
    const field = [...path, key];
    if (key === "retry_on") continue;
    if (key === "retriable_status_codes") {
      if (!on.includes("retriable-status-codes")) warn(field, "Envoy uses it only when retry_on names retriable-status-codes; not imported");
    } else if (key === "num_retries") {
      const n = wholeIn(v, 0, 9);
      if (n === undefined) warn(field, "must be a whole number from 0 to 9 (a scenario allows at most 10 attempts); not imported");
      else gateway.max_attempts = n + 1;
    } else if (key === "per_try_timeout") {
      const ms = inRange(msOf(durationS(v)), 1, 600_000);
      if (ms === undefined) warn(field, "must be a duration above 0, at most 600s; not imported");
      else gateway.attempt_timeout_ms = ms;
    } else if (key === "retry_back_off") {
      if (!isObj(v)) {
        warn(field, "must be a mapping { base_interval, max_interval }; not imported");
        continue;
      }
      const base = inRange(msOf(durationS(v.base_interval)), 1, 60_000);
      if (v.base_interval !== undefined && base === undefined) warn([...field, "base_interval"], "must be a duration from 1ms to 60s; not imported");
      if (base !== undefined) gateway.backoff_base_ms = base;
      const max = msOf(durationS(v.max_interval));
      if (v.max_interval !== undefined && max !== 10 * (gateway.backoff_base_ms as number))
        warn([...field, "max_interval"], `the scenario caps back-off at ten times the base (${String(10 * (gateway.backoff_base_ms as number))} ms), as Envoy does by default; not imported`);
      for (const k of Object.keys(v)) if (!["base_interval", "max_interval"].includes(k)) warn([...field, k], `${k} has no equivalent in a scenario; not imported`);
    } else warn(field, `${key} has no equivalent in a scenario; not imported`);
  }
  return gateway;
}

/** A protobuf Duration as Envoy's YAML writes it ("5s", "0.25s") or as { seconds, nanos }, in seconds. */
function durationS(value: unknown): number | undefined {
  if (typeof value === "string") {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    return m ? Number(m[1]) : undefined;
  }
  if (isObj(value) && (typeof value.seconds === "number" || typeof value.nanos === "number") && Object.keys(value).every((k) => k === "seconds" || k === "nanos"))
    return (typeof value.seconds === "number" ? value.seconds : 0) + (typeof value.nanos === "number" ? value.nanos / 1e9 : 0);
  return undefined;
}

const msOf = (s: number | undefined): number | undefined => (s === undefined ? undefined : Math.round(s * 1_000_000) / 1_000);
const inRange = (v: unknown, min: number, max: number): number | undefined => (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max ? v : undefined);
const wholeIn = (v: unknown, min: number, max: number): number | undefined => (Number.isInteger(v) ? inRange(v, min, max) : undefined);

/** Envoy's load_balancing_weight: a whole number from 1 (its minimum); undefined when absent or once warned about. */
export function positiveInt(v: unknown, path: SourcePath, warn: Report): number | undefined {
  if (v === undefined) return undefined;
  const n = wholeIn(v, 1, 1_000_000);
  if (n === undefined) warn(path, "must be a whole number from 1 to 1000000; not imported");
  return n;
}
