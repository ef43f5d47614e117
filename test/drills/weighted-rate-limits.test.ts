import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("weighted-rate-limits.yaml", (report) => {
  // The surge meets both eu-west targets' rpm limits: the overflow goes to eu-central, still in the EU, and nobody is refused.
  expect(report.totals.errors + report.totals.rejected).toBe(0);
  expect(report.totals.served_in["eu-central"] ?? 0).toBeGreaterThan(0);
});
