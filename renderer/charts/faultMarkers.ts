/**
 * Faults on a uPlot chart over virtual time: a dashed vertical line where each was injected or healed, with
 * its label, and optionally the span it was active shaded under the series. One plugin for the app's metrics
 * charts and the report page; each gives it its own look.
 */
import uPlot from "uplot";

/** A vertical line on the charts: where a fault was injected or healed. */
export interface FaultMarker {
  /** Virtual seconds. */
  readonly x: number;
  readonly edge: "injected" | "healed";
  readonly label: string;
  /** Printed instead of `label` where that does not fit. */
  readonly shortLabel?: string;
}

/** Virtual seconds during which a fault was active. */
export interface FaultSpan {
  readonly from: number;
  readonly to: number;
}

export interface FaultMarks {
  readonly markers: readonly FaultMarker[];
  readonly spans: readonly FaultSpan[];
}

/** Colours are CSS colours; sizes CSS px, scaled by the device's pixel ratio when drawn. */
export interface FaultMarkerLook {
  readonly injected: string;
  readonly healed: string;
  readonly lineWidth: number;
  /** Dash and gap of the line. */
  readonly dash: readonly [number, number];
  /** CSS font weight of the labels, which are 10 px system-ui. */
  readonly labelWeight: "normal" | "600";
  /** Fill of the spans; without one, spans are not drawn. */
  readonly spanFill?: string;
}

/** Labels stack in this many rows below the top of the plot before one is left out. */
const LABEL_ROWS = 3;
const ROW_HEIGHT = 12;
const LABEL_OFFSET = 3;
const LABEL_GAP = 4;

/** Where one label is printed: its text, left edge in canvas px, and row from the top. */
export interface PlacedLabel {
  readonly text: string;
  readonly left: number;
  readonly row: number;
}

/**
 * Places labels left to right (`at` ascending, canvas px): each takes the first row where it clears the
 * labels before it, falling back to its shorter text, and is left out when neither fits. A label that would
 * run past `right` is pulled back inside. `px` is the device pixel ratio.
 */
export function placeLabels(lines: readonly { at: number; labels: readonly string[] }[], measure: (text: string) => number, right: number, px: number): (PlacedLabel | null)[] {
  const rowEnds = Array.from({ length: LABEL_ROWS }, () => Number.NEGATIVE_INFINITY);
  return lines.map(({ at, labels }) => {
    for (const text of labels) {
      const width = measure(text);
      const left = Math.min(at + LABEL_OFFSET * px, right - width);
      const row = rowEnds.findIndex((end) => left >= end + LABEL_GAP * px);
      if (row === -1) continue;
      rowEnds[row] = left + width;
      return { text, left, row };
    }
    return null;
  });
}

/** The plugin; `current` is read at every draw, so new marks show on the next redraw. */
export function faultMarkerPlugin(current: () => FaultMarks, look: FaultMarkerLook): uPlot.Plugin {
  const drawSpans = (u: uPlot) => {
    const { spanFill } = look;
    if (spanFill === undefined) return;
    const { ctx, bbox } = u;
    ctx.save();
    ctx.fillStyle = spanFill;
    for (const span of current().spans) {
      const from = u.valToPos(span.from, "x", true);
      ctx.fillRect(from, bbox.top, u.valToPos(span.to, "x", true) - from, bbox.height);
    }
    ctx.restore();
  };

  const drawMarkers = (u: uPlot) => {
    const { ctx, bbox } = u;
    const px = uPlot.pxRatio;
    const right = bbox.left + bbox.width;
    const lines = [...current().markers]
      .map((marker) => ({ marker, at: Math.round(u.valToPos(marker.x, "x", true)) }))
      .filter(({ at }) => at >= bbox.left && at <= right)
      .sort((a, b) => a.at - b.at);
    ctx.save();
    ctx.lineWidth = look.lineWidth * px;
    ctx.setLineDash(look.dash.map((length) => length * px));
    ctx.font = `${look.labelWeight} ${10 * px}px system-ui, sans-serif`;
    ctx.textBaseline = "top";
    ctx.textAlign = "left";
    const labels = placeLabels(
      lines.map(({ marker, at }) => ({ at, labels: marker.shortLabel === undefined ? [marker.label] : [marker.label, marker.shortLabel] })),
      (text) => ctx.measureText(text).width,
      right,
      px,
    );
    lines.forEach(({ marker, at }, i) => {
      const color = marker.edge === "injected" ? look.injected : look.healed;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.moveTo(at, bbox.top);
      ctx.lineTo(at, bbox.top + bbox.height);
      ctx.stroke();
      const label = labels[i];
      if (!label) return;
      ctx.fillStyle = color;
      ctx.fillText(label.text, label.left, bbox.top + (2 + label.row * ROW_HEIGHT) * px);
    });
    ctx.restore();
  };

  return { hooks: { drawClear: drawSpans, draw: drawMarkers } };
}
