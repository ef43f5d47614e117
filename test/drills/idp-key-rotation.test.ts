import { expect } from "vitest";
import { drillSuite } from "./drillSuite";
import { identityTransitions } from "./idpTransitions";

drillSuite("idp-key-rotation.yaml", (report) => {
  const cost = report.identity!;
  const rotation = report.transitions.find((e) => e.machine === "identity-provider" && e.subject === "signing key");
  expect(rotation).toMatchObject({ t: 270_000, from: "k1", to: "k2" });
  // Reachable regions pick up k2 at their next refresh, within a minute; eu-west only after the heal.
  for (const region of ["eu-central", "us-east"]) {
    const [, rotated] = identityTransitions(report, `${region} jwks`);
    expect(rotated, region).toMatchObject({ from: "k1", to: "k2" });
    expect(rotated!.t).toBeLessThanOrEqual(270 + 61);
  }
  const [, euWestRotated] = identityTransitions(report, "eu-west jwks");
  expect(euWestRotated!.t).toBeGreaterThanOrEqual(750);
  // eu-west accepted k1 tokens from its stale cache until the bound; the others only until their next refresh.
  const euWest = cost.per_region["eu-west"]!;
  expect(euWest.accepted_rotated_key).toBeGreaterThan(150);
  for (const region of ["eu-central", "us-east"]) {
    const other = cost.per_region[region]!;
    expect(other.accepted_rotated_key, region).toBeLessThanOrEqual(61 * 1.5);
    expect(other.accepted_rotated_key, region).toBeLessThan(euWest.accepted_rotated_key / 2);
    // Each refused its callers' k1 token once; the callers re-authenticated and got k2 tokens.
    expect(other.rejected, region).toEqual({ "unknown-key": 1 });
  }
  expect(report.metrics.accepted_rotated_key).toBe(cost.totals.accepted_rotated_key);
  expect(euWest.rejected["unknown-key"]).toBe(1);
  expect(report.questions.detection.faults.find((f) => f.kind === "key-rotation")).toMatchObject({ detected_by: { machine: "identity", to: "k2" } });
});
