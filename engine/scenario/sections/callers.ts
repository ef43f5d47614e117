/** Simulated caller populations: where they sit, whose data they carry, what they ask for and how often. */
import { z } from "zod";
import { id, jurisdiction, share } from "./fields";
import { unknownRegion, type Issue, type References } from "./references";

/** Deliberately bad tokens a caller population may present, to exercise the gateways' checks. */
export const BAD_TOKEN_KINDS = ["wrong-key", "expired", "wrong-audience"] as const;
export type BadTokenKind = (typeof BAD_TOKEN_KINDS)[number];

/** What a caller population is unless the file says otherwise; `bad_tokens` applies once the population lists any. */
export const CALLER_DEFAULTS = {
  consent_share: 0,
  high_risk_share: 0,
  clients: 50,
  bad_tokens: { [BAD_TOKEN_KINDS[0]]: 0, [BAD_TOKEN_KINDS[1]]: 0, [BAD_TOKEN_KINDS[2]]: 0 },
} as const;

export const callers = z.strictObject({
  id,
  region: id.describe("Region the callers sit in (their network origin)"),
  jurisdiction: jurisdiction.describe("Jurisdiction of the data subjects, which residency policy keys on"),
  model: id.describe("Logical model the callers ask for"),
  rate_per_s: z.number().positive().max(10_000).describe("Mean Poisson arrival rate"),
  consent_share: share.default(CALLER_DEFAULTS.consent_share).describe("Share of requests with recorded cross-border consent"),
  high_risk_share: share.default(CALLER_DEFAULTS.high_risk_share).describe("Share of high-risk calls (EU AI Act Art. 12)"),
  clients: z.int().min(1).max(100_000).default(CALLER_DEFAULTS.clients).describe("Independent DNS resolvers among the callers"),
  bad_tokens: z
    .strictObject({
      [BAD_TOKEN_KINDS[0]]: share.default(CALLER_DEFAULTS.bad_tokens[BAD_TOKEN_KINDS[0]]).describe("Signed by a key the identity provider never published"),
      [BAD_TOKEN_KINDS[1]]: share.default(CALLER_DEFAULTS.bad_tokens[BAD_TOKEN_KINDS[1]]).describe("Past its exp claim"),
      [BAD_TOKEN_KINDS[2]]: share.default(CALLER_DEFAULTS.bad_tokens[BAD_TOKEN_KINDS[2]]).describe("Issued for another audience"),
    })
    .optional()
    .describe("Share of requests presenting a bad token instead of the population's own; needs an identity section"),
});
export type Callers = z.infer<typeof callers>;

/** Duplicate populations, and the region, identity section and logical model each one needs. */
export function checkCallers(populations: readonly Callers[], refs: References): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  populations.forEach((c, i) => {
    if (seen.has(c.id)) issues.push({ path: ["topology", "callers", i, "id"], message: `duplicate caller population "${c.id}"` });
    seen.add(c.id);
    issues.push(...unknownRegion(refs, c.region, ["topology", "callers", i, "region"]));
    if (c.bad_tokens && !refs.hasIdentity)
      issues.push({ path: ["topology", "callers", i, "bad_tokens"], message: "bad tokens need an identity section: without one callers send no tokens" });
    if (!refs.logicalModels.has(c.model))
      issues.push({ path: ["topology", "callers", i, "model"], message: `unknown logical model "${c.model}" (known: ${[...refs.logicalModels].join(", ")})` });
  });
  return issues;
}
