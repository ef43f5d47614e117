/**
 * A gateway's own count of what it sent each rate-limited target in the last 60 s of virtual time, and the
 * decision whether a target is at its `rpm` or `tpm` (LiteLLM's router pre-call check: a deployment at its
 * limit is skipped rather than sent a request it would answer 429). The count is the gateway's, not the
 * provider's: two gateways sharing a deployment each keep their own, as LiteLLM instances without a shared
 * cache do. Only targets with a limit are counted, so a scenario without limits does no bookkeeping at all.
 */
import type { RateLimits, Target } from "../topology";

/** The sliding window, ms: `rpm` and `tpm` are per minute. */
export const RATE_WINDOW_MS = 60_000;

/** Why a target with `requests` requests and `tokens` tokens in its window may not be sent another; undefined when it may. */
export function limitReached(requests: number, tokens: number, limits: RateLimits): string | undefined {
  if (limits.rpm !== undefined && requests >= limits.rpm) return `at its rpm limit ${limits.rpm}`;
  if (limits.tpm !== undefined && tokens >= limits.tpm) return `at its tpm limit ${limits.tpm}`;
  return undefined;
}

interface Entry {
  readonly t: number;
  readonly requests: number;
  readonly tokens: number;
}

/** One gateway's windows, by target id. Times in virtual ms. */
export class RateWindows {
  private readonly windows = new Map<string, Entry[]>();

  /** A request was sent to `target` at `now`; it counts against its rpm from then. */
  sent(target: Target, now: number): void {
    if (target.limits) this.entries(target.id).push({ t: now, requests: 1, tokens: 0 });
  }

  /**
   * `target` answered with `tokens` tokens at `now`. Counted when the provider's usage arrives, not estimated
   * at send time: the sim answers usage, and an estimate would need the prompt's tokenization.
   */
  used(target: Target, now: number, tokens: number): void {
    if (target.limits && tokens > 0) this.entries(target.id).push({ t: now, requests: 0, tokens });
  }

  /** Why `target` is at its limit at `now`, or undefined when it has room (or no limit). */
  atLimit(target: Target, now: number): string | undefined {
    if (!target.limits) return undefined;
    const entries = this.prune(target.id, now);
    let requests = 0;
    let tokens = 0;
    for (const e of entries) {
      requests += e.requests;
      tokens += e.tokens;
    }
    return limitReached(requests, tokens, target.limits);
  }

  private entries(id: string): Entry[] {
    let entries = this.windows.get(id);
    if (!entries) this.windows.set(id, (entries = []));
    return entries;
  }

  /** Drops what left the window; entries are appended in time order, so the old ones lead. */
  private prune(id: string, now: number): readonly Entry[] {
    const entries = this.entries(id);
    let drop = 0;
    while (drop < entries.length && entries[drop]!.t <= now - RATE_WINDOW_MS) drop++;
    if (drop > 0) entries.splice(0, drop);
    return entries;
  }
}
