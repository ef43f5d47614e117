import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("active-passive.yaml", (report) => {
  const director = report.transitions.filter((t) => t.machine === "director").map((t) => `${t.from}→${t.to}`);
  expect(director).toEqual(["primaryActive→standbyPromoted", "standbyPromoted→primaryActive"]);
  // The standby took traffic only while promoted: the primary still carried most of the run.
  expect(report.totals.by_gateway["eu-west"]!).toBeGreaterThan(report.totals.by_gateway["eu-central"]!);
  expect(report.questions.inflight.failovers.find((f) => f.machine === "gateway")?.failed).toBeGreaterThan(0);
});
