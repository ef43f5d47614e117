import { expect } from "vitest";
import { drillSuite } from "./drillSuite";
import { identityTransitions } from "./idpTransitions";

drillSuite("idp-partition-fail-closed.yaml", (report) => {
  const cost = report.identity!;
  expect(cost).toMatchObject({ on_unreachable: "fail-closed", max_staleness_s: null });
  const euWest = cost.per_region["eu-west"]!;
  // No stale-serving state: the first failed refresh closes the gate, and the heal opens it.
  const states = identityTransitions(report, "eu-west").map((e) => e.to);
  expect(states).toEqual(["fresh", "fail-closed", "fresh"]);
  const [, closed, healed] = identityTransitions(report, "eu-west");
  expect(closed!.t).toBeGreaterThan(150);
  expect(closed!.t).toBeLessThanOrEqual(150 + 60 + 2);
  expect(healed!.t).toBeLessThanOrEqual(750 + 10 + 1);
  // Nothing revoked got through, and no cache was trusted past a minute: the cost is all on availability.
  expect(cost.totals.accepted_revoked).toBe(0);
  expect(cost.totals.staleness_max_s!).toBeLessThanOrEqual(61);
  expect(euWest.rejected["idp-unreachable"]).toBeGreaterThan((healed!.t - closed!.t) * 1.5 * 0.8);
  expect(report.metrics.rejected_idp_unreachable).toBe(euWest.rejected["idp-unreachable"]);
  expect(cost.per_region["eu-central"]!.rejected).toEqual({});
  expect(cost.per_region["us-east"]!.rejected).toEqual({});
});
