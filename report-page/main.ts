/**
 * The report page's script, bundled with uPlot and the stylesheets below by `host/build.ts` and inlined by
 * `renderHtmlReport`: draws the three charts from `#report-data`, fault markers included, then sets
 * `data-ready` on the body so a printer knows the canvases are final.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./report.css";
import type { ReportPageData } from "../engine/report/pageData";
import { FAULT_LABELS_HEIGHT, faultMarkerPlugin, type FaultMarkerLook } from "../renderer/charts/faultMarkers";
import { formatAmount, formatLatency, formatLatencyTicks, formatSeconds, orDash } from "../renderer/charts/format";
import { reportColumns, reportFaultMarks } from "./columns";

const FAULT_MARKER_LOOK: FaultMarkerLook = { injected: "#b42318", healed: "#1e7a3c", spanFill: "rgba(180, 35, 24, 0.07)", lineWidth: 1.5, dash: [5, 3], labelWeight: "600" };
const AXIS: uPlot.Axis = { stroke: "#5d6678", font: "11px system-ui, sans-serif", grid: { stroke: "#e6e8ee", width: 1 }, ticks: { stroke: "#d8dce4", width: 1, size: 3 } };

interface ChartSpec {
  /** Id of the element the chart goes in; its width, and its CSS property `--chart-height`, size the chart. */
  readonly id: string;
  readonly series: uPlot.Series[];
  readonly columns: (number | null)[][];
  readonly yTicks: (splits: number[]) => string[];
  /** The y axis reaches at least this far, so a quiet chart does not magnify noise. */
  readonly yAtLeast: number;
}

const markReady = () => {
  document.body.dataset.ready = "1";
};

const line = (label: string, stroke: string, value: (plot: uPlot, value: number | null) => string, extra: uPlot.Series = {}): uPlot.Series => ({
  label,
  stroke,
  width: 1.5,
  points: { show: false },
  value,
  ...extra,
});

function drawCharts(data: ReportPageData): void {
  const columns = reportColumns(data);
  const marks = reportFaultMarks(data);
  const amount = orDash(formatAmount);
  const amountTicks = (splits: number[]) => splits.map(formatAmount);
  const specs: ChartSpec[] = [
    {
      id: "chart-traffic",
      series: [
        line("all", "#8a93a6", amount, { width: 1, dash: [4, 3] }),
        line("ok", "#2f7d4f", amount, { fill: "rgba(47, 125, 79, 0.10)" }),
        line("failed", "#c0392b", amount),
        line("refused", "#d08a1c", amount),
      ],
      columns: [columns.requests, columns.ok, columns.errors, columns.rejected],
      yTicks: amountTicks,
      yAtLeast: 1,
    },
    // A second without failures draws no bar, rather than a sliver on the axis.
    {
      id: "chart-errors",
      series: [line("failed", "#c0392b", (_plot, v) => formatAmount(v ?? 0), { fill: "rgba(192, 57, 43, 0.55)", paths: uPlot.paths.bars?.({ size: [0.9, 8] }) })],
      columns: [columns.errors.map((n) => n || null)],
      yTicks: amountTicks,
      yAtLeast: 1,
    },
    { id: "chart-latency", series: [line("p95", "#2353b8", orDash(formatLatency))], columns: [columns.p95], yTicks: formatLatencyTicks, yAtLeast: 100 },
  ];

  const drawn = new Set<uPlot>();
  const readiness: uPlot.Plugin = {
    hooks: {
      draw: (plot) => {
        drawn.add(plot);
        if (drawn.size === specs.length) markReady();
      },
    },
  };
  for (const spec of specs) {
    const host = document.getElementById(spec.id)!;
    new uPlot(
      {
        width: host.clientWidth,
        height: parseFloat(getComputedStyle(host).getPropertyValue("--chart-height")),
        series: [{ label: "time", value: orDash(formatSeconds) }, ...spec.series],
        legend: { show: spec.series.length > 1 },
        // The fault labels' lanes, above the plot (its height includes them).
        padding: [FAULT_LABELS_HEIGHT, null, null, null],
        scales: { x: { time: false, range: [0, data.end_s] }, y: { range: (_plot, _min, max) => [0, Math.max(Number.isFinite(max) ? max * 1.1 : 0, spec.yAtLeast)] } },
        axes: [
          { ...AXIS, size: 24, values: (_plot, splits) => splits.map(formatSeconds) },
          { ...AXIS, size: 44, values: (_plot, splits) => spec.yTicks(splits) },
        ],
        cursor: { drag: { x: false, y: false, setScale: false }, sync: { key: "report" } },
        plugins: [faultMarkerPlugin(() => marks, FAULT_MARKER_LOOK), readiness],
      },
      [columns.x, ...spec.columns],
      host,
    );
  }
}

const data: ReportPageData = JSON.parse(document.getElementById("report-data")!.textContent!);
if (data.series.length === 0) markReady();
else drawCharts(data);
