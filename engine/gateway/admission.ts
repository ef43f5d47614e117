/**
 * Admission, the stage after identity: a high-risk call (EU AI Act Art. 12) needs a durable audit write
 * before it is answered, so while the audit destination is out of reach and the audit policy fails closed,
 * the gateway refuses it before policy or routing look at it.
 */
import type { AuditSystem } from "../audit/system";
import type { CallerRequest, Rejection } from "./request";

/** The refusal of a request the audit cannot take now, or undefined when it may go on. */
export function admit(request: CallerRequest, region: string, audit: AuditSystem): Rejection | undefined {
  if (!request.highRisk || !audit.failsClosed(region)) return undefined;
  const reason = `audit destination unreachable from ${region}, and a high-risk call (EU AI Act Art. 12) needs a durable audit write before it is answered: policy fail-closed`;
  return { verdict: "reject", by: "audit", reason, policy: { allowed: [], crossBorder: false, reasons: [reason] } };
}
