import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("active-active.yaml", (report) => {
  // Weighted 50/50: both gateways carry a large share of all traffic, not only their neighbours'.
  const { by_gateway } = report.totals;
  expect(by_gateway["eu-west"]! / report.totals.requests).toBeGreaterThan(0.25);
  expect(by_gateway["eu-central"]! / report.totals.requests).toBeGreaterThan(0.5);
  const director = report.transitions.filter((t) => t.machine === "director").map((t) => `${t.subject}:${t.to}`);
  expect(director).toEqual(["eu-west:regionsWithdrawn", "eu-west:allServing"]);
});
