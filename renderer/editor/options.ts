/**
 * The editor's choices for the scenario schema's enumerated fields. The renderer reaches the engine through its
 * contract only, so they are restated here; test/renderer/editorOptions.test.ts holds them to the shipped
 * scenarios/scenario.schema.json, which the schema writes.
 */
import type { FieldPath } from "./fieldPath";

export const JURISDICTIONS = ["EU", "US", "UK", "CH", "CA", "JP", "AU", "IN", "BR", "SG"];
export const ROUTING_STRATEGIES = ["ordered", "weighted", "latency"];
export const BAD_TOKEN_KINDS = ["wrong-key", "expired", "wrong-audience"];

/**
 * A field of a part of the scenario that has no entities, or of each entity when its path is relative to one: a
 * select when it has options (true/false when `boolean`), else a number input (text when `text`), its schema
 * default shown as `fallback`. `testId` is kept by a field that moved from the old settings, so what drives the
 * editor by it still finds it; `hint` is the label's tooltip.
 */
export interface OptionField {
  readonly label: string;
  readonly path: FieldPath;
  readonly options?: readonly string[];
  readonly boolean?: boolean;
  readonly fallback?: string;
  readonly text?: boolean;
  readonly testId?: string;
  readonly hint?: string;
}

/** `weights`, `primary` and `checkers` are not here: their options, or their rows, are the draft's regions. */
export const DIRECTOR_FIELDS: readonly OptionField[] = [
  { label: "Mode", path: ["director", "mode"], options: ["dns", "anycast"], fallback: "dns", testId: "editor-setting-director-mode" },
  { label: "DNS TTL, s", path: ["director", "ttl_s"], fallback: "60", testId: "editor-setting-director-ttl_s" },
  { label: "Layout", path: ["director", "layout"], options: ["active-active", "active-passive"], fallback: "active-active", testId: "editor-setting-director-layout" },
  { label: "Balancing", path: ["director", "balancing"], options: ["proximity", "weights"], fallback: "proximity" },
  { label: "Check every, s", path: ["director", "check_interval_s"], fallback: "10" },
  { label: "Down after failed checks", path: ["director", "failure_threshold"], fallback: "3" },
  { label: "Drain above p95, ms", path: ["director", "drain_p95_ms"], hint: "Empty: latency never drains a region" },
  { label: "Drain on provider status", path: ["director", "drain_on_provider_status"], boolean: true, hint: "A region drains while a local provider's status page says it is not operational" },
];

/** The status code lists and the stream holdback are not here: GATEWAY_LISTS and STREAM_HOLDBACK. */
export const GATEWAY_FIELDS: readonly OptionField[] = [
  { label: "Attempt timeout, ms", path: ["gateway", "attempt_timeout_ms"], fallback: "10000" },
  { label: "First token timeout, ms", path: ["gateway", "first_token_timeout_ms"], fallback: "5000" },
  { label: "Stream idle timeout, ms", path: ["gateway", "stream_idle_timeout_ms"], fallback: "5000" },
  { label: "Max attempts", path: ["gateway", "max_attempts"], fallback: "3", testId: "editor-setting-gateway-max_attempts" },
  { label: "Backoff base, ms", path: ["gateway", "backoff_base_ms"], fallback: "100" },
  { label: "Max Retry-After waited, s", path: ["gateway", "max_retry_after_s"], fallback: "10" },
  { label: "Retry budget, %", path: ["gateway", "retry_budget", "budget_percent"], fallback: "20" },
  { label: "Retries always allowed", path: ["gateway", "retry_budget", "min_retry_concurrency"], fallback: "3" },
  { label: "Max requests in flight", path: ["gateway", "max_in_flight"], fallback: "1024", hint: "More at once are refused (capacity, a 503), as Envoy's max_requests does" },
];

/** Comma lists of statuses and classes (statusCodes.ts), each default as that list reads. */
export const GATEWAY_LISTS: readonly OptionField[] = [
  { label: "Retried on the same target", path: ["gateway", "retriable_status_codes"], fallback: "429, 500" },
  { label: "Failed over at once", path: ["gateway", "failover_status_codes"], fallback: "5xx, 404, 408, 409" },
];

/** Held back: up to N chunks, or the chunks of the first N ms; the default holds none. */
export const STREAM_HOLDBACK = { path: ["gateway", "stream_holdback"], kinds: ["chunks", "ms"], fallback: { kind: "chunks", value: "0" } } as const;

/** Each provider's own fields, relative to it. */
export const PROVIDER_FIELDS: readonly OptionField[] = [
  { label: "Prefill", path: ["supports_prefill"], boolean: true, fallback: "false", hint: "Its models continue an answer from an assistant prefill, so a cut stream can resume there" },
  { label: "Status page", path: ["status_page", "url"], text: true },
  { label: "Page lag, s", path: ["status_page", "lag_s"], fallback: "120", hint: "How late the status page acknowledges an incident" },
];

