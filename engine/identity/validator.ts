/**
 * A regional gateway's token validation: every token is checked for real with jose (EdDSA signature,
 * issuer, audience, expiry) against the JWKS the gateway cached from the identity provider, then against
 * the cached revocation list. The cache is refreshed every `jwks_refresh_s` over `fetchOnClock`, from the
 * nearest IdP region that answers — not with jose's `createRemoteJWKSet`, which runs on real timers and
 * its own fetch. When no IdP region answers, the scenario's policy decides: `cached` keeps validating with
 * the cached keys until they are `max_staleness_s` old, then fails closed; `fail-closed` refuses every
 * token from the first failed refresh on (a partition is noticed at the next refresh, not before).
 *
 * The cache's state — `empty`, `fresh`, `stale` (serving from a cache it could not refresh), `fail-closed`
 * — and the contents it picked up (IdP region, key ids, revocations) are emitted as transitions of machine
 * `identity`, which the audit log records like every other state machine.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { VIRTUAL_EPOCH_MS } from "../clock";
import type { EngineContext } from "../context";
import type { IdentityRecord, IdentityRejection } from "../events";
import { fetchOnClock } from "../http";
import type { IdentityConfig } from "../scenario/schema";
import { idpBaseUrl } from "../topology";

export type IdentityState = "empty" | "fresh" | "stale" | "fail-closed";

/** A token check's outcome: the record for the audit log and, when refused, the reason given to the caller. */
export type IdentityCheck = { readonly record: IdentityRecord; readonly reason?: string };

/** Keys an unknown `kid` may trigger a refetch this often at most (jose's remote JWKS cooldown, 30 s). */
const UNKNOWN_KID_COOLDOWN_MS = 30_000;

interface Cache {
  readonly getKey: JWTVerifyGetKey;
  readonly kids: string;
  readonly revoked: ReadonlySet<string>;
  /** Virtual ms of the refresh that filled it. */
  readonly fetchedAt: number;
  readonly source: string;
}

interface Documents {
  readonly jwks: JSONWebKeySet;
  readonly revoked: readonly string[];
}

export class TokenValidator {
  private readonly config: IdentityConfig;
  /** IdP regions, nearest first (then by name): the order a refresh tries them in. */
  private readonly idpOrder: readonly string[];
  private readonly discovered = new Map<string, { jwks: string; revoked: string }>();
  private cache: Cache | undefined;
  private reachable = true;
  private lastFailure = "";
  private current: IdentityState = "empty";
  private refreshing: Promise<void> | undefined;
  private refreshTimer: number | undefined;
  private boundTimer: number | undefined;
  private refreshSeq = 0;
  private stopped = false;

  constructor(
    readonly region: string,
    private readonly ctx: EngineContext,
  ) {
    this.config = ctx.scenario.identity!;
    this.idpOrder = [...this.config.regions].sort((a, b) => ctx.topology.rttMs(region, a) - ctx.topology.rttMs(region, b) || (a < b ? -1 : 1));
  }

  get state(): IdentityState {
    return this.current;
  }

  /** The IdP region the cache was last filled from. */
  get source(): string | null {
    return this.cache?.source ?? null;
  }

  /** Virtual ms since the cache was last filled; null while it is empty. */
  cacheAgeMs(): number | null {
    return this.cache ? this.ctx.clock.now() - this.cache.fetchedAt : null;
  }

  start(): void {
    void this.refresh();
  }

  stop(): void {
    this.stopped = true;
    if (this.refreshTimer !== undefined) this.ctx.clock.clearTimeout(this.refreshTimer);
    if (this.boundTimer !== undefined) this.ctx.clock.clearTimeout(this.boundTimer);
  }

  /** Validates the token a request presents; `key` is the request's running work key. */
  async check(token: string | undefined, key: string): Promise<IdentityCheck> {
    if (!this.cache && this.refreshing) await this.waitFor(this.refreshing, key);
    const { region } = this;
    const refuse = (rejection: IdentityRejection, reason: string, claimed = claimedIds(token)): IdentityCheck => ({
      record: { ...claimed, verdict: "rejected", rejection, cacheAgeMs: this.cacheAgeMs() },
      reason,
    });
    if (!this.cache) return refuse("idp-unreachable", `identity provider unreachable from ${region} and no keys cached yet (${this.lastFailure}): fail-closed`);
    this.update("");
    if (this.current === "fail-closed") return refuse("idp-unreachable", this.closedReason());
    if (token === undefined) return refuse("missing", "no bearer token");
    return this.verify(token, key, true);
  }

