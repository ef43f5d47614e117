/**
 * Durability, the last stage: a high-risk call (EU AI Act Art. 12) is answered only once its audit entry is
 * durable, which may be a round trip away (to the destination log, or to the replicas), so the answer
 * waits that long and the caller sees it in the latency. A call refused by admission because the audit
 * fails closed answered nothing that needed durability; it is only the record of refusing. The entry is
 * committed (`AuditSystem.commitHighRisk`) by the session once it has recorded it.
 */
import type { Clock } from "../clock";
import type { AuditSystem } from "../audit/system";
import type { HandledRequest } from "./request";

/** Virtual ms the answer to `handled` waits for its audit entry to be durable; 0 when it need not wait. */
export function durableWaitMs(handled: HandledRequest, region: string, audit: Pick<AuditSystem, "durableWriteMs">): number {
  const { record } = handled;
  return record.highRisk && record.rejectedBy !== "audit" ? audit.durableWriteMs(region) : 0;
}

/** The handled request once its audit entry is durable, `waitMs` later (work key `key`). */
export async function afterDurableWrite(handled: HandledRequest, waitMs: number, clock: Clock, key: string): Promise<HandledRequest> {
  await clock.sleep(waitMs, key);
  return { ...handled, record: { ...handled.record, latencyMs: handled.record.latencyMs + waitMs } };
}
