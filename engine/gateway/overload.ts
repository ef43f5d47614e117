/**
 * The gateway's front door under overload. Like Envoy's `max_requests` circuit breaker (1,024 by default),
 * a gateway holds at most `gateway.max_in_flight` requests at once and refuses any more at once, with a 503
 * ("fail quickly and apply back pressure downstream", Envoy's circuit-breaking overview), instead of letting
 * them queue behind a slow provider. A refusal, counted as `rejected_by.capacity`: the gateway received the
 * request and declined it before any stage looked at it, as identity or residency decline theirs.
 *
 * It also bounds what a run holds: each request in flight keeps its messages, timers and closures (about
 * 17 kB), so at 10,000 requests/s against a 10 s timeout an unbounded gateway held 100,000 of them
 * (BENCHMARKS.md, "Absurd runs").
 */
import type { RequestRecord } from "../events";
import { recordBase, type CallerRequest } from "./request";

/** Counts the requests inside one gateway. */
export class InFlightLimit {
  private current = 0;

  constructor(readonly limit: number) {}

  /** Takes a place for a request; false when the gateway is full and the request must be shed. */
  tryEnter(): boolean {
    if (this.current >= this.limit) return false;
    this.current++;
    return true;
  }

  leave(): void {
    this.current--;
  }
}

/** The record of a request shed because its gateway was full: refused before any stage looked at it. */
export function shedRecord(request: CallerRequest, region: string, limit: number, latencyMs: number): RequestRecord {
  return {
    ...recordBase(request, region),
    policy: null,
    attempts: [],
    outcome: "rejected",
    rejectedBy: "capacity",
    reason: `gateway ${region} already had ${limit.toLocaleString("en-US")} requests in flight (gateway.max_in_flight): shed at once, as Envoy's max_requests circuit breaker does`,
    latencyMs,
  };
}
