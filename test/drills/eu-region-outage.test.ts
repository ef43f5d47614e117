import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("eu-region-outage.yaml", (report) => {
  // eu-central takes the EU load during the outage; the director withdraws eu-west once its gateway fails.
  expect(report.totals.served_in["eu-central"]!).toBeGreaterThan(report.totals.served_in["eu-west"]!);
  const director = report.transitions.filter((t) => t.machine === "director").map((t) => `${t.subject}:${t.to}`);
  expect(director[0]).toBe("eu-west:regionsWithdrawn");
  expect(report.metrics.cross_border_served).toBe(0);
});