  private async verify(token: string, key: string, mayRefetch: boolean): Promise<IdentityCheck> {
    const cache = this.cache!;
    const { issuer, audience } = this.config;
    const now = this.ctx.clock.now();
    try {
      const { payload, protectedHeader } = await jwtVerify(token, cache.getKey, { issuer, audience, currentDate: new Date(VIRTUAL_EPOCH_MS + now), algorithms: ["EdDSA"] });
      const ids = { kid: protectedHeader.kid ?? null, jti: payload.jti ?? null, subject: payload.sub ?? null };
      if (ids.jti !== null && cache.revoked.has(ids.jti))
        return { record: { ...ids, verdict: "rejected", rejection: "revoked", cacheAgeMs: now - cache.fetchedAt }, reason: `token jti ${ids.jti} revoked` };
      return { record: { ...ids, verdict: "accepted", cacheAgeMs: now - cache.fetchedAt } };
    } catch (error) {
      // A key the cache does not know may be one the IdP just started signing with (jose refetches its remote JWKS the same way).
      if (error instanceof errors.JWKSNoMatchingKey && mayRefetch && this.reachable && now - cache.fetchedAt >= UNKNOWN_KID_COOLDOWN_MS) {
        await this.waitFor(this.refresh(), key);
        if (this.cache && this.current !== "fail-closed") return this.verify(token, key, false);
      }
      const claimed = claimedIds(token);
      const [rejection, reason] = this.explain(error, claimed.kid);
      return { record: { ...claimed, verdict: "rejected", rejection, cacheAgeMs: this.ctx.clock.now() - this.cache!.fetchedAt }, reason };
    }
  }

