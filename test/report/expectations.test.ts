import { describe, expect, it } from "vitest";
import { evaluateExpectations, type Metrics } from "../../engine/report/expectations";
import { METRICS } from "../../engine/scenario/schema";

const metrics = (values: Partial<Metrics>): Metrics => ({ ...(Object.fromEntries(METRICS.map((m) => [m, 0])) as Metrics), ...values });

describe("evaluateExpectations", () => {
  it("compares each metric with its operator", () => {
    const results = evaluateExpectations(
      ["detection_s <= 15", "detection_s < 12.5", "residency_violations == 0", "success_rate >= 0.99", "errors != 0", "rto_s > 30"],
      metrics({ detection_s: 12.5, residency_violations: 0, success_rate: 0.995, errors: 3, rto_s: 30 }),
    );
    expect(results.map((r) => r.pass)).toEqual([true, false, true, true, true, false]);
    expect(results[0]).toMatchObject({ metric: "detection_s", op: "<=", value: 15, actual: 12.5 });
  });

  it("fails an expectation whose metric was not measured", () => {
    const [result] = evaluateExpectations(["detection_s <= 60"], metrics({ detection_s: null }));
    expect(result).toMatchObject({ actual: null, pass: false });
  });
});
