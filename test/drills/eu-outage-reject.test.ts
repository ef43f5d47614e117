import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("eu-outage-reject.yaml", (report) => {
  // Nothing EU-origin is served outside the EU: the US region serves only US callers.
  expect(report.questions.policy.crossBorderServed).toEqual({ consent: 0, transferMechanism: 0 });
  expect(report.questions.policy.rejectedByPolicy).toBe(report.totals.rejected);
  expect(report.totals.served_in["us-east"]!).toBeLessThan(report.totals.requests / 2);
});
