/**
 * Three small uPlot charts over virtual time — traffic share per gateway, error rate, latency p95 — with
 * the faults drawn as vertical markers. Each chart is created once and fed with `setData`, since the
 * snapshot brings new metrics several times a second.
 */
import { useEffect, useId, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { FaultView, MetricsPoint } from "../../engine/lab/contract";
import { FAULT_LABELS_HEIGHT, faultMarkerPlugin, type FaultMarker, type FaultMarkerLook } from "../charts/faultMarkers";
import { formatClock, formatLatency, formatPercent, orDash } from "../charts/format";
import { faultMarkers, metricsSeries, smoothingWindowS, type AlignedColumns } from "./series";

/** The plot and, above it, the fault labels' lanes. */
const CHART_HEIGHT = 150 + FAULT_LABELS_HEIGHT;
/** Distinguishable on a dark background; a region keeps its colour as long as the region list is the same. */
const REGION_COLORS = ["#4ea1ff", "#f5a524", "#b48cff", "#2dd4bf", "#f472b6", "#a3e635", "#fb7185", "#facc15"];
const ERROR_COLOR = "#f87171";
const LATENCY_COLOR = "#60a5fa";
const FAULT_MARKER_LOOK: FaultMarkerLook = { injected: "#f87171", healed: "#4ade80", lineWidth: 1, dash: [4, 3], labelWeight: "normal" };
const AXIS_COLOR = "#8b94a3";
const GRID_COLOR = "rgba(255, 255, 255, 0.07)";
const AXIS_FONT = "11px system-ui, sans-serif";
/** Steps of the time axis, in seconds: whole seconds and minutes rather than uPlot's decimal steps. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

export function MetricsCharts(props: { metrics: readonly MetricsPoint[]; faults: readonly FaultView[]; regions: readonly string[] }) {
  const { metrics, faults, regions } = props;
  // Smoothed over a window chosen from the rate, so a few requests a second draw a line rather than a wall of spikes.
  const windowS = smoothingWindowS(metrics);
  const series = useMemo(() => metricsSeries(metrics, regions, windowS), [metrics, regions, windowS]);
  const over = windowS === 1 ? "per second" : `rolling ${windowS} s`;
  const markers = useMemo(() => faultMarkers(faults), [faults]);
  const syncKey = useId();

  if (metrics.length === 0)
    return (
      <section data-testid="metrics-charts" className="metrics-charts metrics-charts--empty" aria-label="Metrics">
        <p className="metrics-empty">No traffic yet — the charts fill in once the run plays.</p>
      </section>
    );

  return (
    <section data-testid="metrics-charts" className="metrics-charts" aria-label="Metrics">
      <Chart
        // A chart's series are fixed when it is created: a different set of gateways makes a new chart.
        key={series.regions.join("\n")}
        title={`Traffic share by gateway · ${over}`}
        data={series.share}
        series={series.regions.map((region, i) => lineSeries(region, REGION_COLORS[i % REGION_COLORS.length]!, formatPercent))}
        yRange={[0, 1]}
        formatY={formatPercent}
        markers={markers}
        syncKey={syncKey}
      />
      <Chart
        title={`Error rate · ${over}`}
        data={series.errorRate}
        series={[lineSeries("errors / requests", ERROR_COLOR, formatPercent), lineSeries("refused / requests", "#f59f00", formatPercent)]}
        yRange={(_u, _min, max) => [0, Math.max(finiteOr(max, 0), 0.05)]}
        formatY={formatPercent}
        markers={markers}
        syncKey={syncKey}
      />
      <Chart
        title={windowS === 1 ? "Latency p95 · per second" : `Latency p95 · per-second p95, mean over ${windowS} s`}
        data={series.p95}
        series={[lineSeries("p95", LATENCY_COLOR, formatLatency)]}
        yRange={(_u, _min, max) => [0, Math.max(finiteOr(max, 0) * 1.1, 100)]}
        formatY={formatLatency}
        markers={markers}
        syncKey={syncKey}
      />
    </section>
  );
}

interface ChartProps {
  readonly title: string;
  readonly data: AlignedColumns;
  readonly series: uPlot.Series[];
  readonly yRange: uPlot.Scale.Range;
  readonly formatY: (value: number) => string;
  readonly markers: readonly FaultMarker[];
  readonly syncKey: string;
}

export function Chart({ title, data, series, yRange, formatY, markers, syncKey }: ChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const markersRef = useRef(markers);
  // Created once per mount: options and the first data are the props at that moment (a change of series
  // remounts the chart through its key); later data and markers arrive through the effects below.
  const atMount = useRef({ data, series, yRange, formatY, syncKey });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const { data, series, yRange, formatY, syncKey } = atMount.current;
    const plot = new uPlot(
      {
        width: Math.max(Math.floor(host.clientWidth), 1),
        height: CHART_HEIGHT,
        series: [{ label: "time", value: orDash(formatClock) }, ...series],
        scales: { x: { time: false }, y: { range: yRange } },
        // The fault labels' lanes, above the plot: clear of the lines and the series.
        padding: [FAULT_LABELS_HEIGHT, null, null, null],
        axes: [
          { ...axisStyle(), size: 30, incrs: TIME_STEPS, values: (_u, splits) => splits.map(formatClock) },
          { ...axisStyle(), size: 52, space: 24, values: (_u, splits) => splits.map(formatY) },
        ],
        // Zooming would be undone by the next snapshot's setData, so dragging selects nothing.
        cursor: { drag: { x: false, y: false, setScale: false }, sync: { key: syncKey } },
        plugins: [faultMarkerPlugin(() => ({ markers: markersRef.current, spans: [] }), FAULT_MARKER_LOOK)],
      },
      data,
      host,
    );
    plotRef.current = plot;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) plot.setSize({ width: Math.max(Math.floor(entry.contentRect.width), 1), height: CHART_HEIGHT });
    });
    observer.observe(host);
    return () => {
      observer.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, []);

  useEffect(() => {
    plotRef.current?.setData(data);
  }, [data]);

  useEffect(() => {
    markersRef.current = markers;
    plotRef.current?.redraw(false, false);
  }, [markers]);

  return (
    <figure className="metrics-chart">
      <figcaption className="metrics-chart-title">{title}</figcaption>
      <div ref={hostRef} className="metrics-chart-plot" />
    </figure>
  );
}

export function lineSeries(label: string, stroke: string, format: (value: number) => string): uPlot.Series {
  return { label, stroke, width: 1.5, points: { show: false }, value: orDash(format) };
}

function axisStyle(): uPlot.Axis {
  return { stroke: AXIS_COLOR, font: AXIS_FONT, grid: { stroke: GRID_COLOR, width: 1 }, ticks: { stroke: GRID_COLOR, width: 1, size: 4 } };
}

const finiteOr = (value: number, fallback: number) => (Number.isFinite(value) ? value : fallback);
