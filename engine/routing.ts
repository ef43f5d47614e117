/**
 * Resolves a logical model to an ordered list of targets for one gateway: same region first (seed,
 * layer 2), then by health (a half-open target ranks healthy, so it gets its trial), then the model's own
 * deployments before equivalents at other providers, then by expected latency. A per-request latency budget
 * skips targets whose recent p95 exceeds it, as long as an alternative within budget exists (the seed's
 * cross-region latency failure mode).
 *
 * A logical model's `routing_strategy` changes only how targets that tie on region and health are ordered.
 * `weighted` orders the first-equal targets (same region, same health rank, own-vs-equivalent class) by a
 * weighted random pick, as Portkey's loadbalance, LiteLLM's simple-shuffle and Envoy's load_balancing_weight
 * pick among healthy targets: none of them weighs a healthy target against an unhealthy one, or one in the
 * caller's region against one abroad, so region, health, the latency budget and residency keep their place and
 * weights cannot send traffic somewhere the ordered plan would avoid. `latency` puts expected latency before
 * the own-vs-equivalent key (LiteLLM's latency-based-routing), still after region and health, since a target's
 * recent p95 says nothing of whether it is up. A target at its rpm or tpm is skipped (LiteLLM's pre-call
 * check); when every permitted target is, the plan is empty and says why.
 */
import type { GatewayHealthView } from "./health";
import type { Random } from "./random";
import type { Jurisdiction } from "./scenario/schema";
import type { RoutingStrategy, Target } from "./topology";

export interface RoutePlan {
  /** Targets to try, in order. */
  readonly candidates: readonly Target[];
  /** Why targets were passed over or the order is unusual; recorded with the decision. */
  readonly notes: readonly string[];
  /** Set when every permitted target is at its rate limit: the candidates are empty, and this says why. */
  readonly exhausted?: string;
}

/** What a gateway adds to the plan beyond health and policy; all absent is the `ordered` plan. */
export interface RouteOptions {
  readonly strategy?: RoutingStrategy;
  /** The request's own stream for a weighted pick; called only when one is made, so other runs draw nothing. */
  readonly random?: () => Random;
  /** Why a target is at its rate limit now, or undefined. */
  readonly atLimit?: (t: Target) => string | undefined;
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
  options: RouteOptions = {},
): RoutePlan {
  const notes: string[] = [];
  let permitted = allowed ? targets.filter((t) => allowed.has(t.endpoint.jurisdiction)) : targets;
  const { atLimit, strategy = "ordered" } = options;
  if (atLimit) {
    const open = permitted.filter((t) => {
      const why = atLimit(t);
      if (why) notes.push(`skipped ${t.id}: ${why}`);
      return !why;
    });
    // Fail-open below is for targets that may be down, not for ones the gateway knows would answer 429.
    if (open.length === 0 && permitted.length > 0) return { candidates: [], notes, exhausted: "No deployments available: every permitted target is at its rate limit" };
    permitted = open;
  }
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
  const away = (t: Target) => Number(t.endpoint.region !== gatewayRegion);
  const candidates = pool.sort(
    (a, b) =>
      away(a) - away(b) ||
      rank(a) - rank(b) ||
      (strategy === "latency" ? expected.get(a)! - expected.get(b)! : 0) ||
      Number(a.equivalent) - Number(b.equivalent) ||
      expected.get(a)! - expected.get(b)! ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  if (strategy === "weighted" && options.random && candidates.length > 1) {
    const first = candidates[0]!;
    let tied = 1;
    while (tied < candidates.length && away(candidates[tied]!) === away(first) && rank(candidates[tied]!) === rank(first) && candidates[tied]!.equivalent === first.equivalent) tied++;
    if (tied > 1) candidates.splice(0, tied, ...weightedOrder(candidates.slice(0, tied), options.random()));
  }
  return { candidates, notes };
}

/** `targets` in the order of successive weighted picks without replacement: the first is the one sent the request. */
function weightedOrder(targets: Target[], random: Random): Target[] {
  const order: Target[] = [];
  const left = [...targets];
  while (left.length > 1) {
    const total = left.reduce((sum, t) => sum + (t.weight ?? 1), 0);
    let pick = random.next() * total;
    let i = 0;
    while (i < left.length - 1 && (pick -= left[i]!.weight ?? 1) >= 0) i++;
    order.push(...left.splice(i, 1));
  }
  return [...order, ...left];
}
