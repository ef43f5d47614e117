import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("dns-ttl-60.yaml", (report) => {
  // Failover as callers see it is detection plus the TTL: stale answers keep failing after the withdrawal.
  const [fault] = report.questions.detection.faults;
  expect(fault!.detected_by?.machine).toBe("director");
  expect(fault!.rto_s! - fault!.detection_s!).toBeGreaterThan(30);
  expect(fault!.rto_s! - fault!.detection_s!).toBeLessThanOrEqual(60 + 1);
});
