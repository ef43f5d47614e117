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
 * its top at the canvas's top, moved up only as far as keeps `start` (the director) in view: the flow's
 * beginning and the first jurisdiction in view, the user pans or zooms for the rest. `padding`: canvas px kept
 * clear at each side.
 */
export function readableViewport(graph: Rect, start: Rect, canvas: { readonly width: number; readonly height: number }, zoom: { readonly min: number; readonly max: number }, padding: number): Viewport {
  const room = { width: Math.max(1, canvas.width - 2 * padding), height: Math.max(1, canvas.height - 2 * padding) };
  const fit = Math.min(room.width / graph.width, room.height / graph.height);
  const z = Math.min(Math.max(fit, zoom.min), Math.max(zoom.min, zoom.max));
  const centred = (from: number, length: number, canvasLength: number) => (canvasLength - length * z) / 2 - from * z;
  const x = graph.width * z <= room.width ? centred(graph.x, graph.width, canvas.width) : padding - graph.x * z;
  let y = centred(graph.y, graph.height, canvas.height);
  if (graph.height * z > room.height) {
    // The graph's top at the canvas's top (the first jurisdiction's zone, where the shipped scenarios' faults
    // begin), unless that leaves the start below the canvas; never more than the padding empty below the graph.
    const top = padding - graph.y * z;
    const startAtBottom = canvas.height - padding - (start.y + start.height) * z;
    const bottom = canvas.height - padding - (graph.y + graph.height) * z;
    y = Math.max(bottom, Math.min(top, startAtBottom));
  }
  return { x, y, zoom: z };
}

