/**
 * A gateway's token validation against the simulated identity provider, with real Ed25519 signatures: every
 * kind of bad token is refused with its exact reason, and an unreachable identity provider is handled as the
 * policy says. The tokens are signed by an identity provider built from the same seed as the session's, so
 * its keys are the ones the session's IdP publishes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { EngineSession, VirtualClock, seededRandom, type Scenario } from "../../engine";
import { VIRTUAL_EPOCH_MS } from "../../engine/clock";
import { IdentityProvider, type IssueOptions } from "../../engine/identity/provider";
import { scenarioSchema, type ScenarioInput } from "../../engine/scenario/schema";

const input = (onUnreachable: "cached" | "fail-closed"): ScenarioInput => ({
  revision: 1,
  name: "token validation",
  seed: 5,
  duration_s: 900,
  topology: {
    regions: [
      { id: "eu-west", jurisdiction: "EU", location: "Dublin" },
      { id: "eu-central", jurisdiction: "EU", location: "Frankfurt" },
    ],
    rtt_ms: [["eu-west", "eu-central", 25]],
    providers: [{ id: "p", deployments: [{ region: "eu-central", endpoint: "https://p.eu-central.sim.test", models: ["m"] }] }],
    models: [{ id: "chat", serves: [{ provider: "p", model: "m" }] }],
    // Next to no traffic: the test presents its own tokens.
    callers: [{ id: "eu-web", region: "eu-west", jurisdiction: "EU", model: "chat", rate_per_s: 0.001 }],
  },
  policy: { residency: {} },
  identity: { regions: ["eu-central"], on_unreachable: onUnreachable, max_staleness_s: 300, jwks_refresh_s: 60 },
});

describe("token validation in a gateway", () => {
  let session: EngineSession | undefined;
  afterEach(() => {
    session?.close();
    session?.audit.close();
  });

  function start(onUnreachable: "cached" | "fail-closed") {
    const scenario: Scenario = scenarioSchema.parse(input(onUnreachable));
    const clock = new VirtualClock();
    session = new EngineSession(scenario, { clock, random: seededRandom(scenario.seed) });
    const idp = new IdentityProvider(scenario.identity!, clock, seededRandom(scenario.seed), () => {});
    const validator = session.gateways.get("eu-west")!.identity!;
    let n = 0;
    const check = async (token: string | undefined) => {
      const key = `test-request-${++n}`;
      clock.work.open(key);
      const result = await validator.check(token, key);
      clock.work.close(key);
      return result;
    };
    const sign = (options: Partial<IssueOptions> = {}) => idp.sign({ subject: "eu-web", jti: "eu-web.1", issuedAt: clock.now(), ttlS: 3600, ...options });
    session.start();
    return { clock, idp, validator, check, sign, session };
  }

  it("accepts a valid token and records its key id, token id and subject — never the token", async () => {
    const { clock, check, sign } = start("cached");
    await clock.runUntil(1_000);
    const token = await sign();
    const result = await check(token);
    expect(result).toEqual({ record: { kid: "k1", jti: "eu-web.1", subject: "eu-web", verdict: "accepted", cacheAgeMs: 1_000 - 75 } });
    expect(JSON.stringify(result)).not.toContain(token.split(".")[2]!);
  });

  it("refuses a forged, an expired, a wrong-audience, a wrong-issuer, a malformed and a missing token, each with its reason", async () => {
    const { clock, idp, check, sign } = start("cached");
    await clock.runUntil(1_000);
    const forged = await check(await sign({ forgeWith: idp.forgedKey }));
    expect(forged).toMatchObject({ record: { kid: "k1", verdict: "rejected", rejection: "signature" }, reason: "token signature does not match the JWKS key (kid k1)" });
    const expired = await check(await sign({ issuedAt: -3_600_000, ttlS: 600 }));
    expect(expired).toMatchObject({ record: { rejection: "expired" }, reason: `token expired at ${new Date(VIRTUAL_EPOCH_MS - 3_000_000).toISOString()}` });
    const audience = await check(await sign({ audience: "another-service" }));
    expect(audience).toMatchObject({ record: { rejection: "audience" }, reason: 'audience "another-service" is not "failover-lab-gateway"' });
    const otherIssuer = new IdentityProvider({ ...idp.config, issuer: "https://evil.example" }, clock, seededRandom(5), () => {});
    const issuer = await check(await otherIssuer.sign({ subject: "eu-web", jti: "x", issuedAt: clock.now(), ttlS: 60 }));
    expect(issuer).toMatchObject({ record: { rejection: "issuer" }, reason: 'issuer "https://evil.example" is not "https://idp.sim.test"' });
    expect(await check("not.a.jwt")).toMatchObject({ record: { kid: null, jti: null, rejection: "malformed" } });
    expect(await check(undefined)).toMatchObject({ record: { rejection: "missing" }, reason: "no bearer token" });
  });

  it("refuses a revoked token once the revocation list is refreshed, and a token of a rotated-out key once the JWKS is", async () => {
    const { clock, idp, session, check, sign } = start("cached");
    await clock.runUntil(1_000);
    const first = await sign();
    session.inject({ kind: "token-revocation", at_s: 1, population: "eu-web" });
    // Until the next refresh the gateway cannot know: that is the window the report counts.
    expect((await check(first)).record.verdict).toBe("accepted");
    await clock.runUntil(61_000);
    expect(await check(first)).toMatchObject({ record: { jti: "eu-web.1", verdict: "rejected", rejection: "revoked" }, reason: "token jti eu-web.1 revoked" });
    const signedByK1 = await sign({ jti: "eu-web.old" });
    session.inject({ kind: "key-rotation", at_s: 61 });
    idp.apply("test", { kind: "key-rotation", at_s: 0 });
    await clock.runUntil(121_000);
    expect(await check(signedByK1)).toMatchObject({
      record: { kid: "k1", rejection: "unknown-key" },
      reason: "token signature does not match any key in the JWKS (kid k1 not published by the identity provider)",
    });
    // Signed now with the same seed's k2, the session's IdP key after its rotation.
    expect(await check(await sign({ jti: "eu-web.new" }))).toMatchObject({ record: { kid: "k2", verdict: "accepted" } });
  });

  it("cached: keeps accepting from the cache while the identity provider is unreachable, until the staleness bound", async () => {
    const { clock, session, validator, check, sign } = start("cached");
    await clock.runUntil(1_000);
    const token = await sign();
    session.inject({ kind: "idp-partition", at_s: 1, region: "eu-west" });
    // The refresh at 60 s times out at 62 s: from then on the gateway knows it serves from a stale cache.
    await clock.runUntil(65_000);
    expect(validator.state).toBe("stale");
    expect(await check(token)).toMatchObject({ record: { verdict: "accepted", cacheAgeMs: 65_000 - 75 } });
    await clock.runUntil(75 + 300_000 - 1);
    expect((await check(token)).record.verdict).toBe("accepted");
    await clock.runUntil(75 + 300_000);
    expect(validator.state).toBe("fail-closed");
    expect(await check(token)).toEqual({
      record: { kid: "k1", jti: "eu-web.1", subject: "eu-web", verdict: "rejected", rejection: "idp-unreachable", cacheAgeMs: 300_000 },
      reason: "identity provider unreachable from eu-west: keys last refreshed 300 s ago, over the 300 s staleness bound: fail-closed",
    });
  });

  it("fail-closed: refuses every token from the first failed refresh, and accepts again once a refresh succeeds", async () => {
    const { clock, session, validator, check, sign } = start("fail-closed");
    await clock.runUntil(1_000);
    const token = await sign();
    const partition = session.inject({ kind: "idp-partition", at_s: 1, region: "eu-west" });
    await clock.runUntil(60_000);
    expect((await check(token)).record.verdict).toBe("accepted");
    await clock.runUntil(62_075);
    expect(validator.state).toBe("fail-closed");
    expect(await check(token)).toMatchObject({
      record: { verdict: "rejected", rejection: "idp-unreachable" },
      reason: "identity provider unreachable from eu-west (idp@eu-central: jwks: timeout after 2000 ms): policy fail-closed",
    });
    session.heal(partition);
    // The failed refresh is retried at the probe interval (10 s).
    await clock.runUntil(72_200);
    expect(validator.state).toBe("fresh");
    expect((await check(token)).record.verdict).toBe("accepted");
  });
});
