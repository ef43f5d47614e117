import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("cross-region-latency.yaml", (report) => {
  const latency = report.questions.detection.faults.find((f) => f.kind === "latency")!;
  expect(latency.detected_by).toMatchObject({ machine: "target-health", to: "degraded", cause: expect.stringMatching(/p95 \d+ ms exceeds the 5000 ms budget/) });
  // US traffic ends up in eu-central, the path that stays within budget, and EU traffic never leaves the EU.
  expect(report.totals.served_in["eu-central"]!).toBeGreaterThan(1000);
  expect(report.metrics.residency_violations).toBe(0);
});
