/**
 * One round of the traffic director's health check of one gateway. Without `director.checkers` the check
 * comes from one checker outside every region, which no partition reaches. With them, each checker region
 * asks the gateway's `/ready` over the simulated network, so a region partition between a checker and the
 * gateway cuts that checker's view, and the round passes when more than 18 % of the checkers see the
 * gateway ready: Route 53's rule. Route 53 applies the failure threshold per checker before the quorum;
 * here the director's hysteresis counts whole rounds, which comes to the same when a checker's view holds
 * over the threshold's rounds.
 */
import type { EngineContext } from "./context";
import { fetchOnClock, type HttpResult } from "./http";
import { judgeReadiness, readReadiness, type DrainSettings } from "./readiness";
import { gatewayBaseUrl } from "./topology";

/** Route 53 calls an endpoint healthy when more than this share of its health checkers see it healthy. */
export const ROUTE53_HEALTHY_CHECKER_SHARE = 0.18;

/** The single checker's origin when no checker regions are set: no region, so the network charges it a flat 1 ms. */
const OUTSIDE_CHECKER = "director";

/** What one round found: pass or fail, and why it failed. */
export interface CheckRound {
  readonly ok: boolean;
  readonly detail: string;
}

/** Whether a round passes, from what each checker saw (true: ready). */
export function checkerQuorum(seenReady: readonly boolean[]): boolean {
  return seenReady.filter(Boolean).length > ROUTE53_HEALTHY_CHECKER_SHARE * seenReady.length;
}

/** What one checker saw: the gateway answered ready and the director's drain settings keep it. */
export function seeReadiness(result: HttpResult, settings: DrainSettings): CheckRound {
  if (result.status !== 200) return { ok: false, detail: result.error ?? describeReadiness(result.body, result.status) };
  const judged = judgeReadiness(readReadiness(result.body), settings);
  return judged.verdict === "ready" ? { ok: true, detail: "ready" } : { ok: false, detail: judged.reason };
}

/** Checks the gateway of `region` once; `key` is the round's work key, running. */
export async function checkGateway(ctx: EngineContext, region: string, key: string): Promise<CheckRound> {
  const { checkers } = ctx.scenario.director;
  if (checkers === undefined) return seeReadiness(await askReady(ctx, region, OUTSIDE_CHECKER, key, `${key}/http`), ctx.scenario.director);
  const seen = await eachOnItsOwnKey(ctx, key, checkers, async (checker, checkerKey) =>
    seeReadiness(await askReady(ctx, region, checker, checkerKey, `${checkerKey}/http`), ctx.scenario.director),
  );
  const ok = checkerQuorum(seen.map((s) => s.ok));
  const down = checkers.flatMap((checker, i) => (seen[i]!.ok ? [] : [`${checker}: ${seen[i]!.detail}`]));
  return { ok, detail: `seen down from ${down.length} of ${checkers.length} checker regions (${down.join("; ")})` };
}

function askReady(ctx: EngineContext, region: string, fromRegion: string, callerKey: string, key: string): Promise<HttpResult> {
  return fetchOnClock(ctx.clock, {
    url: `${gatewayBaseUrl(region)}/ready`,
    timeoutMs: ctx.scenario.health.probe.timeout_ms,
    callerKey,
    key,
    worldId: ctx.worldId,
    transport: ctx.transport,
    fromRegion,
  });
}

/**
 * Runs `task` for every item at once, each under a work key of its own (a caller's key is suspended by one
 * exchange at a time), while the round's key waits. The round's key runs again before the last item's key
 * closes, so the clock never finds the round idle between the two.
 */
async function eachOnItsOwnKey<T>(ctx: EngineContext, roundKey: string, items: readonly string[], task: (item: string, key: string) => Promise<T>): Promise<T[]> {
  const { work } = ctx.clock;
  let left = items.length;
  const results = items.map(async (item) => {
    const key = `${roundKey}@${item}`;
    work.open(key);
    try {
      return await task(item, key);
    } finally {
      if (--left === 0) work.resume(roundKey);
      work.close(key);
    }
  });
  work.suspend(roundKey);
  return Promise.all(results);
}

function describeReadiness(body: unknown, status: number): string {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  return typeof detail === "string" ? `HTTP ${status}: ${detail}` : `HTTP ${status}`;
}
