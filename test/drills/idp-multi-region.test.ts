import { expect } from "vitest";
import { drillSuite } from "./drillSuite";
import { identityTransitions } from "./idpTransitions";

drillSuite("idp-multi-region.yaml", (report) => {
  const cost = report.identity!;
  expect(cost.idp_regions).toEqual(["eu-central", "us-east"]);
  // Gateways nearest to eu-central fetched from it, switched to us-east while it was down, and came back.
  for (const region of ["eu-west", "eu-central"]) {
    const sources = identityTransitions(report, `${region}→idp`);
    expect(sources.map((s) => s.to), region).toEqual(["eu-central", "us-east", "eu-central"]);
    expect(sources[1]!.t).toBeGreaterThan(150);
    expect(sources[1]!.t).toBeLessThanOrEqual(150 + 60 + 3);
    expect(sources[2]!.t).toBeGreaterThanOrEqual(750);
  }
  expect(identityTransitions(report, "us-east→idp").map((s) => s.to)).toEqual(["us-east"]);
  // No cache went stale anywhere: every gateway stayed fresh and refused nothing.
  for (const region of ["eu-west", "eu-central", "us-east"]) {
    expect(identityTransitions(report, region).map((s) => s.to), region).toEqual(["fresh"]);
    expect(cost.per_region[region]!.rejected, region).toEqual({});
  }
  expect(cost.totals.accepted).toBe(report.totals.requests);
  expect(report.questions.detection.faults[0]).toMatchObject({ kind: "idp-outage", detected_by: { machine: "identity", to: "us-east" } });
});
