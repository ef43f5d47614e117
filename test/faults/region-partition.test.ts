import { describe, expect, it } from "vitest";
import { regionPartition } from "../../engine/faults/region-partition";
import { describeFault } from "../../engine/scenario/describeFault";
import { FaultBook } from "../../engine/faults/book";
import { drillFixture } from "./drill";

const partition = regionPartition.schema.parse({ kind: "region-partition", at_s: 30, heal_s: 120, from: "us-east", to: "eu-west" });

describe("region-partition", () => {
  it("cuts the path between its two regions both ways, and no other", () => {
    const book = new FaultBook();
    book.inject("f1", partition, 30_000);
    expect([book.pathCut("us-east", "eu-west"), book.pathCut("eu-west", "us-east"), book.pathCut("us-east", "eu-central"), book.pathCut("eu-west", "eu-west")]).toEqual([true, true, false, false]);
    book.heal("f1", 120_000);
    expect(book.pathCut("us-east", "eu-west")).toBe(false);
  });

  it("reads as a partition, and an alarm at one end about a target at the other detects it", () => {
    expect(describeFault(partition)).toBe("us-east and eu-west cannot reach each other");
    const opened = { type: "transition", t: 0, machine: "circuit", region: "us-east", subject: "us-east→openai-sim@eu-west/gpt-4o", from: "closed", to: "open", cause: "timeouts" } as const;
    expect(regionPartition.impact.alarmDetects?.(partition, opened, "openai-sim@eu-west/gpt-4o")).toBe(true);
    expect(regionPartition.impact.alarmDetects?.(partition, opened, "openai-sim@eu-central/gpt-4o")).toBe(false);
  });

  it("a withdrawal of either region it cuts detects it: the director's checkers at the other end lost sight", () => {
    expect(["us-east", "eu-west", "eu-central"].map((r) => regionPartition.impact.withdrawalDetects?.(partition, r))).toEqual([true, true, false]);
  });

  it("as a drill: probes across the cut time out, the target goes unhealthy and traffic falls back to eu-central", async () => {
    const report = await drillFixture("region-partition.yaml");
    const measured = report.questions.detection.faults.find((f) => f.kind === "region-partition")!;
    expect(measured.detected_by).toMatchObject({
      machine: "target-health",
      to: "unhealthy",
      // Whichever endpoint across the cut its probes confirm down first.
      subject: expect.stringMatching(/^(eu-west→[\w-]+@us-east|us-east→[\w-]+@eu-west)\//),
      cause: expect.stringMatching(/probes failed/),
    });
    expect(measured.detection_s!).toBeLessThan(30);
    expect(measured.reroute_s).not.toBeNull();
    expect(measured.requests_touched).toBeGreaterThan(0);
    expect(report.totals.served_in["eu-central"]!).toBeGreaterThan(report.totals.served_in["eu-west"]!);
  }, 300_000);

  it("as a drill with checker regions: cut off from every checker, eu-west is withdrawn three rounds later and restored three rounds after the heal", async () => {
    const report = await drillFixture("region-partition-checkers.yaml");
    const director = report.transitions.filter((t) => t.machine === "director");
    expect(director.map((t) => [t.subject, t.to])).toEqual([
      ["eu-west", "regionsWithdrawn"],
      ["eu-west", "allServing"],
    ]);
    const [withdrawn, restored] = director as [(typeof director)[number], (typeof director)[number]];
    expect(withdrawn.cause).toBe(
      "eu-west withdrawn: 3 consecutive health checks failed (last: seen down from 2 of 2 checker regions (eu-central: timeout after 2000 ms; us-east: timeout after 2000 ms))",
    );
    // Cut at 30 s: the first failed round starts within one 10 s interval and times out 2 s later; two more follow.
    expect(withdrawn.t).toBeGreaterThan(50_000);
    expect(withdrawn.t).toBeLessThanOrEqual(62_000);
    // Healed at 120 s: three passed rounds, the first within one interval.
    expect(restored.t).toBeGreaterThan(140_000);
    expect(restored.t).toBeLessThan(150_500);
    expect(report.totals.served_in["eu-central"]!).toBeGreaterThan(0);
    expect(report.passed).toBe(true);
  }, 300_000);

  it("as a drill with checker regions: one of three checkers cut still leaves more than 18 % seeing eu-west, which keeps serving", async () => {
    const report = await drillFixture("region-partition-checkers-minority.yaml");
    expect(report.transitions.filter((t) => t.machine === "director")).toEqual([]);
    expect(report.totals.served_in).toEqual({ "eu-west": report.totals.requests });
    expect(report.passed).toBe(true);
  }, 300_000);
});
