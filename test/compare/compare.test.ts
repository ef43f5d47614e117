/**
 * Two designs of the same EU outage on seed 1: "reject" refuses EU requests while their region is down,
 * "cross-border-with-consent" serves the 30 % who consented in the US. Both run 150 virtual s (the outage
 * starts at 90 s) to keep the suite short; the comparison must show the consent design refusing less and
 * serving cross-border, with no residency violation in either.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compareReports, formatComparison, loadScenarioFile, renderComparisonHtml, runDrill, type Comparison, type DrillReport } from "../../engine";

const scenarios = join(import.meta.dirname, "../../scenarios");
const shortRun = async (file: string) => runDrill({ ...loadScenarioFile(join(scenarios, file)), duration_s: 150 }, { seed: 1 });
const labels = { a: "reject", b: "consent" };
const rowOf = (comparison: Comparison, label: string) => comparison.rows.find((row) => row.label === label)!;

describe("compareReports: reject vs consent on seed 1", () => {
  let reject: DrillReport;
  let comparison: Comparison;
  beforeAll(async () => {
    reject = await shortRun("eu-outage-reject.yaml");
    comparison = compareReports(reject, await shortRun("eu-outage-consent.yaml"), labels);
  });

  it("shows consent refusing fewer requests and serving the consented ones cross-border, with no residency violation in either", () => {
    const refusedByPolicy = rowOf(comparison, "refused by residency policy");
    expect(refusedByPolicy.a).toBeGreaterThan(refusedByPolicy.b!);
    expect(refusedByPolicy.better).toBe("b");
    const crossBorder = rowOf(comparison, "served cross-border");
    expect(crossBorder.a).toBe(0);
    expect(crossBorder.b).toBeGreaterThan(0);
    // Serving cross-border is a design choice, not a better figure.
    expect(crossBorder.better).toBeNull();
    // Every consented request is one fewer refusal and one more ok.
    expect(rowOf(comparison, "refused").diff).toBe(-crossBorder.b!);
    expect(rowOf(comparison, "ok").diff).toBe(crossBorder.b);
    expect(rowOf(comparison, "ok").better).toBe("b");
    expect(rowOf(comparison, "residency violations")).toMatchObject({ a: 0, b: 0, diff: 0, differs: false, better: null });
  });

  it("matches the outage by id and compares its own figures", () => {
    // The heal at 270 s falls after the shortened run's end, so the outage lasts to the end.
    expect(comparison.faults).toEqual({ matched: ["f1"], onlyA: [], onlyB: [], windows: [{ id: "f1", at_s: 90, heal_s: null }] });
    const refused = rowOf(comparison, "f1 touching requests refused");
    expect(refused.b).toBeLessThan(refused.a!);
    expect(refused.better).toBe("b");
    expect(rowOf(comparison, "requests")).toMatchObject({ differs: false, diff: 0 });
  });

  it("gives zero differences everywhere for a report compared with itself", () => {
    const same = compareReports(reject, reject, { a: "one", b: "two" });
    expect(same.differences).toBe(0);
    for (const row of same.rows) {
      expect(row.differs).toBe(false);
      expect(row.better).toBeNull();
      if (row.a !== null) expect(row.diff).toBe(0);
    }
    expect(formatComparison(same)).toContain("No differences.");
  });

  it("prints one table with each section and the better side named", () => {
    const text = formatComparison(comparison);
    for (const heading of ["Requests", "1. Detection and reroute", "2. Policy and residency", "3. Requests in flight", "4. Audit log"]) expect(text).toContain(`\n${heading}\n`);
    expect(text).toMatch(/refused by residency policy +[\d,]+ +[\d,]+ +−[\d,]+ +consent\n/);
    expect(text).toContain(`${comparison.differences} figures differ.`);
  });

  it("writes a self-contained page with both labels, the table with differences highlighted, and both runs' series overlaid", () => {
    const page = renderComparisonHtml(comparison, "test");
    expect(page).toContain("A: reject");
    expect(page).toContain("B: consent");
    expect(page.match(/<table>/g)).toHaveLength(1);
    expect(page.match(/<tr class="differs">/g)).toHaveLength(comparison.differences);
    // Two charts, a polyline per run in each.
    expect(page.match(/<polyline /g)).toHaveLength(4);
    expect(page.match(/<rect [^>]*><title>f1<\/title>/g)).toHaveLength(2);
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\//);
  });
});
