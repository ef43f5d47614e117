/**
 * The confirmation probes' schedule (engine/gateway/probing.ts): a first failed probe and its confirmations
 * never all fall within the down half of a provider flapping as long up as down, for any period from 0.2 to
 * 2.2 probe intervals and any phase, with 2 % of an interval to spare for round trips. Probes a fixed interval
 * apart do: that is the aliasing the confirmations exist to break.
 */
import { describe, expect, it } from "vitest";
import { confirmationOffsets } from "../../engine/gateway/probing";

/** The shortest arc of a circle of circumference `period` that holds every sample's phase. */
function arcHolding(samples: readonly number[], period: number): number {
  const phases = samples.map((t) => ((t % period) + period) % period).sort((a, b) => a - b);
  let widestGap = phases[0]! + period - phases.at(-1)!;
  for (let i = 1; i < phases.length; i++) widestGap = Math.max(widestGap, phases[i]! - phases[i - 1]!);
  return period - widestGap;
}

/** Periods, in probe intervals, at which some phase puts every sample in a down half (`margin` intervals to spare). */
function periodsFooled(samples: readonly number[], from: number, to: number, margin: number): number[] {
  const fooled: number[] = [];
  for (let period = from; period <= to + 1e-9; period += 0.002) if (arcHolding(samples, period) <= period / 2 + margin) fooled.push(Number(period.toFixed(3)));
  return fooled;
}

describe("confirmation probes", () => {
  it("give six samples, over 1.13 intervals, at the default threshold", () => {
    expect(confirmationOffsets(6)).toEqual([0.36, 0.65, 0.76, 0.91, 1.13]);
    expect(confirmationOffsets(1)).toEqual([]);
    expect(confirmationOffsets(8)).toEqual([0.36, 0.65, 0.76, 0.91, 1.13, 1.49, 1.78]);
  });

  it("cannot all land in the down half of a flap whose period is 0.2 to 2.2 intervals", () => {
    expect(periodsFooled([0, ...confirmationOffsets(6)], 0.2, 2.2, 0.02)).toEqual([]);
  });

  it("where three probes a fixed interval apart can (the aliasing it breaks)", () => {
    const fooled = periodsFooled([0, 1, 2], 0.2, 2.2, 0.02);
    expect(fooled).toContain(1);
    expect(fooled).toContain(0.5);
  });
});
