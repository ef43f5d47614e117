import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("audit-partition-per-region.yaml", (report) => {
  const audit = report.questions.audit;
  expect(audit.pattern).toBe("per-region");
  expect(audit.stores.filter((s) => s.role === "destination").map((s) => s.name)).toEqual(["region:eu-west", "region:eu-central", "region:us-east", "global"]);
  // Fail-closed: only eu-west's high-risk calls, only while it was cut off; no one else is rejected.
  expect(audit.high_risk.rejected_fail_closed).toBe(report.totals.rejected);
  expect(audit.high_risk.durable_in_buffer_only).toBe(0);
  const euWest = audit.buffers.find((b) => b.region === "eu-west")!;
  expect(euWest.depth_max).toBeGreaterThan(500);
  expect(euWest.flushed).toBe(euWest.written);
  expect(report.questions.policy.rejectedByPolicy).toBe(0);
});
