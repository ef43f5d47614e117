/**
 * The editor's choices for the scenario schema's enumerated fields. The renderer reaches the engine through its
 * contract only, so they are restated here; test/renderer/editorOptions.test.ts holds them to the shipped
 * scenarios/scenario.schema.json, which the schema writes.
 */
import type { FieldPath } from "./fieldPath";

export const JURISDICTIONS = ["EU", "US", "UK", "CH", "CA", "JP", "AU", "IN", "BR", "SG"];
export const ROUTING_STRATEGIES = ["ordered", "weighted", "latency"];
export const BAD_TOKEN_KINDS = ["wrong-key", "expired", "wrong-audience"];
export const SETTINGS: readonly { label: string; path: FieldPath; options?: readonly string[]; fallback: string }[] = [
  { label: "Director mode", path: ["director", "mode"], options: ["dns", "anycast"], fallback: "dns" },
  { label: "DNS TTL, s", path: ["director", "ttl_s"], fallback: "60" },
  { label: "Layout", path: ["director", "layout"], options: ["active-active", "active-passive"], fallback: "active-active" },
  { label: "Outage choice", path: ["policy", "outage_choice"], options: ["reject", "cross-border-with-consent", "cross-border-with-transfer-mechanism"], fallback: "reject" },
  { label: "Gateway max attempts", path: ["gateway", "max_attempts"], fallback: "3" },
  { label: "Audit pattern", path: ["audit", "pattern"], options: ["central", "per-region"], fallback: "central" },
];
