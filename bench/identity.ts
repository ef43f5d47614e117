/**
 * Times a gateway's token check with a warm cache — the JWKS and revocation list already fetched, the key
 * already imported by jose — one request at a time: EdDSA signature, issuer, audience, expiry and the
 * revocation list, as every request of an identity scenario pays it.
 */
import { build as buildHistogram } from "hdr-histogram-js";
import { EngineSession, seededRandom, VirtualClock, type Scenario } from "../engine";
import { IdentityProvider } from "../engine/identity/provider";

export async function benchIdentity(base: Scenario, iterations: number): Promise<{ medianUs: number; p99Us: number }> {
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
  const histogram = buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 100_000_000, numberOfSignificantValueDigits: 3 });
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
  return { medianUs: histogram.getValueAtPercentile(50) / 1000, p99Us: histogram.getValueAtPercentile(99) / 1000 };
}
