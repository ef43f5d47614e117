import { describe, expect, it } from "vitest";
import { trafficSurge } from "../../engine/faults/traffic-surge";
import { describeFault } from "../../engine/scenario/describeFault";
import { FaultBook } from "../../engine/faults/book";
import { drillFixture } from "./drill";

const surge = trafficSurge.schema.parse({ kind: "traffic-surge", at_s: 40, heal_s: 80, population: "eu-web", factor: 4 });

describe("traffic-surge", () => {
  it("multiplies its population's arrival rate while it holds, and no other population's", () => {
    const book = new FaultBook();
    book.inject("f1", surge, 40_000);
    book.inject("f2", { ...surge, factor: 1.5 }, 40_000);
    expect(book.arrivalRateFactor("eu-web")).toBe(6);
    expect(book.arrivalRateFactor("eu-batch")).toBe(1);
    book.heal("f1", 80_000);
    expect(book.arrivalRateFactor("eu-web")).toBe(1.5);
  });

  it("reads as a surge, belongs to no region and touches its population's requests", () => {
    expect(describeFault(surge)).toBe("eu-web sends 4× its rate");
    expect(trafficSurge.region(surge)).toBe("global");
  });

  it("as a drill: eu-web sends four times its rate for 40 s, and the report counts those requests against the fault", async () => {
    const report = await drillFixture("traffic-surge.yaml");
    const measured = report.questions.detection.faults[0]!;
    expect(measured.kind).toBe("traffic-surge");
    // 40 s at 20 requests a second, where 5 a second would have sent some 200.
    expect(measured.requests_touched).toBeGreaterThan(650);
    expect(measured.requests_touched).toBeLessThan(950);
    expect(measured.requests_failed).toBe(0);
    // eu-web over the run: 80 s at 5/s and 40 s at 20/s.
    expect(report.totals.by_gateway["eu-west"]!).toBeGreaterThan(1_050);
    expect(report.passed).toBe(true);
  }, 300_000);
});
