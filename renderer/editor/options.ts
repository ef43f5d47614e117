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
 * A field of a part of the scenario that has no entities: a select when it has options, else a number input
 * (text when `text`), its schema default shown as `fallback`. `testId` is kept by a field that moved from the
 * settings, so what drives the editor by it still finds it.
 */
export interface OptionField {
  readonly label: string;
  readonly path: FieldPath;
  readonly options?: readonly string[];
  readonly fallback?: string;
  readonly text?: boolean;
  readonly testId?: string;
}

export const SETTINGS: readonly OptionField[] = [
  { label: "Director mode", path: ["director", "mode"], options: ["dns", "anycast"], fallback: "dns" },
  { label: "DNS TTL, s", path: ["director", "ttl_s"], fallback: "60" },
  { label: "Layout", path: ["director", "layout"], options: ["active-active", "active-passive"], fallback: "active-active" },
  { label: "Gateway max attempts", path: ["gateway", "max_attempts"], fallback: "3" },
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
