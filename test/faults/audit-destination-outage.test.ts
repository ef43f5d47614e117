import { describe, expect, it } from "vitest";
import { auditDestinationOutage } from "../../engine/faults/audit-destination-outage";
import { describeFault } from "../../engine/scenario/describeFault";
import { FaultBook } from "../../engine/faults/book";
import { drillFixture } from "./drill";

const outage = auditDestinationOutage.schema.parse({ kind: "audit-destination-outage", at_s: 30, heal_s: 90 });

describe("audit-destination-outage", () => {
  it("cuts every region off from its audit destination while it holds", () => {
    const book = new FaultBook();
    book.inject("f1", outage, 30_000);
    expect(["eu-west", "eu-central", "us-east"].map((region) => book.auditPartitioned(region))).toEqual([true, true, true]);
    book.heal("f1", 90_000);
    expect(book.auditPartitioned("eu-west")).toBe(false);
    expect(describeFault(outage)).toBe("canonical audit log unreachable from every region");
  });

  it("as a drill: every region buffers, its own included, and on heal flushes with nothing lost", async () => {
    const report = await drillFixture("audit-destination-outage.yaml");
    const measured = report.questions.detection.faults[0]!;
    expect(measured.detected_by).toMatchObject({ machine: "audit", to: "buffering" });
    expect(measured.detection_s).toBeLessThan(2);
    const buffering = new Set(report.transitions.filter((t) => t.machine === "audit" && t.to === "buffering").map((t) => t.region));
    expect([...buffering].sort()).toEqual(["eu-central", "eu-west"]);
    expect(report.metrics).toMatchObject({ audit_lost: 0, audit_gaps: 0, chain_valid: 1 });
    expect(report.metrics.flush_lag_max_ms!).toBeGreaterThan(55_000);
    expect(report.passed).toBe(true);
  }, 300_000);
});