  private explain(error: unknown, kid: string | null): [IdentityRejection, string] {
    const { audience, issuer } = this.config;
    if (error instanceof errors.JWKSNoMatchingKey) return ["unknown-key", `token signature does not match any key in the JWKS (kid ${kid ?? "absent"} not published by the identity provider)`];
    if (error instanceof errors.JWSSignatureVerificationFailed) return ["signature", `token signature does not match the JWKS key (kid ${kid ?? "absent"})`];
    if (error instanceof errors.JWTExpired) return ["expired", `token expired at ${new Date(Number(error.payload.exp) * 1000).toISOString()}`];
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") return ["audience", `audience ${JSON.stringify(error.payload.aud)} is not "${audience}"`];
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "iss") return ["issuer", `issuer ${JSON.stringify(error.payload.iss)} is not "${issuer}"`];
    return ["malformed", `token rejected: ${(error as Error).message}`];
  }

  private closedReason(): string {
    const ageS = Math.floor(this.cacheAgeMs()! / 1000);
    if (this.config.on_unreachable === "cached")
      return `identity provider unreachable from ${this.region}: keys last refreshed ${ageS} s ago, over the ${this.config.max_staleness_s} s staleness bound: fail-closed`;
    return `identity provider unreachable from ${this.region} (${this.lastFailure}): policy fail-closed`;
  }

  /** A request waits for a refresh with its own work key suspended, so the refresh's fetches can take virtual time. */
  private async waitFor(refresh: Promise<void>, key: string): Promise<void> {
    const { work } = this.ctx.clock;
    work.suspend(key);
    await refresh;
    work.resume(key);
  }

  /** One refresh at a time; a request that needs one joins the refresh in flight. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.fetchAll().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async fetchAll(): Promise<void> {
    const { clock, scenario } = this.ctx;
    const key = `identity:${this.region}:${++this.refreshSeq}`;
    clock.work.open(key);
    try {
      const failures: string[] = [];
      for (const idpRegion of this.idpOrder) {
        const fetched = await this.fetchFrom(idpRegion, key);
        if (typeof fetched === "string") {
          failures.push(`idp@${idpRegion}: ${fetched}`);
          continue;
        }
        this.fill(fetched, idpRegion);
        this.schedule(this.config.jwks_refresh_s * 1000);
        return;
      }
      this.reachable = false;
      this.lastFailure = failures.join("; ");
      this.update(`refresh failed: ${this.lastFailure}`);
      // Retried at the probe interval, so the end of a partition is noticed as soon as a target's recovery would be.
      this.schedule(scenario.health.probe.interval_s * 1000);
    } finally {
      clock.work.close(key);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.refreshTimer !== undefined) this.ctx.clock.clearTimeout(this.refreshTimer);
    this.refreshTimer = this.ctx.clock.setTimeout(() => void this.refresh(), delayMs);
  }

  /** The JWKS and revocation list from one IdP region, or why they could not be had. */
  private async fetchFrom(idpRegion: string, key: string): Promise<Documents | string> {
    const get = async (url: string, what: string): Promise<{ body: Record<string, unknown> } | string> => {
      const result = await fetchOnClock(this.ctx.clock, {
        url,
        timeoutMs: this.ctx.scenario.health.probe.timeout_ms,
        callerKey: key,
        key: `${key}/${idpRegion}/${what}`,
        worldId: this.ctx.worldId,
        transport: this.ctx.transport,
        fromRegion: this.region,
      });
      if (result.status !== 200) return `${what}: ${result.error ?? `HTTP ${result.status}`}`;
      return typeof result.body === "object" && result.body !== null ? { body: result.body as Record<string, unknown> } : `${what}: not JSON`;
    };
    let uris = this.discovered.get(idpRegion);
    if (!uris) {
      const discovery = await get(`${idpBaseUrl(idpRegion)}/.well-known/openid-configuration`, "discovery");
      if (typeof discovery === "string") return discovery;
      const { issuer, jwks_uri, revocation_list_uri } = discovery.body;
      if (issuer !== this.config.issuer) return `discovery: issuer ${JSON.stringify(issuer)} is not "${this.config.issuer}"`;
      if (typeof jwks_uri !== "string" || typeof revocation_list_uri !== "string") return "discovery: no jwks_uri or revocation_list_uri";
      uris = { jwks: jwks_uri, revoked: revocation_list_uri };
      this.discovered.set(idpRegion, uris);
    }
    const jwks = await get(uris.jwks, "jwks");
    if (typeof jwks === "string") return jwks;
    const revoked = await get(uris.revoked, "revocation list");
    if (typeof revoked === "string") return revoked;
    const keys = jwks.body.keys;
    const list = revoked.body.revoked;
    if (!Array.isArray(keys)) return "jwks: no keys array";
    if (!Array.isArray(list) || !list.every((j) => typeof j === "string")) return "revocation list: not a list of token ids";
    return { jwks: jwks.body as unknown as JSONWebKeySet, revoked: list as string[] };
  }

  private fill(documents: Documents, idpRegion: string): void {
    const { clock } = this.ctx;
    const previous = this.cache;
    const kids = documents.jwks.keys.map((k) => k.kid ?? "?").join(",");
    this.cache = { getKey: createLocalJWKSet(documents.jwks), kids, revoked: new Set(documents.revoked), fetchedAt: clock.now(), source: idpRegion };
    this.reachable = true;
    const from = `idp@${idpRegion}`;
    if (previous?.source !== idpRegion) this.emit(`${this.region}→idp`, previous?.source ?? "none", idpRegion, `keys fetched from ${from}${this.lastFailure ? ` after ${this.lastFailure}` : ""}`);
    if (previous?.kids !== kids) this.emit(`${this.region} jwks`, previous?.kids ?? "none", kids, `JWKS from ${from} publishes ${kids}`);
    if ((previous?.revoked.size ?? 0) !== documents.revoked.length)
      this.emit(`${this.region} revocations`, String(previous?.revoked.size ?? 0), String(documents.revoked.length), `revocation list from ${from}`);
    this.update(`keys refreshed from ${from}`);
    this.lastFailure = "";
    if (this.config.on_unreachable === "cached") {
      if (this.boundTimer !== undefined) clock.clearTimeout(this.boundTimer);
      this.boundTimer = clock.setTimeout(
        () => this.update(`keys ${this.config.max_staleness_s} s old reached the staleness bound, identity provider still unreachable (${this.lastFailure})`),
        this.config.max_staleness_s * 1000,
      );
    }
  }

  /** Recomputes the state from the cache's age and the last refresh, emitting a transition when it moved. */
  private update(cause: string): void {
    const to = this.derive();
    if (to === this.current) return;
    const from = this.current;
    this.current = to;
    this.emit(this.region, from, to, cause || `keys ${Math.floor(this.cacheAgeMs()! / 1000)} s old`);
  }

  private derive(): IdentityState {
    if (!this.cache) return "empty";
    const { on_unreachable, max_staleness_s } = this.config;
    if (on_unreachable === "cached" && this.cacheAgeMs()! >= max_staleness_s * 1000) return "fail-closed";
    if (this.reachable) return "fresh";
    return on_unreachable === "cached" ? "stale" : "fail-closed";
  }

  private emit(subject: string, from: string, to: string, cause: string): void {
    this.ctx.bus.emit({ type: "transition", t: this.ctx.clock.now(), machine: "identity", region: this.region, subject, from, to, cause });
  }
}

/** What an unverified token claims to be, for the record of refusing it. */
function claimedIds(token: string | undefined): Pick<IdentityRecord, "kid" | "jti" | "subject"> {
  if (token === undefined) return { kid: null, jti: null, subject: null };
  try {
    const { kid } = decodeProtectedHeader(token);
    const { jti, sub } = decodeJwt(token);
    return { kid: kid ?? null, jti: jti ?? null, subject: sub ?? null };
  } catch {
    return { kid: null, jti: null, subject: null };
  }
}
