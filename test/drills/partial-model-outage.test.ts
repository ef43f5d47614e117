import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("partial-model-outage.yaml", (report) => {
  // Only one model's circuit opens; eu-west stays the region serving Dublin's callers.
  const opened = report.transitions.filter((t) => t.machine === "circuit" && t.to === "open").map((t) => t.subject);
  expect(new Set(opened)).toEqual(new Set(["eu-west→openai-sim@eu-west/gpt-4o"]));
  expect(report.transitions.some((t) => t.machine === "director")).toBe(false);
  expect(report.totals.served_in["eu-west"]!).toBeGreaterThan(report.totals.requests / 3);
});
