/**
 * Which requests, attempts and state changes a fault is about. The drill report measures detection,
 * reroute and recovery per fault with these predicates; each kind answers them in engine/faults/.
 */
import type { RequestRecord, TransitionEvent } from "../events";
import { faultKind } from "../faults/registry";
import type { Fault } from "../scenario/schema";

/** The caller was refused because of the fault (its kind says which refusals are its doing). */
export function faultRefused(fault: Fault, record: RequestRecord): boolean {
  return record.outcome === "rejected" && (faultKind(fault).impact.refuses?.(fault, record) ?? false);
}

/** The request depended on the faulted component: one of its attempts hit it, its gateway is the one down, or the fault refused it. */
export function requestTouches(fault: Fault, record: RequestRecord): boolean {
  const { requestTouches: touches, attemptHits: hits } = faultKind(fault).impact;
  if (faultRefused(fault, record)) return true;
  if (touches) return touches(fault, record);
  return hits !== undefined && record.attempts.some((a) => hits(fault, a, record));
}

/** The region a director transition withdrew from its answers, if it was a withdrawal (not a restore). */
export function withdrawnRegion(event: TransitionEvent): string | undefined {
  return event.machine === "director" && event.cause.startsWith(`${event.subject} withdrawn`) ? event.subject : undefined;
}

const ALARMED = new Set(["open", "unhealthy", "degraded", "failed", "buffering"]);

/** The transition shows that something noticed this fault. */
export function transitionDetects(fault: Fault, event: TransitionEvent): boolean {
  const { impact } = faultKind(fault);
  if (event.machine === "identity") return impact.identityDetects?.(fault, event) ?? false;
  if (event.machine === "director") {
    const region = withdrawnRegion(event);
    return region !== undefined && (impact.withdrawalDetects?.(fault, region) ?? false);
  }
  if (!ALARMED.has(event.to)) return false;
  const target = event.subject.includes("→") ? event.subject.split("→")[1]! : undefined;
  return impact.alarmDetects?.(fault, event, target) ?? false;
}
