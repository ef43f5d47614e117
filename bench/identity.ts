/**
 * Times a gateway's token check with a warm cache — the JWKS and revocation list already fetched, the key
 * already imported by jose — one request at a time: EdDSA signature, issuer, audience, expiry and the
 * revocation list, as every request of an identity scenario pays it.
 */
import { webcrypto } from "node:crypto";
import { build as buildHistogram } from "hdr-histogram-js";
import { EngineSession, IdentityProvider, seededRandom, VirtualClock, type Scenario } from "../engine";

export interface IdentityBench {
  readonly medianUs: number;
  readonly p99Us: number;
  /** The floor under it: WebCrypto's Ed25519 verify of the same token's signature alone, awaited one at a time. */
  readonly bareVerify: { readonly medianUs: number; readonly p99Us: number };
}

export async function benchIdentity(base: Scenario, iterations: number): Promise<IdentityBench> {
  const scenario: Scenario = {
    ...base,
    identity: { issuer: "https://idp.sim.test", audience: "failover-lab-gateway", regions: ["eu-central"], on_unreachable: "cached", max_staleness_s: 300, jwks_refresh_s: 60, token_ttl_s: 3_600 },
  };
  const clock = new VirtualClock();
  const session = new EngineSession(scenario, { clock, random: seededRandom(scenario.seed) });
  const idp = new IdentityProvider(scenario.identity!, clock, seededRandom(scenario.seed), () => {});
  session.start();
  // Long enough for every gateway's first refresh, too short for the traffic to matter.
  await clock.runUntil(1_000);
  const validator = session.gateways.get("eu-west")!.identity!;
  const token = await idp.sign({ subject: "bench", jti: "bench.1", issuedAt: clock.now(), ttlS: 3_600 });
  const histogram = newHistogram();
  const warmup = Math.min(1_000, iterations);
  let accepted = 0;
  for (let i = 0; i < warmup + iterations; i++) {
    const key = `bench-${i}`;
    clock.work.open(key);
    const started = process.hrtime.bigint();
    const { record } = await validator.check(token, key);
    const ns = Number(process.hrtime.bigint() - started);
    clock.work.close(key);
    if (i < warmup) continue;
    histogram.recordValue(ns);
    if (record.verdict === "accepted") accepted++;
  }
  session.close();
  session.audit.close();
  if (accepted !== iterations) throw new Error(`expected every token to be accepted, ${iterations - accepted} were not`);
  return { ...percentiles(histogram), bareVerify: await bareVerify(idp, token, iterations, warmup) };
}

async function bareVerify(idp: IdentityProvider, token: string, iterations: number, warmup: number): Promise<IdentityBench["bareVerify"]> {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const data = Buffer.from(`${header}.${payload}`);
  const bytes = Buffer.from(signature, "base64url");
  const key = await webcrypto.subtle.importKey("jwk", idp.signingKey.jwk, { name: "Ed25519" }, false, ["verify"]);
  const histogram = newHistogram();
  for (let i = 0; i < warmup + iterations; i++) {
    const started = process.hrtime.bigint();
    const ok = await webcrypto.subtle.verify({ name: "Ed25519" }, key, bytes, data);
    const ns = Number(process.hrtime.bigint() - started);
    if (!ok) throw new Error("the bare verify refused the token's own signature");
    if (i >= warmup) histogram.recordValue(ns);
  }
  return percentiles(histogram);
}

/** Nanosecond resolution, up to 100 ms. */
const newHistogram = () => buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 100_000_000, numberOfSignificantValueDigits: 3 });

function percentiles(histogram: ReturnType<typeof newHistogram>): { medianUs: number; p99Us: number } {
  return { medianUs: histogram.getValueAtPercentile(50) / 1000, p99Us: histogram.getValueAtPercentile(99) / 1000 };
}
