/**
 * Data-residency policy, evaluated before routing (seed, "the policy layer evaluates the residency rule
 * before the routing layer dispatches"). It decides which jurisdictions may serve a request; what to do
 * when none of the allowed ones is usable is the deployer's explicit, audited choice — unlike Envoy's panic
 * mode or Portkey's breaker bypass, which fail open across borders silently.
 */
import type { Jurisdiction, Scenario } from "./scenario/schema";

export interface PolicyRequest {
  readonly jurisdiction: Jurisdiction;
  readonly consent: boolean;
  readonly model: string;
}

export type PolicyDecision =
  | {
      readonly verdict: "allow";
      /** Jurisdictions that may serve the request; undefined means any. */
      readonly allowed: ReadonlySet<Jurisdiction> | undefined;
      readonly crossBorder: boolean;
      readonly basis?: string;
      readonly reasons: readonly string[];
    }
  | { readonly verdict: "reject"; readonly reason: string; readonly reasons: readonly string[] };

export class ResidencyPolicy {
  private readonly home = new Map<Jurisdiction, ReadonlySet<Jurisdiction>>();

  constructor(private readonly policy: Scenario["policy"]) {
    for (const [origin, allowed] of Object.entries(policy.residency) as [Jurisdiction, Jurisdiction[]][])
      this.home.set(origin, new Set(allowed));
  }

  /**
   * @param usableWithin whether some usable destination for the request's model lies in these jurisdictions
   *   (the gateway's live health view).
   */
  evaluate(request: PolicyRequest, usableWithin: (allowed: ReadonlySet<Jurisdiction>) => boolean): PolicyDecision {
    const home = this.home.get(request.jurisdiction);
    if (!home) {
      return {
        verdict: "allow",
        allowed: undefined,
        crossBorder: false,
        reasons: [`no residency rule for ${request.jurisdiction}-origin requests: any destination`],
      };
    }
    const homeList = [...home].join("/");
    if (usableWithin(home)) {
      return {
        verdict: "allow",
        allowed: home,
        crossBorder: false,
        reasons: [`${request.jurisdiction}-origin request must be served in ${homeList}: a usable destination exists`],
      };
    }
    const outage = `no usable ${homeList} destination for ${request.model}`;
    switch (this.policy.outage_choice) {
      case "reject":
        return {
          verdict: "reject",
          reason: `${outage}; deployer policy "reject" forbids cross-border failover`,
          reasons: [outage, 'outage choice "reject"'],
        };
      case "cross-border-with-consent":
        return request.consent
          ? {
              verdict: "allow",
              allowed: undefined,
              crossBorder: true,
              basis: "consent",
              reasons: [outage, 'outage choice "cross-border-with-consent"', "cross-border consent is recorded"],
            }
          : {
              verdict: "reject",
              reason: `${outage}; cross-border failover needs recorded consent and this request has none`,
              reasons: [outage, 'outage choice "cross-border-with-consent"', "no consent recorded"],
            };
      case "cross-border-with-transfer-mechanism": {
        const mechanism = this.policy.transfer_mechanism ?? "unspecified";
        return {
          verdict: "allow",
          allowed: undefined,
          crossBorder: true,
          basis: `transfer-mechanism:${mechanism}`,
          reasons: [outage, 'outage choice "cross-border-with-transfer-mechanism"', `transfer mechanism ${mechanism} recorded`],
        };
      }
    }
  }
}
