/**
 * What a regional gateway's readiness endpoint reports, and how the traffic director judges a ready gateway
 * on it. The seed's director weighs more than readiness: upstream provider status and latency percentiles.
 * A gateway that is up but whose answers are slow, or whose providers' status pages say degraded, is still
 * ready in its own eyes (it answers 200); draining it is the director's call, made here, so the gateway
 * reports facts and the scenario's director settings decide what they cost.
 */
import type { DirectorConfig } from "./scenario/sections/director";

/** The body of a gateway's `/ready` answer. */
export interface ReadinessReport {
  /** The gateway takes traffic (it answers 200; 503 otherwise). */
  readonly ready: boolean;
  readonly detail: string;
  /** p95 of the answers the gateway served over its passive window, ms; null with too few answers to tell. */
  readonly served_p95_ms: number | null;
  /** Providers deployed in the gateway's region whose status page, as the gateway last read it, is not operational. */
  readonly degraded_providers: readonly string[];
}

/** The director settings that drain a ready gateway. */
export type DrainSettings = Pick<DirectorConfig, "drain_p95_ms" | "drain_on_provider_status">;

export type ReadinessVerdict = { readonly verdict: "ready" } | { readonly verdict: "drain"; readonly reason: string };

/**
 * Whether the director keeps a gateway that reported itself ready. A report without enough answers to have
 * a p95 does not drain: a drained region gets no traffic, so its p95 empties after one passive window and the
 * region is let back on trial, the way Envoy returns an ejected host after its ejection time.
 */
export function judgeReadiness(report: ReadinessReport, settings: DrainSettings): ReadinessVerdict {
  const reasons: string[] = [];
  const p95 = report.served_p95_ms;
  if (settings.drain_p95_ms !== undefined && p95 !== null && p95 > settings.drain_p95_ms)
    reasons.push(`served p95 ${Math.round(p95)} ms over the ${settings.drain_p95_ms} ms drain threshold`);
  if (settings.drain_on_provider_status === true && report.degraded_providers.length > 0)
    reasons.push(`status page of ${report.degraded_providers.join(", ")} not operational`);
  return reasons.length === 0 ? { verdict: "ready" } : { verdict: "drain", reason: reasons.join("; ") };
}

/** The report in a `/ready` body; fields a gateway left out read as "nothing to report". */
export function readReadiness(body: unknown): ReadinessReport {
  const b = (typeof body === "object" && body !== null ? body : {}) as Partial<Record<keyof ReadinessReport, unknown>>;
  return {
    ready: b.ready === true,
    detail: typeof b.detail === "string" ? b.detail : "",
    served_p95_ms: typeof b.served_p95_ms === "number" ? b.served_p95_ms : null,
    degraded_providers: Array.isArray(b.degraded_providers) ? b.degraded_providers.filter((p): p is string => typeof p === "string") : [],
  };
}
