/**
 * The HTML report of a real short drill: it fetches nothing, escapes what the scenario and the run wrote,
 * and carries every number the charts plot and every expectation, fault and the audit head.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile, renderHtmlReport, runDrill, type DrillReport } from "../../engine";
import { formatDuration, formatSummary } from "../../engine/report/summary";

const SCENARIO = join(import.meta.dirname, "..", "fixtures", "short-drill.yaml");
const ATTACK = "</script><img src=x onerror=alert(1)>";

const render = (report: DrillReport) => renderHtmlReport(report, { scenarioFile: readFileSync(SCENARIO, "utf8"), generatedBy: "html.test" });
const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const dataBlock = (page: string) => JSON.parse(/<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(page)![1]!);

describe("renderHtmlReport", () => {
  let report: DrillReport;
  let page: string;

  beforeAll(async () => {
    report = await runDrill(loadScenarioFile(SCENARIO), {});
    page = render(report);
  });

  it("has a drill worth rendering: traffic, a fault, failovers, transitions and expectations", () => {
    expect(report.series.length).toBeGreaterThan(50);
    expect(report.questions.detection.faults.length).toBeGreaterThan(0);
    expect(report.questions.inflight.failovers.length).toBeGreaterThan(0);
    expect(report.transitions.length).toBeGreaterThan(0);
    expect(report.expectations.length).toBeGreaterThan(0);
  });

  it("references nothing outside the page: no URL in src, href or url(), no linked script or stylesheet", () => {
    expect(page).not.toMatch(/\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:[a-z]+:)?\/\//i);
    expect(page).not.toMatch(/url\(\s*["']?\s*(?:[a-z]+:)?\/\//i);
    expect(page).not.toMatch(/@import/i);
    expect(page).not.toMatch(/<script[^>]*\ssrc\s*=/i);
    expect(page).not.toMatch(/<link\b/i);
    // uPlot and its stylesheet are inlined instead.
    expect(page).toContain("leeoniya/uPlot (v1.6.32)");
    expect(page).toContain(".uplot");
  });

  it("escapes a scenario name, a fault id and a cause that try to close the script element", () => {
    const [fault] = report.questions.detection.faults;
    const hostile: DrillReport = {
      ...report,
      scenario: { ...report.scenario, name: ATTACK },
      questions: { ...report.questions, detection: { faults: [{ ...fault!, id: ATTACK }] } },
      transitions: report.transitions.map((t) => ({ ...t, cause: ATTACK })),
    };
    const hostilePage = render(hostile);
    expect(hostilePage).not.toContain("<img");
    expect(hostilePage).toContain(`<title>Drill report: ${escaped(ATTACK)}</title>`);
    expect(hostilePage.match(/<\/script>/g)).toHaveLength(page.match(/<\/script>/g)!.length);
    expect(dataBlock(hostilePage).faults[0].id).toBe(ATTACK);
  });

  it("holds the series in a JSON block that parses back to the report's series, with the fault times", () => {
    const data = dataBlock(page);
    expect(data.series).toEqual(report.series);
    expect(data.faults).toEqual(report.questions.detection.faults.map((f) => ({ id: f.id, at_s: f.at_s, heal_s: f.heal_s })));
    expect(data.end_s).toBeGreaterThanOrEqual(report.scenario.duration_s);
  });

  it("answers the four questions, then shows the charts, the state timeline and the expectations, in that order", () => {
    const order = [
      "Drill passed",
      "How fast was each failure detected",
      "Was policy, residency included, enforced",
      "What happened to requests in flight",
      "Does the audit log show one coherent timeline",
      'id="chart-traffic"',
      'id="chart-errors"',
      'id="chart-latency"',
      "Failover state timeline",
      "<h2>Expectations</h2>",
      "Scenario file as run",
    ].map((text) => page.indexOf(text));
    expect(order).not.toContain(-1);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(page).toContain("<noscript>");
  });

  it("shows every expectation, every fault id, every failover, the chain head and the scenario text", () => {
    for (const e of report.expectations) expect(page).toContain(`<code>${escaped(e.expectation)}</code>`);
    for (const f of report.questions.detection.faults) expect(page).toContain(`<span class="fault-id">${f.id}</span>`);
    for (const f of report.questions.inflight.failovers) expect(page).toContain(escaped(f.cause));
    expect(page).toContain(report.questions.audit.chain.head);
    expect(report.questions.audit.chain.head).toMatch(/^[0-9a-f]{64}$/);
    expect(page).toContain(escaped(readFileSync(SCENARIO, "utf8")));
  });

  it("says when each healed fault's component served again, as the text summary does", () => {
    const healed = report.questions.detection.faults.filter((f) => f.heal_s !== null);
    expect(healed.length).toBeGreaterThan(0);
    for (const f of healed) {
      expect(f.return_s).not.toBeNull();
      expect(page).toContain(`served again ${formatDuration(f.return_s)} after the heal`);
      expect(formatSummary(report)).toContain(`served again ${formatDuration(f.return_s)} after the heal`);
    }
  });

  it("prints the traffic per phase, so the numbers stand without the charts", () => {
    const phases = /<caption>Traffic by phase[\s\S]*?<\/table>/.exec(page)![0];
    const requests = [...phases.matchAll(/<tr><td>[^<]*<\/td><td>[^<]*<\/td><td class="num">([\d,]+)<\/td>/g)].map((m) => Number(m[1]!.replace(/,/g, "")));
    expect(requests.reduce((a, b) => a + b, 0)).toBe(report.totals.requests);
  });

  it("calls refusals 'refused', with what refused them, and counts a fault's refusals beside its errors", () => {
    const n = report.totals.rejected.toLocaleString("en-US");
    expect(page).toContain(`<dt>Refused</dt><dd>${n} (residency ${n})</dd>`);
    expect(page).toContain("<dt>Refused by residency policy</dt>");
    const [outage] = report.questions.detection.faults;
    expect(page).toContain(`<td class="num">${outage!.requests_failed} / ${outage!.requests_refused} / ${outage!.requests_touched}</td>`);
    // Only the expectations quote metric names (`rejected_by_policy`); no text a reader sees says "rejected".
    const markup = page.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, "").replace(/rejected_by_policy/g, "");
    expect(markup).not.toMatch(/>[^<]*\brejected\b[^<]*</i);
  });

  it("renders the same report to the same bytes", () => {
    expect(render(report)).toBe(page);
  });
});
