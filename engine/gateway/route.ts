/**
 * Policy, then routing: which jurisdictions may serve a request given which are available now
 * (`ResidencyPolicy`), then the permitted, usable targets in order (`planRoute`). Synchronous and
 * allocation-light, since it runs for every request (see `npm run bench`).
 */
import type { EngineContext } from "../context";
import type { GatewayHealthView } from "../health";
import { planRoute, type RouteOptions } from "../routing";
import type { FallbackKind, Target } from "../topology";
import type { RateWindows } from "./rateLimits";
import type { CallerRequest, Decision, Route } from "./request";

/**
 * The model's strategy, its rate windows, and the request's own random stream for a weighted pick: forked by
 * request id and purpose, so a pick draws from no other stream and the same request picks alike whatever ran before.
 */
function routeOptions(request: CallerRequest, purpose: string, ctx: EngineContext, rates: RateWindows | undefined): RouteOptions {
  const strategy = ctx.topology.strategyFor(request.model);
  return {
    strategy,
    ...(strategy === "weighted" ? { random: () => ctx.random.fork(`${request.id}:route:${purpose}`) } : {}),
    ...(rates ? { atLimit: (t: Target) => rates.atLimit(t, ctx.clock.now()) } : {}),
  };
}

/** Residency policy, then the route: a rejection with its reasons, or the candidates in order. */
export function decideRoute(request: CallerRequest, region: string, ctx: EngineContext, health: GatewayHealthView, rates?: RateWindows): Decision {
  const { scenario, topology, policy } = ctx;
  const targets = topology.targetsFor(request.model);
  // Available, not usable: a home jurisdiction whose targets are all in their half-open trial is recovering,
  // and its request joins the trial rather than going abroad or being refused (planRoute).
  const decision = policy.evaluate(request, (allowed) => targets.some((t) => allowed.has(t.endpoint.jurisdiction) && health.available(t)), topology.regions.get(region)!.jurisdiction);
  if (decision.verdict === "reject") return { verdict: "reject", by: "residency", reason: decision.reason, policy: { allowed: [], crossBorder: false, reasons: decision.reasons } };
  const plan = planRoute(targets, region, decision.allowed, health, scenario.policy.latency_budget_ms, routeOptions(request, "first", ctx, rates));
  return {
    verdict: "route",
    candidates: plan.candidates,
    ...(plan.exhausted ? { exhausted: plan.exhausted } : {}),
    allowed: decision.allowed,
    policy: {
      allowed: decision.allowed ? [...decision.allowed] : ["*"],
      crossBorder: decision.crossBorder,
      ...(decision.basis ? { basis: decision.basis } : {}),
      reasons: plan.notes.length > 0 ? [...decision.reasons, ...plan.notes] : decision.reasons,
    },
  };
}

/** The logical model's fallback targets of `kind` in routing order; residency binds them as it binds the rest. */
export function fallbackRoute(kind: FallbackKind, request: CallerRequest, route: Route, region: string, ctx: EngineContext, health: GatewayHealthView, rates?: RateWindows): readonly Target[] {
  return planRoute(ctx.topology.fallbackTargetsFor(request.model, kind), region, route.allowed, health, ctx.scenario.policy.latency_budget_ms, routeOptions(request, kind, ctx, rates)).candidates;
}
