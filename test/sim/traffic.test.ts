import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../engine/clock";
import { seededRandom } from "../../engine/random";
import { loadScenarioFile } from "../../engine/scenario/load";
import { TrafficGenerator } from "../../engine/sim/traffic";

const fixture = loadScenarioFile(join(import.meta.dirname, "..", "fixtures", "short-drill.yaml"));

/** Requests one population at `ratePerS` sends in `seconds` of virtual time, surged `factor` times. */
async function sent(ratePerS: number, seconds: number, factor = 1): Promise<number> {
  const [callers] = fixture.topology.callers;
  const scenario = { ...fixture, topology: { ...fixture.topology, callers: [{ ...callers!, rate_per_s: ratePerS }] } };
  const clock = new VirtualClock();
  let count = 0;
  const traffic = new TrafficGenerator(scenario, clock, seededRandom(7), () => count++, () => factor);
  traffic.start();
  await clock.runUntil(seconds * 1000);
  traffic.stop();
  return count;
}

describe("caller populations on the whole-millisecond clock", () => {
  // Poisson counts: a standard deviation of √n, so 1.5 % is over 3.5 of them at 60,000 and 10 at 600,000.
  it.each([
    [10, 600, 1],
    [1_000, 60, 1],
    [10_000, 60, 1],
    [1_000, 60, 10],
  ])("send %d requests/s for %d s, surged ×%d, at that rate, however short the gaps", async (ratePerS, seconds, factor) => {
    const expected = ratePerS * factor * seconds;
    expect(Math.abs((await sent(ratePerS, seconds, factor)) - expected) / expected).toBeLessThan(0.015);
  });
});
