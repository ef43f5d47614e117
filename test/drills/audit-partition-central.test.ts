import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("audit-partition-central.yaml", (report) => {
  const audit = report.questions.audit;
  expect(audit.pattern).toBe("central");
  expect(audit.stores.map((s) => s.name)).toEqual(["canonical", "buffer:eu-west", "buffer:eu-central", "buffer:us-east"]);
  const euWest = audit.buffers.find((b) => b.region === "eu-west")!;
  // Three minutes cut off: the buffer held them, and every one reached the canonical log on heal.
  expect(euWest.flush_lag_ms.max).toBeGreaterThanOrEqual(179_000);
  expect(euWest.flushed).toBe(euWest.written);
  for (const other of audit.buffers.filter((b) => b.region !== "eu-west")) expect(other.flush_lag_ms.max!).toBeLessThanOrEqual(1_000);
  // High-risk calls from eu-west during the partition were durable only in its buffer; the rest at the destination.
  expect(audit.high_risk.durable_in_buffer_only).toBeGreaterThan(50);
  expect(audit.high_risk.durable_at_destination).toBeGreaterThan(audit.high_risk.durable_in_buffer_only);
  // The flusher noticed the partition and its end, and the report says so.
  const flusher = report.transitions.filter((t) => t.machine === "audit").map((t) => `${t.t / 1000}:${t.to}`);
  expect(flusher).toEqual(["120:buffering", "300:flushing"]);
  expect(report.questions.detection.faults[0]!.detection_s).toBe(0);
});
