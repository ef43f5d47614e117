/** The policy section: data residency, and what to do when no allowed region can serve. */
import { z } from "zod";
import { jurisdiction, type Jurisdiction } from "./fields";
import type { Issue } from "./references";

const OUTAGE_CHOICES = ["reject", "cross-border-with-consent", "cross-border-with-transfer-mechanism"] as const;
/**
 * Where a request counts as processed for residency: `model`, only where the model that answers it runs;
 * `gateway-and-model`, also where the regional gateway that receives it is.
 */
const RESIDENCY_SCOPES = ["model", "gateway-and-model"] as const;

/** What the policy is unless the file says otherwise; `residency` has no default. */
export const POLICY_DEFAULTS = {
  outage_choice: "reject",
  // The reading before the option existed: a request may pass through any gateway on its way to an allowed model.
  residency_scope: "model",
  latency_budget_ms: 10_000,
} as const;

export const policy = z.strictObject({
  residency: z
    .partialRecord(jurisdiction, z.array(jurisdiction).min(1))
    .describe("Per origin jurisdiction, the jurisdictions allowed to serve it; unlisted origins may go anywhere"),
  outage_choice: z.enum(OUTAGE_CHOICES).default(POLICY_DEFAULTS.outage_choice),
  residency_scope: z
    .enum(RESIDENCY_SCOPES)
    .default(POLICY_DEFAULTS.residency_scope)
    .describe("Where residency binds: model (where the answering model runs) or gateway-and-model (the receiving gateway's jurisdiction counts too)"),
  transfer_mechanism: z.string().min(1).max(80).optional().describe("Recorded basis, e.g. SCC; required by the transfer-mechanism choice"),
  latency_budget_ms: z.number().positive().max(600_000).default(POLICY_DEFAULTS.latency_budget_ms),
});
export type PolicyConfig = z.infer<typeof policy>;

/**
 * The transfer-mechanism choice names its mechanism; when gateways count, every residency rule has a
 * gateway where its callers may be received.
 */
export function checkPolicy(policy: PolicyConfig, regions: readonly { readonly jurisdiction: Jurisdiction }[]): Issue[] {
  const issues: Issue[] = [];
  if (policy.outage_choice === "cross-border-with-transfer-mechanism" && !policy.transfer_mechanism)
    issues.push({ path: ["policy", "transfer_mechanism"], message: "required when outage_choice is cross-border-with-transfer-mechanism (e.g. SCC)" });
  if (policy.residency_scope === "gateway-and-model")
    for (const [origin, allowed = []] of Object.entries(policy.residency))
      if (!regions.some((r) => allowed.includes(r.jurisdiction)))
        issues.push({
          path: ["policy", "residency", origin],
          message: `residency_scope gateway-and-model needs a gateway in ${allowed.join("/")} for ${origin}-origin callers, and no region is there`,
        });
  return issues;
}
