/**
 * One metric's ECDF over a sweep's runs: the fraction of runs at or below each value, drawn from the quantiles
 * the engine computed (the same curve the command line's HTML sweep report draws), with p50 and p95 marked so
 * a tail reads at a glance.
 */
import type { SweepMetricView } from "../../engine/lab/contract";
import { formatFigure as figure } from "../format";

const WIDTH = 260;
const HEIGHT = 118;
const PAD = { left: 30, right: 10, top: 8, bottom: 22 };

export function EcdfChart({ metric }: { metric: SweepMetricView }) {
  const quantiles = metric.ecdf;
  const lo = metric.min;
  const span = metric.max - lo || 1;
  const x = (v: number) => PAD.left + ((v - lo) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (p: number) => HEIGHT - PAD.bottom - p * (HEIGHT - PAD.top - PAD.bottom);
  const points = quantiles.map((v, i) => `${x(v).toFixed(1)},${y(i / (quantiles.length - 1)).toFixed(1)}`).join(" ");
  return (
    <figure className="ecdf" data-testid={`ecdf-${metric.metric}`}>
      <figcaption>{metric.metric}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`ECDF of ${metric.metric}: p50 ${figure(metric.p50)}, p95 ${figure(metric.p95)}, max ${figure(metric.max)}`}>
        <line className="ecdf-axis" x1={PAD.left} y1={y(0)} x2={WIDTH - PAD.right} y2={y(0)} />
        <line className="ecdf-axis" x1={PAD.left} y1={y(0)} x2={PAD.left} y2={y(1)} />
        {[0.5, 0.95].map((p) => (
          <line key={p} className="ecdf-grid" x1={PAD.left} y1={y(p)} x2={WIDTH - PAD.right} y2={y(p)} />
        ))}
        <text x={PAD.left - 4} y={y(1) + 4} textAnchor="end">
          1
        </text>
        <text x={PAD.left - 4} y={y(0.5) + 4} textAnchor="end">
          .5
        </text>
        <text x={PAD.left - 4} y={y(0) + 4} textAnchor="end">
          0
        </text>
        <text x={PAD.left} y={HEIGHT - 6}>
          {figure(metric.min)}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end">
          {figure(metric.max)}
        </text>
        {quantiles.length > 1 && <polyline className="ecdf-line" points={points} />}
        {quantiles.length === 1 && <circle className="ecdf-dot" cx={x(quantiles[0]!)} cy={y(1)} r={3} />}
      </svg>
    </figure>
  );
}
