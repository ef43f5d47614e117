/**
 * A sweep's aggregate as one self-contained HTML page: the tables of the text summary, an ECDF per metric
 * (inline SVG, one line per combination of varied values) and the failing runs with their reproduction
 * commands. No script and nothing to fetch; every text from the scenario or the command line goes through
 * `html`, which escapes it.
 */
import { html, standalonePage, type Html } from "../report/html";
import { formatOverride } from "../scenario/override";
import type { GroupAggregate, SweepAggregate } from "./aggregate";
import { formatFigure } from "./format";
import { SKETCH_ACCURACY } from "./sketch";

const COLOURS = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#b45309", "#0e7490", "#be123c", "#4d7c0f"];
const WIDTH = 560;
const HEIGHT = 220;
const PAD = { left: 48, right: 12, top: 10, bottom: 28 };

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #1c1c1c; margin: 2rem auto; max-width: 62rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.fail { color: #b91c1c; font-weight: 600; }
code { font-size: .85rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 1rem; }
figure { margin: 0; } figcaption { font-weight: 600; }
svg { width: 100%; height: auto; background: #fafafa; border: 1px solid #ddd; }
.legend span { margin-right: 1rem; }
`;

/** `curves[g][metric]`: the group's quantiles from 0 to 1, as `SweepAggregator.curves` gives them. */
export function renderSweepHtml(aggregate: SweepAggregate, curves: readonly Readonly<Record<string, readonly number[]>>[], generatedBy: string): string {
  const title = `Sweep: ${aggregate.scenario}`;
  const labels = aggregate.groups.map(groupLabel);
  const metrics = [...new Set(aggregate.groups.flatMap((g) => Object.keys(g.metrics)))];
  const body = html`<h1>${title}</h1>
<p>${aggregate.runs} runs, seeds ${aggregate.seeds.min}..${aggregate.seeds.max}, ${aggregate.groups.length} combination(s); quantiles within ${SKETCH_ACCURACY * 100} %. ${generatedBy}.</p>
${aggregate.groups.map((group, g) => groupSection(group, labels[g]!))}
<h2>Distributions</h2>
<p class="legend">${labels.map((label, g) => html`<span style="color:${COLOURS[g % COLOURS.length]!}">■ ${label}</span>`)}</p>
<div class="charts">
${metrics.map((metric) => ecdf(metric, curves.map((c) => c[metric])))}
</div>`;
  return standalonePage({ title, style: STYLE, generatedBy, body });
}

function groupLabel(group: GroupAggregate): string {
  return group.vary.length === 0 ? "all runs" : group.vary.map(formatOverride).join(" ");
}

function groupSection(group: GroupAggregate, label: string): Html {
  return html`<h2>${label} (${group.runs} runs)</h2>
<table>
<tr><th>metric</th><th>count</th><th>min</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>no value</th></tr>
${Object.entries(group.metrics).map(
  ([name, d]) =>
    html`<tr><td>${name}</td><td>${d.count}</td><td>${formatFigure(d.min)}</td><td>${formatFigure(d.p50)}</td><td>${formatFigure(d.p95)}</td><td>${formatFigure(d.p99)}</td><td>${formatFigure(d.max)}</td><td>${d.missing}</td></tr>`,
)}
</table>
${group.without_values.length > 0 ? html`<p>No value in any run: ${group.without_values.join(", ")}</p>` : ""}
<p>Residency violations, summed over every run: <strong>${group.residency_violations_total}</strong></p>
<table>
<tr><th>expectation</th><th>passed</th><th>pass rate</th><th>failed on (reproduce with)</th></tr>
${group.expectations.map(
  (e) =>
    html`<tr><td>${e.expectation}</td><td>${e.passed}/${e.runs}</td><td class="${e.passed < e.runs ? "fail" : ""}">${formatFigure(Math.round(e.pass_rate * 1000) / 10)} %</td><td>${e.failed.map(
      (f) => html`<div>seed ${f.seed}: <code>${f.command}</code></div>`,
    )}${e.failed_unlisted > 0 ? html`<div>and ${e.failed_unlisted} more</div>` : ""}</td></tr>`,
)}
</table>`;
}

/** The metric's ECDF: fraction of runs at or below each value, one step line per combination. */
function ecdf(metric: string, quantiles: readonly (readonly number[] | undefined)[]): Html {
  const known = quantiles.filter((q): q is readonly number[] => q !== undefined);
  const lo = Math.min(...known.map((q) => q[0]!));
  const hi = Math.max(...known.map((q) => q[q.length - 1]!));
  const span = hi - lo || 1;
  const x = (v: number) => PAD.left + ((v - lo) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (p: number) => HEIGHT - PAD.bottom - p * (HEIGHT - PAD.top - PAD.bottom);
  const lines = quantiles.map((q, g) => {
    if (!q) return "";
    const points = q.map((v, i) => `${x(v).toFixed(1)},${y(i / (q.length - 1)).toFixed(1)}`).join(" ");
    return html`<polyline fill="none" stroke="${COLOURS[g % COLOURS.length]!}" stroke-width="1.5" points="${points}"/>`;
  });
  return html`<figure><figcaption>${metric}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="ECDF of ${metric}">
<line x1="${PAD.left}" y1="${y(0)}" x2="${WIDTH - PAD.right}" y2="${y(0)}" stroke="#999"/>
<line x1="${PAD.left}" y1="${y(0)}" x2="${PAD.left}" y2="${y(1)}" stroke="#999"/>
<text x="${PAD.left - 4}" y="${y(1) + 4}" text-anchor="end" font-size="11">1</text>
<text x="${PAD.left - 4}" y="${y(0) + 4}" text-anchor="end" font-size="11">0</text>
<text x="${PAD.left}" y="${HEIGHT - 8}" font-size="11">${formatFigure(lo)}</text>
<text x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end" font-size="11">${formatFigure(hi)}</text>
${lines}
</svg></figure>`;
}
