/**
 * Durability, the last stage: a high-risk call (EU AI Act Art. 12) is answered only once its audit entry is
 * durable, which may be a round trip away (to the destination log, or to the replicas), so the answer
 * waits that long and the caller sees it in the latency. A call refused by admission because the audit
 * fails closed answered nothing that needed durability; it is only the record of refusing. The entry is
 * committed (`AuditSystem.commitHighRisk`) by the session once it has recorded it.
 *
 * Admission checks the audit policy when the call arrives, but a partition can begin while the call is in
 * flight: under `fail-closed` the policy is checked again when the answer is about to go out, and an
 * answer whose entry could only stay in the local buffer is withheld and the call refused.
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

/**
 * What the caller gets at the moment of answering: `handled` itself, or, when it is a high-risk call whose
 * entry cannot be made durable now (the region cut off from its audit destination under `fail-closed`), a
 * refusal by the audit policy. The refusal keeps the attempts, so the audit shows what the providers did
 * for an answer that never went out; it is served by no one.
 */
export function answerOrRefuse(handled: HandledRequest, region: string, audit: Pick<AuditSystem, "failsClosed">): HandledRequest {
  const { record } = handled;
  if (!record.highRisk || record.rejectedBy === "audit" || !audit.failsClosed(region)) return handled;
  const { servedBy, reason: earlier, ...rest } = record;
  const withheld = servedBy ? `the answer from ${servedBy.target} was withheld` : `its ${record.outcome === "error" ? "error" : "refusal"} (${earlier}) was withheld`;
  const reason = `audit destination became unreachable from ${region} while the high-risk call was in flight, and its answer needs a durable audit write (EU AI Act Art. 12): policy fail-closed; ${withheld}`;
  return { record: { ...rest, outcome: "rejected", rejectedBy: "audit", reason } };
}
