/**
 * Resolves a logical model to an ordered list of targets for one gateway: same region first (seed,
 * layer 2), then by health (a half-open target ranks healthy, so it gets its trial), then the model's own
 * deployments before equivalents at other providers, then by expected latency. A per-request latency budget
 * skips targets whose recent p95 exceeds it, as long as an alternative within budget exists (the seed's
 * cross-region latency failure mode).
 */
import type { GatewayHealthView } from "./health";
import type { Jurisdiction } from "./scenario/schema";
import type { Target } from "./topology";

export interface RoutePlan {
  /** Targets to try, in order. */
  readonly candidates: readonly Target[];
  /** Why targets were passed over or the order is unusual; recorded with the decision. */
  readonly notes: readonly string[];
}

const HEALTH_RANK = { healthy: 0, degraded: 1, unhealthy: 2 } as const;

/**
 * @param allowed jurisdictions the residency policy allows; undefined means any.
 * @param budgetMs latency budget of the request, ms.
 */
export function planRoute(
  targets: readonly Target[],
  gatewayRegion: string,
  allowed: ReadonlySet<Jurisdiction> | undefined,
  health: GatewayHealthView,
  budgetMs: number,
): RoutePlan {
  const notes: string[] = [];
  const permitted = allowed ? targets.filter((t) => allowed.has(t.endpoint.jurisdiction)) : targets;
  let pool = permitted.filter((t) => health.usable(t));
  if (pool.length === 0) {
    // Every permitted target still up is half-open with its trial in flight: the request joins a trial (its
    // outcome counts as one more) instead of failing open to targets that are down.
    pool = permitted.filter((t) => health.available(t));
    if (pool.length > 0) notes.push("every permitted target is in its half-open trial: joining the trial");
  }
  if (pool.length === 0 && permitted.length > 0) {
    // Every system in ANCHORS.md fails open here (Envoy panic, Portkey bypass); residency was already settled.
    notes.push("every permitted target is unhealthy or ejected: trying them anyway (fail-open, like Envoy's panic mode)");
    pool = [...permitted];
  }
  // A half-open target ranks healthy so that it is sent its trial: its status page may still lag the recovery.
  const rank = (t: Target) => (health.circuitState(t) === "halfOpen" ? HEALTH_RANK.healthy : HEALTH_RANK[health.state(t)]);
  const expected = new Map(pool.map((t) => [t, health.expectedMs(t)]));
  const withinBudget = pool.filter((t) => expected.get(t)! <= budgetMs);
  if (withinBudget.length > 0 && withinBudget.length < pool.length) {
    for (const t of pool)
      if (expected.get(t)! > budgetMs) notes.push(`skipped ${t.id}: expected ${Math.round(expected.get(t)!)} ms exceeds the ${budgetMs} ms budget`);
    pool = withinBudget;
  }
  const candidates = pool.sort(
    (a, b) =>
      Number(a.endpoint.region !== gatewayRegion) - Number(b.endpoint.region !== gatewayRegion) ||
      rank(a) - rank(b) ||
      Number(a.equivalent) - Number(b.equivalent) ||
      expected.get(a)! - expected.get(b)! ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { candidates, notes };
}
