import { expect } from "vitest";
import { formatSummary, renderHtmlReport } from "../../engine";
import { drillSuite } from "./drillSuite";
import { identityTransitions } from "./idpTransitions";

drillSuite("idp-partition-cached.yaml", (report) => {
  const cost = report.identity!;
  expect(cost).toMatchObject({ on_unreachable: "cached", max_staleness_s: 300, idp_regions: ["eu-central"] });
  const euWest = cost.per_region["eu-west"]!;
  // Cut off from 150 s, eu-west validated with keys up to just under five minutes old, then failed closed.
  const [stale, closed, healed] = identityTransitions(report, "eu-west").slice(1);
  expect(stale!.to).toBe("stale");
  expect(stale!.t).toBeGreaterThan(150);
  expect(stale!.t).toBeLessThanOrEqual(150 + 60 + 2);
  expect(closed!.to).toBe("fail-closed");
  expect(healed).toMatchObject({ from: "fail-closed", to: "fresh" });
  expect(healed!.t).toBeGreaterThanOrEqual(750);
  expect(healed!.t).toBeLessThanOrEqual(750 + 10 + 1);
  expect(euWest.staleness_max_s).toBeGreaterThan(closed!.t - stale!.t);
  expect(euWest.staleness_max_s).toBeLessThan(300);
  // The eu-web token revoked at 240 s was accepted by eu-west alone, inside the staleness window.
  expect(euWest.accepted_revoked).toBe(cost.totals.accepted_revoked);
  expect(euWest.accepted_revoked).toBeGreaterThan(100);
  expect(report.metrics.accepted_revoked).toBe(euWest.accepted_revoked);
  // Fail-closed from the bound to the heal: every eu-west request of that stretch refused, valid token or not.
  expect(euWest.rejected["idp-unreachable"]).toBeGreaterThan((750 - closed!.t) * 1.5 * 0.8);
  // After the heal eu-west learns of the revocation, refuses the token once, and eu-web gets a new one.
  expect(euWest.rejected.revoked).toBe(1);
  // Forged, expired and wrong-audience tokens are refused, each for its own reason, with real signatures checked.
  for (const kind of ["signature", "expired", "audience"] as const) expect(euWest.rejected[kind], kind).toBeGreaterThan(0);
  for (const region of ["eu-central", "us-east"]) {
    const other = cost.per_region[region]!;
    expect(other.rejected, region).toEqual({});
    expect(other.staleness_max_s!, region).toBeLessThanOrEqual(61);
  }
  // Identity rejections are not residency rejections.
  expect(report.metrics.rejected_by_policy).toBe(0);
  expect(report.questions.detection.faults[0]).toMatchObject({ kind: "idp-partition", detected_by: { machine: "identity", subject: "eu-west", to: "stale" } });
  // The summary and the HTML report answer "what did caching cost" with these numbers.
  const summary = formatSummary(report);
  expect(summary).toContain("What did caching identity cost? (identity provider in eu-central; cached keys trusted for at most 300 s)");
  expect(summary).toContain(`accepted on keys up to ${euWest.staleness_max_s!.toFixed(1)} s old · 0 signed by a rotated-out key · ${euWest.accepted_revoked} revoked`);
  const page = renderHtmlReport(report, { scenarioFile: "", generatedBy: "test" });
  expect(page).toContain("<h2>What did caching identity cost?</h2>");
  expect(page).toContain(`<td class="num bad">${euWest.accepted_revoked}</td>`);
});
