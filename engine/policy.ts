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
   * @param gatewayJurisdiction where the gateway evaluating the request is; it counts only under
   *   `residency_scope: gateway-and-model`, where a request received abroad has crossed the border already.
   */
  evaluate(request: PolicyRequest, usableWithin: (allowed: ReadonlySet<Jurisdiction>) => boolean, gatewayJurisdiction: Jurisdiction): PolicyDecision {
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
    const homeUsable = usableWithin(home);
    if (this.policy.residency_scope === "gateway-and-model" && !home.has(gatewayJurisdiction)) {
      // Received abroad: crossing needs the same lawful basis as an answer abroad; the model stays home when it can.
      const abroad = `${request.jurisdiction}-origin request received by a gateway in ${gatewayJurisdiction}, outside ${homeList} (residency scope gateway-and-model)`;
      return this.crossBorder(request, abroad, homeUsable ? home : undefined);
    }
    if (homeUsable) {
      return {
        verdict: "allow",
        allowed: home,
        crossBorder: false,
        reasons: [`${request.jurisdiction}-origin request must be served in ${homeList}: a usable destination exists`],
      };
    }
    return this.crossBorder(request, `no usable ${homeList} destination for ${request.model}`, undefined);
  }

  /** The deployer's outage choice, for a request that would cross the border for `why`; `allowed` bounds the model. */
  private crossBorder(request: PolicyRequest, why: string, allowed: ReadonlySet<Jurisdiction> | undefined): PolicyDecision {
    switch (this.policy.outage_choice) {
      case "reject":
        return {
          verdict: "reject",
          reason: `${why}; deployer policy "reject" forbids cross-border failover`,
          reasons: [why, 'outage choice "reject"'],
        };
      case "cross-border-with-consent":
        return request.consent
          ? {
              verdict: "allow",
              allowed,
              crossBorder: true,
              basis: "consent",
              reasons: [why, 'outage choice "cross-border-with-consent"', "cross-border consent is recorded"],
            }
          : {
              verdict: "reject",
              reason: `${why}; cross-border failover needs recorded consent and this request has none`,
              reasons: [why, 'outage choice "cross-border-with-consent"', "no consent recorded"],
            };
      case "cross-border-with-transfer-mechanism": {
        const mechanism = this.policy.transfer_mechanism ?? "unspecified";
        return {
          verdict: "allow",
          allowed,
          crossBorder: true,
          basis: `transfer-mechanism:${mechanism}`,
          reasons: [why, 'outage choice "cross-border-with-transfer-mechanism"', `transfer mechanism ${mechanism} recorded`],
        };
      }
    }
  }
}
