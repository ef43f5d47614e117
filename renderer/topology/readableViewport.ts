/**
 * Where a new layout opens: pure geometry, in flow coordinates (the laid-out graph) and canvas px.
 */

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** React Flow's viewport: a screen point is `flow point × zoom + (x, y)`. */
export interface Viewport {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/**
 * The whole graph when it fits at a zoom no smaller than `zoom.min` (the zoom at which the smallest node text
 * is still readable); otherwise that zoom, with the graph's left edge (the callers) at the canvas's left and
 * `start` (the callers and the director) in the middle of the height, as far as the graph allows: the flow's
 * beginning in view, the user pans or zooms for the rest. `padding`: canvas px kept clear at each side.
 */
export function readableViewport(graph: Rect, start: Rect, canvas: { readonly width: number; readonly height: number }, zoom: { readonly min: number; readonly max: number }, padding: number): Viewport {
  const room = { width: Math.max(1, canvas.width - 2 * padding), height: Math.max(1, canvas.height - 2 * padding) };
  const fit = Math.min(room.width / graph.width, room.height / graph.height);
  const z = Math.min(Math.max(fit, zoom.min), Math.max(zoom.min, zoom.max));
  const centred = (from: number, length: number, canvasLength: number) => (canvasLength - length * z) / 2 - from * z;
  const x = graph.width * z <= room.width ? centred(graph.x, graph.width, canvas.width) : padding - graph.x * z;
  let y = centred(graph.y, graph.height, canvas.height);
  if (graph.height * z > room.height) {
    // Centre the start, but never leave more than the padding empty above the graph's top or below its bottom.
    const top = padding - graph.y * z;
    const bottom = canvas.height - padding - (graph.y + graph.height) * z;
    y = Math.min(top, Math.max(bottom, centred(start.y, start.height, canvas.height)));
  }
  return { x, y, zoom: z };
}

