/**
 * What trusting cached identity cost, counted from the same events as everything else: per gateway region,
 * the tokens checked, accepted and refused (by reason), and the tokens accepted that the identity provider
 * had already disowned — signed by a key it rotated out, or revoked — with the oldest cache a token was
 * accepted on. The identity provider's own transitions say which key was rotated out and which token
 * revoked, and when; the gateways' request records say which key and token id each check saw.
 */
import type { IdentityRejection, RequestRecord, TransitionEvent } from "../events";
import type { IdentityConfig } from "../scenario/schema";

export interface IdentityRegionCost {
  readonly checked: number;
  readonly accepted: number;
  /** Refused tokens by reason; `idp-unreachable` is the fail-closed policy's cost. */
  readonly rejected: Readonly<Partial<Record<IdentityRejection, number>>>;
  /** Accepted tokens signed by a key the identity provider had rotated out by then. */
  readonly accepted_rotated_key: number;
  /** Accepted tokens the identity provider had revoked by then. */
  readonly accepted_revoked: number;
  /** Oldest cached keys a token was accepted on, virtual seconds; null when none was accepted. */
  readonly staleness_max_s: number | null;
}

export interface IdentityCost {
  readonly issuer: string;
  readonly idp_regions: readonly string[];
  readonly on_unreachable: IdentityConfig["on_unreachable"];
  /** The bound of the `cached` policy; null under `fail-closed`. */
  readonly max_staleness_s: number | null;
  readonly per_region: Readonly<Record<string, IdentityRegionCost>>;
  readonly totals: {
    readonly checked: number;
    readonly accepted: number;
    readonly rejected: number;
    readonly rejected_idp_unreachable: number;
    readonly accepted_rotated_key: number;
    readonly accepted_revoked: number;
    readonly staleness_max_s: number | null;
  };
}

interface Tally {
  checked: number;
  accepted: number;
  rejected: Partial<Record<IdentityRejection, number>>;
  acceptedRotatedKey: number;
  acceptedRevoked: number;
  stalenessMaxMs: number | null;
}

export class IdentityCostRecorder {
  private readonly rotatedOut = new Set<string>();
  private readonly revoked = new Set<string>();
  private readonly tallies = new Map<string, Tally>();

  onTransition(event: TransitionEvent): void {
    if (event.machine !== "identity-provider") return;
    if (event.subject === "signing key") this.rotatedOut.add(event.from);
    else if (event.to === "revoked") this.revoked.add(event.subject.replace(/^token /, ""));
  }

  onRequest(record: RequestRecord): void {
    const identity = record.identity;
    if (!identity) return;
    let tally = this.tallies.get(record.gateway);
    if (!tally) this.tallies.set(record.gateway, (tally = { checked: 0, accepted: 0, rejected: {}, acceptedRotatedKey: 0, acceptedRevoked: 0, stalenessMaxMs: null }));
    tally.checked++;
    if (identity.verdict === "rejected") {
      const kind = identity.rejection!;
      tally.rejected[kind] = (tally.rejected[kind] ?? 0) + 1;
      return;
    }
    tally.accepted++;
    if (identity.kid !== null && this.rotatedOut.has(identity.kid)) tally.acceptedRotatedKey++;
    if (identity.jti !== null && this.revoked.has(identity.jti)) tally.acceptedRevoked++;
    if (identity.cacheAgeMs !== null) tally.stalenessMaxMs = Math.max(tally.stalenessMaxMs ?? 0, identity.cacheAgeMs);
  }

  result(config: IdentityConfig): IdentityCost {
    const per_region: Record<string, IdentityRegionCost> = {};
    for (const region of [...this.tallies.keys()].sort()) {
      const t = this.tallies.get(region)!;
      per_region[region] = {
        checked: t.checked,
        accepted: t.accepted,
        rejected: Object.fromEntries(Object.entries(t.rejected).sort(([a], [b]) => (a < b ? -1 : 1))),
        accepted_rotated_key: t.acceptedRotatedKey,
        accepted_revoked: t.acceptedRevoked,
        staleness_max_s: t.stalenessMaxMs === null ? null : t.stalenessMaxMs / 1000,
      };
    }
    const regions = Object.values(per_region);
    const sum = (f: (r: IdentityRegionCost) => number) => regions.reduce((n, r) => n + f(r), 0);
    const stalest = regions.map((r) => r.staleness_max_s).filter((s): s is number => s !== null);
    return {
      issuer: config.issuer,
      idp_regions: config.regions,
      on_unreachable: config.on_unreachable,
      max_staleness_s: config.on_unreachable === "cached" ? config.max_staleness_s : null,
      per_region,
      totals: {
        checked: sum((r) => r.checked),
        accepted: sum((r) => r.accepted),
        rejected: sum((r) => r.checked - r.accepted),
        rejected_idp_unreachable: sum((r) => r.rejected["idp-unreachable"] ?? 0),
        accepted_rotated_key: sum((r) => r.accepted_rotated_key),
        accepted_revoked: sum((r) => r.accepted_revoked),
        staleness_max_s: stalest.length === 0 ? null : Math.max(...stalest),
      },
    };
  }
}
