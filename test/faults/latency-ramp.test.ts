import { describe, expect, it } from "vitest";
import { latencyRamp, rampedMs } from "../../engine/faults/latency-ramp";
import { describeFault } from "../../engine/scenario/describeFault";
import { FaultBook } from "../../engine/faults/book";
import { drillFixture } from "./drill";

const ramp = latencyRamp.schema.parse({ kind: "latency-ramp", at_s: 30, from: "us-east", to: "eu-west", end_ms: 8_000, ramp_s: 80 });

describe("latency-ramp", () => {
  it("rises linearly from start_ms to end_ms over ramp_s, then holds", () => {
    expect(ramp.start_ms).toBe(0);
    expect([0, 20_000, 40_000, 80_000, 500_000].map((t) => rampedMs(ramp, t))).toEqual([0, 2_000, 4_000, 8_000, 8_000]);
    expect(rampedMs({ start_ms: 1_000, end_ms: 0, ramp_s: 10 }, 5_000)).toBe(500);
  });

  it("adds the ramped latency to its path either way round, from when it was injected", () => {
    const book = new FaultBook();
    book.inject("f1", ramp, 30_000);
    expect(book.addedLatencyMs("eu-west", "us-east", 50_000)).toBe(2_000);
    expect(book.addedLatencyMs("us-east", "eu-west", 70_000)).toBe(4_000);
    expect(book.addedLatencyMs("us-east", "eu-central", 70_000)).toBe(0);
  });

  it("reads as a ramp, belongs to its first region and is detected by a p95 alarm about a target across the path", () => {
    expect(describeFault(ramp)).toBe("+0 → +8000 ms over 80 s between us-east and eu-west");
    expect(latencyRamp.region(ramp)).toBe("us-east");
    const alarm = { type: "transition", t: 0, machine: "target-health", region: "us-east", subject: "us-east→openai-sim@eu-west/gpt-4o", from: "healthy", to: "degraded", cause: "p95 6000 ms exceeds the 5000 ms budget" } as const;
    expect(latencyRamp.impact.alarmDetects?.(ramp, alarm, "openai-sim@eu-west/gpt-4o")).toBe(true);
    // eu-west's gateway reaches its own targets without crossing the path: their p95 is not this fault's.
    expect(latencyRamp.impact.alarmDetects?.(ramp, { ...alarm, region: "eu-west", subject: "eu-west→openai-sim@eu-west/gpt-4o" }, "openai-sim@eu-west/gpt-4o")).toBe(false);
    expect(latencyRamp.impact.alarmDetects?.(ramp, { ...alarm, region: "eu-central" }, "openai-sim@eu-central/gpt-4o")).toBe(false);
  });

  it("as a drill: the fallback leaves the slowing path for the next nearest region, and the report counts the requests it touched", async () => {
    const report = await drillFixture("latency-ramp.yaml");
    const measured = report.questions.detection.faults.find((f) => f.kind === "latency-ramp")!;
    expect(measured.fault).toMatchObject({ kind: "latency-ramp", end_ms: 8_000 });
    expect(measured.requests_touched).toBeGreaterThan(10);
    expect(measured.reroute_s).not.toBeNull();
    expect(measured.reroute_s!).toBeLessThan(5);
    expect(report.totals.served_in["eu-central"]!).toBeGreaterThan(3 * report.totals.served_in["eu-west"]!);
    expect(report.passed).toBe(true);
  }, 300_000);
});
