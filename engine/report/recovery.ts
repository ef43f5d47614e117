/**
 * Recovery as the callers' traffic shows it: after a fault heals, how long until the component it hit serves
 * again (`return_s`). A healed fault is only half the story; a gateway that keeps routing around a recovered
 * primary (an ejection outlasting the outage, a stale error window) leaves it idle, and this is where it shows.
 */
import type { RequestRecord } from "../events";
import { faultKind } from "../faults/registry";
import type { Fault } from "../scenario/schema";

/** Whether `return_s` means anything for this fault: its kind names the attempts it hits. */
export const returnMeasured = (fault: Fault): boolean => faultKind(fault).impact.attemptHits !== undefined;

/**
 * Virtual ms at which `record` was answered by the component `fault` hit, in an attempt begun at or after
 * `healMs`; undefined when it was not. Only kinds that name the attempts they hit can say so.
 */
export function answeredByHealed(fault: Fault, healMs: number, record: RequestRecord): number | undefined {
  if (record.outcome !== "ok") return undefined;
  const hits = faultKind(fault).impact.attemptHits;
  const served = record.attempts.at(-1);
  if (hits === undefined || served === undefined || served.startedAt < healMs || !hits(fault, served, record)) return undefined;
  return served.startedAt + served.ms;
}

/**
 * The run's `return_s` metric: the longest return among the healed faults whose kind names the attempts it
 * hits; null when there is none, or when one of them was never served again (not measured, so an expectation
 * on it fails rather than passing on the faults that did come back).
 */
export function longestReturn(faults: readonly { readonly fault: Fault; readonly heal_s: number | null; readonly return_s: number | null }[]): number | null {
  const healed = faults.filter((f) => f.heal_s !== null && returnMeasured(f.fault));
  if (healed.length === 0 || healed.some((f) => f.return_s === null)) return null;
  return Math.max(...healed.map((f) => f.return_s!));
}
