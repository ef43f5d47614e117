/**
 * The tokens caller populations hold. Each population holds one token from the identity provider, signed
 * when it is issued (not per request), and renews it when 80 % of its lifetime has passed. Between renewals
 * it keeps presenting the same token — also after the IdP rotated its key or revoked the token, since
 * nothing tells the caller — until a gateway refuses it as invalid (HTTP 401 invalid_token, RFC 6750), which
 * makes the caller get a new one at once. A gateway that fails closed because it cannot reach the IdP says
 * nothing about the token, so the caller keeps it. This is exactly the window a gateway's cache leaves open:
 * a stale or compromised token stays in use until some gateway that knows better turns it away.
 *
 * A population's `bad_tokens` shares make some requests present a deliberately bad token instead: forged
 * (signed by a key the IdP never published), expired, or issued for another audience.
 */
import type { Clock, TimerId } from "../clock";
import type { EventBus, IdentityRejection, RequestRecord } from "../events";
import type { Random } from "../random";
import { BAD_TOKEN_KINDS, type BadTokenKind, type Scenario } from "../scenario/schema";
import type { IdentityProvider } from "./provider";

/** Share of a token's lifetime after which its holder renews it. */
const RENEW_AT = 0.8;
/** Rejections that say the token itself is no good, on which a caller re-authenticates. */
const INVALID_TOKEN: ReadonlySet<IdentityRejection> = new Set(["unknown-key", "signature", "expired", "revoked"]);

interface Held {
  readonly jti: string;
  readonly token: string;
  /** The deliberately bad variants, signed only for populations that present them. */
  readonly bad: Readonly<Partial<Record<BadTokenKind, string>>>;
}

export class CallerTokens {
  private readonly held = new Map<string, Held>();
  private readonly issuedCount = new Map<string, number>();
  private readonly renewing = new Set<string>();
  private readonly renewals = new Map<string, TimerId>();
  private readonly badShares: ReadonlyMap<string, readonly (readonly [BadTokenKind, number])[]>;
  private stopped = false;

  constructor(
    private readonly scenario: Scenario,
    private readonly idp: IdentityProvider,
    private readonly clock: Clock,
    bus: EventBus,
  ) {
    this.badShares = new Map(
      scenario.topology.callers.map((c) => [c.id, BAD_TOKEN_KINDS.map((kind) => [kind, c.bad_tokens?.[kind] ?? 0] as const).filter(([, share]) => share > 0)]),
    );
    bus.subscribe((event) => {
      if (event.type === "request") this.onAnswer(event.record);
    });
  }

  /** Issues every population's first token; they are signed before the first request can be sent. */
  start(): void {
    for (const caller of this.scenario.topology.callers) this.renew(caller.id);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.renewals.values()) this.clock.clearTimeout(timer);
  }

  /** The token a request of `population` presents, drawn with the request's own random stream. */
  present(population: string, random: Random): string | undefined {
    const held = this.held.get(population);
    if (!held) return undefined;
    const shares = this.badShares.get(population)!;
    if (shares.length === 0) return held.token;
    let draw = random.next();
    for (const [kind, share] of shares) {
      if (draw < share) return held.bad[kind]!;
      draw -= share;
    }
    return held.token;
  }

  private onAnswer(record: RequestRecord): void {
    const identity = record.identity;
    if (!identity?.rejection || !INVALID_TOKEN.has(identity.rejection)) return;
    if (identity.jti === this.held.get(record.population)?.jti) this.renew(record.population);
  }

  /** Gets a new token for `population`; the signing runs under a work key, so no virtual time passes meanwhile. */
  private renew(population: string): void {
    if (this.renewing.has(population) || this.stopped) return;
    this.renewing.add(population);
    const n = (this.issuedCount.get(population) ?? 0) + 1;
    this.issuedCount.set(population, n);
    const key = `identity:issue:${population}:${n}`;
    this.clock.work.open(key);
    void this.issue(population, `${population}.${n}`).finally(() => {
      this.renewing.delete(population);
      this.clock.work.close(key);
    });
  }

  private async issue(population: string, jti: string): Promise<void> {
    const idp = this.idp;
    const ttlS = idp.config.token_ttl_s;
    const issuedAt = this.clock.now();
    const variants: Record<BadTokenKind, () => Promise<string>> = {
      "wrong-key": () => idp.sign({ subject: population, jti: `${jti}.forged`, issuedAt, ttlS, forgeWith: idp.forgedKey }),
      // Issued one lifetime and a minute ago: expired a minute before it is presented for the first time.
      expired: () => idp.sign({ subject: population, jti: `${jti}.expired`, issuedAt: issuedAt - (ttlS + 60) * 1000, ttlS }),
      "wrong-audience": () => idp.sign({ subject: population, jti: `${jti}.other-audience`, issuedAt, ttlS, audience: "another-service" }),
    };
    const kinds = this.badShares.get(population)!.map(([kind]) => kind);
    const [token, ...bad] = await Promise.all([idp.sign({ subject: population, jti, issuedAt, ttlS }), ...kinds.map((kind) => variants[kind]())]);
    idp.issued(population, jti, issuedAt + ttlS * 1000);
    this.held.set(population, { jti, token: token!, bad: Object.fromEntries(kinds.map((kind, i) => [kind, bad[i]!])) });
    const previous = this.renewals.get(population);
    if (previous !== undefined) this.clock.clearTimeout(previous);
    if (!this.stopped) this.renewals.set(population, this.clock.setTimeout(() => this.renew(population), ttlS * 1000 * RENEW_AT));
  }
}
