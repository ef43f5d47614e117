/**
 * Which requests, attempts and state changes a fault is about. The drill report measures detection,
 * reroute and recovery per fault with these predicates.
 */
import type { AttemptRecord, RequestRecord, TransitionEvent } from "../events";
import type { Fault } from "../scenario/schema";

/** The attempt went to (or, for latency faults, across) the faulted component. */
export function attemptHits(fault: Fault, attempt: AttemptRecord, record: RequestRecord): boolean {
  switch (fault.kind) {
    case "region-outage":
      return attempt.region === fault.region && (fault.provider === undefined || attempt.target.startsWith(`${fault.provider}@`));
    case "model-outage":
      return attempt.target === `${fault.provider}@${fault.region}/${fault.model}`;
    case "error-rate":
      return attempt.target.startsWith(`${fault.provider}@${fault.region}/`);
    case "request-fault":
      return fault.model === undefined ? attempt.target.startsWith(`${fault.provider}@${fault.region}/`) : attempt.target === `${fault.provider}@${fault.region}/${fault.model}`;
    case "latency":
      return (
        record.gateway !== attempt.region &&
        ((record.gateway === fault.from && attempt.region === fault.to) || (record.gateway === fault.to && attempt.region === fault.from))
      );
    case "gateway-down":
    case "audit-partition":
    case "idp-partition":
    case "idp-outage":
    case "key-rotation":
    case "token-revocation":
      return false;
  }
}

/** The request depended on the faulted component: one of its attempts hit it, or its gateway is the one down. */
export function requestTouches(fault: Fault, record: RequestRecord): boolean {
  // Cut off from its audit destination, the region's every entry waits in its buffer; cut off from the
  // identity provider, its every token is checked against a cache that cannot be refreshed.
  if (fault.kind === "gateway-down" || fault.kind === "audit-partition" || fault.kind === "idp-partition") return record.gateway === fault.region;
  return record.attempts.some((a) => attemptHits(fault, a, record));
}

/** The region a director transition withdrew from its answers, if it was a withdrawal (not a restore). */
export function withdrawnRegion(event: TransitionEvent): string | undefined {
  return event.machine === "director" && event.cause.startsWith(`${event.subject} withdrawn`) ? event.subject : undefined;
}

const ALARMED = new Set(["open", "unhealthy", "degraded", "failed", "buffering"]);

/** The transition shows that something noticed this fault. */
export function transitionDetects(fault: Fault, event: TransitionEvent): boolean {
  if (event.machine === "identity") return identityDetects(fault, event);
  if (event.machine === "director") return "region" in fault && withdrawnRegion(event) === fault.region;
  if (!ALARMED.has(event.to)) return false;
  const target = event.subject.includes("→") ? event.subject.split("→")[1]! : undefined;
  switch (fault.kind) {
    case "region-outage":
      if (target) return target.split("/")[0]!.endsWith(`@${fault.region}`) && (fault.provider === undefined || target.startsWith(`${fault.provider}@`));
      return event.subject === fault.region;
    case "model-outage":
      return target === `${fault.provider}@${fault.region}/${fault.model}`;
    case "error-rate":
      return target !== undefined && target.startsWith(`${fault.provider}@${fault.region}/`);
    case "request-fault":
      return target !== undefined && (fault.model === undefined ? target.startsWith(`${fault.provider}@${fault.region}/`) : target === `${fault.provider}@${fault.region}/${fault.model}`);
    case "latency":
      return event.machine === "target-health" && target !== undefined && (event.region === fault.from || event.region === fault.to) && event.cause.includes("p95");
    case "gateway-down":
      // The dead gateway's own state is not detection: only the director's checks can notice it from outside.
      return false;
    case "audit-partition":
      return event.machine === "audit" && event.region === fault.region;
    case "idp-partition":
    case "idp-outage":
    case "key-rotation":
    case "token-revocation":
      return false;
  }
}

/** A gateway's token cache noticed: it could not refresh, changed IdP region, or picked up new keys or revocations. */
function identityDetects(fault: Fault, event: TransitionEvent): boolean {
  switch (fault.kind) {
    case "idp-partition":
      return event.subject === fault.region && (event.to === "stale" || event.to === "fail-closed");
    case "idp-outage":
      return event.subject === `${event.region}→idp` && event.from === fault.region;
    case "key-rotation":
      return event.subject === `${event.region} jwks`;
    case "token-revocation":
      return event.subject === `${event.region} revocations`;
    default:
      return false;
  }
}
