/**
 * The identity section: the identity provider (IdP) and how gateways validate the callers' tokens. Opt-in:
 * without this section callers send no tokens and gateways validate nothing.
 *
 * No system in shared/ANCHORS.md exposes a bound on cached validation: Envoy's jwt_authn caches remote JWKS
 * for 10 minutes and ext_authz fails closed, neither with a staleness policy. The bound here is the
 * trade-off made explicit, defaulting to the seed's "cached for 5 minutes".
 */
import { z } from "zod";
import { id } from "./fields";
import { unknownRegion, type Issue, type References } from "./references";

/** What an identity section is unless the file says otherwise; `regions` has no default. */
export const IDENTITY_DEFAULTS = {
  issuer: "https://idp.sim.test",
  audience: "failover-lab-gateway",
  on_unreachable: "cached",
  max_staleness_s: 300,
  /**
   * Envoy's jwt_authn keeps remote JWKS 10 minutes, but a refresh slower than the staleness bound would trip
   * the bound in healthy operation; a minute also bounds how long a revocation takes to reach a gateway.
   */
  jwks_refresh_s: 60,
  /** A common OIDC access-token lifetime (one hour). */
  token_ttl_s: 3_600,
} as const;

export const identity = z.strictObject({
  issuer: z.url({ protocol: /^https?$/ }).default(IDENTITY_DEFAULTS.issuer).describe("The iss claim every token carries and gateways require"),
  audience: z.string().min(1).max(200).default(IDENTITY_DEFAULTS.audience).describe("The aud claim gateways require"),
  regions: z.array(id).min(1).describe("Regions serving the identity provider (discovery, JWKS, revocation list), replicated"),
  on_unreachable: z
    .enum(["cached", "fail-closed"])
    .default(IDENTITY_DEFAULTS.on_unreachable)
    .describe("cached: keep validating with the cached keys until they are max_staleness_s old; fail-closed: reject every token once a refresh fails"),
  max_staleness_s: z.number().positive().max(86_400).default(IDENTITY_DEFAULTS.max_staleness_s).describe("cached: the oldest cache a token may be validated against"),
  jwks_refresh_s: z.number().min(1).max(86_400).default(IDENTITY_DEFAULTS.jwks_refresh_s).describe("How often a gateway refetches the JWKS and revocation list"),
  token_ttl_s: z.number().min(60).max(7 * 86_400).default(IDENTITY_DEFAULTS.token_ttl_s).describe("Lifetime of the tokens the callers hold; they renew at 80 % of it"),
});
export type IdentityConfig = z.infer<typeof identity>;

/** The identity provider's regions exist, each once, and a cached validator refreshes within its staleness bound. */
export function checkIdentity(idp: IdentityConfig, refs: References): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  idp.regions.forEach((r, i) => {
    issues.push(...unknownRegion(refs, r, ["identity", "regions", i]));
    if (seen.has(r)) issues.push({ path: ["identity", "regions", i], message: `duplicate identity provider region "${r}"` });
    seen.add(r);
  });
  if (idp.on_unreachable === "cached" && idp.jwks_refresh_s >= idp.max_staleness_s)
    issues.push({
      path: ["identity", "jwks_refresh_s"],
      message: `must be below max_staleness_s (${idp.max_staleness_s}): a cache refreshed less often would pass the bound while the identity provider is reachable`,
    });
  return issues;
}
