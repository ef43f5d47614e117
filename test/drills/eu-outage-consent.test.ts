import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("eu-outage-consent.yaml", (report) => {
  const { policy } = report.questions;
  // About 30 % of EU callers recorded consent: they are served in the US, the rest refused.
  const share = policy.crossBorderServed.consent / (policy.crossBorderServed.consent + policy.rejectedByPolicy);
  expect(share).toBeGreaterThan(0.2);
  expect(share).toBeLessThan(0.4);
  expect(policy.crossBorderServed.transferMechanism).toBe(0);
  expect(policy.violations).toBe(0);
});
