import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("eu-gateway-down-model-scope.yaml", (report) => {
  // The director sends EU callers to us-east while both EU gateways are withdrawn; us-east routes them to EU models.
  expect(report.questions.policy.gatewayCrossBorder).toBe(report.metrics.gateway_cross_border);
  expect(report.totals.served_in["us-east"] ?? 0).toBeLessThan(report.totals.by_gateway["us-east"]! - 800);
  expect(report.questions.policy.violations).toBe(0);
});
