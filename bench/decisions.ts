/**
 * Times the synchronous decision a gateway makes for every request (residency policy, then routing),
 * one call at a time, against a live session's health view.
 */
import { build as buildHistogram } from "hdr-histogram-js";
import { EngineSession, seededRandom, VirtualClock, type Scenario } from "../engine";

export function benchDecisions(scenario: Scenario, iterations: number): { medianUs: number; p99Us: number } {
  const session = new EngineSession(scenario, { clock: new VirtualClock(), random: seededRandom(1) });
  const gateway = session.gateways.get("eu-west")!;
  // Nanosecond resolution: decisions take a few microseconds.
  const histogram = buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: 3 });
  const request = {
    id: "bench",
    population: "eu-west-app",
    originRegion: "eu-west",
    jurisdiction: "EU" as const,
    model: "chat-large",
    consent: false,
    highRisk: false,
    sentAt: 0,
  };
  let routed = 0;
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    const decision = gateway.decide(request);
    histogram.recordValue(Number(process.hrtime.bigint() - started));
    if (decision.verdict === "route") routed++;
  }
  session.close();
  session.audit.close();
  if (routed !== iterations) throw new Error(`expected every decision to route, ${iterations - routed} did not`);
  return { medianUs: histogram.getValueAtPercentile(50) / 1000, p99Us: histogram.getValueAtPercentile(99) / 1000 };
}
