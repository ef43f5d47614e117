/** The policy section: data residency, and what to do when no allowed region can serve. */
import { z } from "zod";
import { jurisdiction } from "./fields";
import type { Issue } from "./references";

const OUTAGE_CHOICES = ["reject", "cross-border-with-consent", "cross-border-with-transfer-mechanism"] as const;

/** What the policy is unless the file says otherwise; `residency` has no default. */
export const POLICY_DEFAULTS = {
  outage_choice: "reject",
  latency_budget_ms: 10_000,
} as const;

export const policy = z.strictObject({
  residency: z
    .partialRecord(jurisdiction, z.array(jurisdiction).min(1))
    .describe("Per origin jurisdiction, the jurisdictions allowed to serve it; unlisted origins may go anywhere"),
  outage_choice: z.enum(OUTAGE_CHOICES).default(POLICY_DEFAULTS.outage_choice),
  transfer_mechanism: z.string().min(1).max(80).optional().describe("Recorded basis, e.g. SCC; required by the transfer-mechanism choice"),
  latency_budget_ms: z.number().positive().max(600_000).default(POLICY_DEFAULTS.latency_budget_ms),
});
export type PolicyConfig = z.infer<typeof policy>;

/** The transfer-mechanism choice names its mechanism. */
export function checkPolicy(policy: PolicyConfig): Issue[] {
  if (policy.outage_choice === "cross-border-with-transfer-mechanism" && !policy.transfer_mechanism)
    return [{ path: ["policy", "transfer_mechanism"], message: "required when outage_choice is cross-border-with-transfer-mechanism (e.g. SCC)" }];
  return [];
}