/** Each deployment's fields beyond region, endpoint and models, relative to it. */
export const DEPLOYMENT_FIELDS: readonly OptionField[] = [
  { label: "Median, ms", path: ["latency", "median_ms"], fallback: "900" },
  { label: "p95, ms", path: ["latency", "p95_ms"], fallback: "2500" },
  { label: "Real", path: ["real"], boolean: true, fallback: "false", hint: "A real OpenAI-compatible server: requests leave the simulation (real time only)" },
  { label: "API key env", path: ["api_key_env"], text: true, hint: "Environment variable holding the bearer token; only meaningful when Real is true" },
];

/** Each caller population's fields beyond those the callers table always had, relative to it. */
export const CALLER_FIELDS: readonly OptionField[] = [
  { label: "high risk", path: ["high_risk_share"], fallback: "0", hint: "Share of high-risk calls (EU AI Act Art. 12)" },
  { label: "clients", path: ["clients"], fallback: "50", hint: "Independent DNS resolvers among the callers" },
];

/** `audit.destination` is not here: its options are the draft's regions. */
export const AUDIT_FIELDS: readonly OptionField[] = [
  { label: "Pattern", path: ["audit", "pattern"], options: ["central", "per-region"], fallback: "central", testId: "editor-setting-audit-pattern" },
  { label: "Flush every, ms", path: ["audit", "flush_interval_ms"], fallback: "1000" },
  { label: "Destination unreachable", path: ["audit", "on_unreachable"], options: ["buffer", "fail-closed"], fallback: "buffer" },
  { label: "High-risk entry durable in", path: ["audit", "high_risk_durable_in"], options: ["destination", "replicas"], fallback: "destination" },
  { label: "High-risk replicas", path: ["audit", "high_risk_replicas"], fallback: "1" },
];

export const HEALTH_FIELDS: readonly OptionField[] = [
  { label: "Interval, s", path: ["health", "probe", "interval_s"], fallback: "10" },
  { label: "Timeout, ms", path: ["health", "probe", "timeout_ms"], fallback: "2000" },
  { label: "Down after failures", path: ["health", "probe", "unhealthy_threshold"], fallback: "6" },
  { label: "Up after successes", path: ["health", "probe", "healthy_threshold"], fallback: "3" },
  { label: "Window, s", path: ["health", "passive", "window_s"], fallback: "60" },
  { label: "Min requests", path: ["health", "passive", "min_requests"], fallback: "5" },
  { label: "Error rate threshold", path: ["health", "passive", "error_rate_threshold"], fallback: "0.5" },
  { label: "Consecutive failures", path: ["health", "circuit", "consecutive_failures"], fallback: "5" },
  { label: "Base ejection, s", path: ["health", "circuit", "base_ejection_s"], fallback: "30" },
  { label: "Max ejection, s", path: ["health", "circuit", "max_ejection_s"], fallback: "300" },
  { label: "Half-open trials", path: ["health", "circuit", "half_open_trials"], fallback: "1" },
];

/** `identity.regions` is not here: its options are the draft's regions. */
export const IDENTITY_FIELDS: readonly OptionField[] = [
  { label: "On unreachable", path: ["identity", "on_unreachable"], options: ["cached", "fail-closed"], fallback: "cached" },
  { label: "Max staleness, s", path: ["identity", "max_staleness_s"], fallback: "300" },
  { label: "JWKS refresh, s", path: ["identity", "jwks_refresh_s"], fallback: "60" },
  { label: "Token lifetime, s", path: ["identity", "token_ttl_s"], fallback: "3600" },
  { label: "Issuer", path: ["identity", "issuer"], fallback: "https://idp.sim.test", text: true },
  { label: "Audience", path: ["identity", "audience"], fallback: "failover-lab-gateway", text: true },
];

/** `policy.residency` is not here: it is a row per origin jurisdiction. */
export const POLICY_FIELDS: readonly OptionField[] = [
  {
    label: "Outage choice",
    path: ["policy", "outage_choice"],
    options: ["reject", "cross-border-with-consent", "cross-border-with-transfer-mechanism"],
    fallback: "reject",
    testId: "editor-setting-policy-outage_choice",
  },
  { label: "Transfer mechanism", path: ["policy", "transfer_mechanism"], text: true },
  { label: "Residency binds", path: ["policy", "residency_scope"], options: ["model", "gateway-and-model"], fallback: "model" },
  { label: "Latency budget, ms", path: ["policy", "latency_budget_ms"], fallback: "10000" },
];

/**
 * The round trip the engine assumes for two regions `topology.rtt_ms` does not pair (engine/topology.ts's
 * DEFAULT_RTT_MS; the schema states only the 1 ms within a region).
 */
export const DEFAULT_RTT_MS = 80;
