/**
 * The simulated identity provider (IdP): the OIDC issuer the callers get their tokens from and the gateways
 * fetch keys from. It is one logical IdP replicated to `identity.regions` — every region serves the same
 * discovery document, JWKS and revocation list (`SimulatedWorld` answers the HTTP side). It signs with one
 * Ed25519 key at a time; a `key-rotation` fault replaces the key and drops the old one from the JWKS, as a
 * rotation after a compromise would, and a `token-revocation` fault revokes a population's live tokens.
 * Both are emitted as transitions of machine `identity-provider`, so the audit log and the drill report
 * know which key was rotated out and which token was revoked, and when.
 */
import { SignJWT } from "jose";
import { VIRTUAL_EPOCH_MS, type Clock } from "../clock";
import type { TransitionEvent } from "../events";
import { faultKind } from "../faults/registry";
import type { Random } from "../random";
import type { Fault, IdentityConfig } from "../scenario/schema";
import { idpBaseUrl } from "../topology";
import { seededSigningKey, type PublicJwk, type SigningKey } from "./keys";



/** The audit-log region of the identity provider's own events: it serves every region alike. */
const IDP_REGION = "global";

export interface IssueOptions {
  readonly subject: string;
  readonly jti: string;
  /** Virtual ms of issue; the token is valid for `ttlS` from then. */
  readonly issuedAt: number;
  readonly ttlS: number;
  readonly audience?: string;
  /** Signs with this key instead of the IdP's current one (a forgery), keeping the current `kid`. */
  readonly forgeWith?: SigningKey;
}

export class IdentityProvider {
  private readonly keys: SigningKey[] = [];
  private readonly revoked: string[] = [];
  /** Tokens issued and not yet revoked, per population, with their expiry in virtual ms. */
  private readonly live = new Map<string, { jti: string; expiresAt: number }[]>();
  private forged: SigningKey | undefined;

  private readonly random: Random;

  /** `random` is the run's root source: the keys come from its `identity` stream, the same for every holder of the seed. */
  constructor(
    readonly config: IdentityConfig,
    private readonly clock: Clock,
    random: Random,
    private readonly emit: (event: TransitionEvent) => void,
  ) {
    this.random = random.fork("identity");
    this.keys.push(this.newKey());
  }

  /** The key tokens are signed with now. */
  get signingKey(): SigningKey {
    return this.keys.at(-1)!;
  }

  /** A key the IdP never published: what a forger signs with. */
  get forgedKey(): SigningKey {
    this.forged ??= seededSigningKey(this.random.fork("forged-key"), "forged");
    return this.forged;
  }

  /** Signs a token for a caller population (jose `SignJWT`, EdDSA). */
  async sign(options: IssueOptions): Promise<string> {
    const key = options.forgeWith ?? this.signingKey;
    const iat = Math.floor((VIRTUAL_EPOCH_MS + options.issuedAt) / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA", kid: this.signingKey.kid, typ: "JWT" })
      .setIssuer(this.config.issuer)
      .setAudience(options.audience ?? this.config.audience)
      .setSubject(options.subject)
      .setJti(options.jti)
      .setIssuedAt(iat)
      .setExpirationTime(iat + options.ttlS)
      .sign(key.privateKey);
    return token;
  }

  /** Records a token as issued to `population`, so a revocation of the population covers it. */
  issued(population: string, jti: string, expiresAt: number): void {
    const tokens = this.live.get(population) ?? [];
    tokens.push({ jti, expiresAt });
    this.live.set(population, tokens);
  }

  /** Applies the identity provider's own events; other faults are the network's business. */
  apply(faultId: string, fault: Fault): void {
    const { world } = faultKind(fault);
    if (world.rotatesSigningKey?.(fault)) this.rotate(faultId);
    const population = world.revokedPopulation?.(fault);
    if (population !== undefined) this.revoke(faultId, population);
  }

  /** `/.well-known/openid-configuration` of the deployment in `region` (OpenID Connect Discovery 1.0). */
  discovery(region: string): Record<string, unknown> {
    const base = idpBaseUrl(region);
    return {
      issuer: this.config.issuer,
      jwks_uri: `${base}/jwks`,
      // Not a standard OIDC field: a CRL-style list of revoked token ids, standing in for token introspection
      // (RFC 7662), which would need the IdP on every request and so could not be cached at all.
      revocation_list_uri: `${base}/revoked`,
      id_token_signing_alg_values_supported: ["EdDSA"],
    };
  }

  /** The published keys: only the current one, since a rotation after a compromise drops the old key at once. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: [this.signingKey.jwk] };
  }

  revocationList(): { revoked: string[] } {
    return { revoked: [...this.revoked] };
  }

  private newKey(): SigningKey {
    const kid = `k${this.keys.length + 1}`;
    return seededSigningKey(this.random.fork(`key:${kid}`), kid);
  }

  private rotate(faultId: string): void {
    const old = this.signingKey.kid;
    this.keys.push(this.newKey());
    this.transition("signing key", old, this.signingKey.kid, `${faultId} key-rotation: ${old} dropped from the JWKS, tokens it signed are no longer valid`);
  }

  private revoke(faultId: string, population: string): void {
    const now = this.clock.now();
    for (const { jti, expiresAt } of this.live.get(population) ?? []) {
      if (expiresAt <= now) continue;
      this.revoked.push(jti);
      this.transition(`token ${jti}`, "valid", "revoked", `${faultId} token-revocation of ${population}'s tokens`);
    }
    this.live.set(population, []);
  }

  private transition(subject: string, from: string, to: string, cause: string): void {
    this.emit({ type: "transition", t: this.clock.now(), machine: "identity-provider", region: IDP_REGION, subject, from, to, cause });
  }
}
