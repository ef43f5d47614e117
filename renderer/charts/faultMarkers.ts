/**
 * Faults on a uPlot chart over virtual time: a dashed vertical line where each was injected or healed, its
 * label in lanes above the plot (clear of the lines and the series, cut to the room it has), and optionally
 * the span it was active shaded under the series. One plugin for the app's metrics charts and the report
 * page; each gives it its own look.
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

/** Lanes of labels above the plot: a label takes the first lane free at its line, or is left out. */
const LABEL_LANES = 2;
/** Height of one lane, CSS px (10 px text). */
const LANE_HEIGHT = 12;
const LABEL_OFFSET = 3;
const LABEL_GAP = 6;
/** A label cut shorter than this many characters says nothing: its short form is printed instead. */
const MIN_CUT_CHARS = 6;

/**
 * Room the labels take above the plot, CSS px: a chart using the plugin sets it as its top padding
 * (`padding: [FAULT_LABELS_HEIGHT, …]`), so the labels sit over no line and no series.
 */
export const FAULT_LABELS_HEIGHT = LABEL_LANES * LANE_HEIGHT + 2;

/** Where one label is printed: its text, left edge in canvas px, and lane (0 nearest the plot). */
export interface PlacedLabel {
  readonly text: string;
  readonly left: number;
  readonly row: number;
}

/**
 * Places labels left to right (`at` ascending, canvas px). Each takes the first lane where it clears the
 * labels before it. Its text is the first of `labels` (long to short) if it fits before the line that will
 * want its lane next (lanes taken in turn, so `LABEL_LANES` lines on); else that one cut to fit, with an
 * ellipsis; else the first shorter one that fits; else the last, whole. A label that would run past `right` is pulled back inside; one with no
 * free lane is left out. `px` is the device pixel ratio.
 */
export function placeLabels(lines: readonly { at: number; labels: readonly string[] }[], measure: (text: string) => number, right: number, px: number): (PlacedLabel | null)[] {
  const laneEnds = Array.from({ length: LABEL_LANES }, () => Number.NEGATIVE_INFINITY);
  const gap = LABEL_GAP * px;
  return lines.map(({ at, labels }, i) => {
    const start = at + LABEL_OFFSET * px;
    const row = laneEnds.findIndex((end) => Math.min(start, right - measure(labels.at(-1)!)) >= end + gap);
    if (row === -1) return null;
    const room = Math.min(lines[i + LABEL_LANES]?.at ?? right, right) - start - gap;
    const [long] = labels as [string, ...string[]];
    const text = measure(long) <= room ? long : (cut(long, room, measure) ?? labels.find((label) => measure(label) <= room) ?? labels.at(-1)!);
    const left = Math.min(start, right - measure(text));
    laneEnds[row] = left + measure(text);
    return { text, left, row };
  });
}

/** `text` cut to fit `room` with an ellipsis, or null when too little of it would be left. */
function cut(text: string, room: number, measure: (text: string) => number): string | null {
  for (let length = text.length - 1; length >= MIN_CUT_CHARS; length--) {
    const shorter = `${text.slice(0, length).trimEnd()}…`;
    if (measure(shorter) <= room) return shorter;
  }
  return null;
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
    ctx.textBaseline = "bottom";
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
      // Above the plot, in the top padding the chart keeps for them: lane 0 just over the plot's top edge.
      ctx.fillText(label.text, label.left, bbox.top - (1 + label.row * LANE_HEIGHT) * px);
    });
    ctx.restore();
  };

  return { hooks: { drawClear: drawSpans, draw: drawMarkers } };
}
