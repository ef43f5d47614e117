import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("eu-gateway-down-gateway-scope.yaml", (report) => {
  // No EU caller is sent to us-east: its gateway sees only US traffic, and the EU callers fail while their gateways are down.
  expect(report.metrics.gateway_cross_border).toBe(0);
  expect(report.questions.detection.faults.map((f) => f.reroute_s)).toEqual([null, null]);
  expect(report.questions.detection.faults.every((f) => f.requests_failed === f.requests_touched && f.requests_touched > 300)).toBe(true);
});
