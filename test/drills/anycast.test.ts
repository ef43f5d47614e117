import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("anycast.yaml", (report) => {
  // No TTL to wait out: callers stop failing within moments of the director's withdrawal.
  const [fault] = report.questions.detection.faults;
  expect(fault!.detected_by?.machine).toBe("director");
  expect(fault!.rto_s! - fault!.detection_s!).toBeLessThan(5);
});
