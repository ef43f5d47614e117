import { describe, expect, it } from "vitest";
import { readableViewport, type Rect } from "../../renderer/topology/readableViewport";

const canvas = { width: 1000, height: 500 };
const zoom = { min: 1.2, max: 2 };
/** Where a flow point lands on the canvas. */
const onCanvas = (v: { x: number; y: number; zoom: number }, x: number, y: number) => ({ x: x * v.zoom + v.x, y: y * v.zoom + v.y });

describe("the view a new layout opens at", () => {
  it("centres a graph that fits whole at a readable zoom, as large as it fits up to the largest fit", () => {
    const graph: Rect = { x: 0, y: 0, width: 600, height: 200 };
    const view = readableViewport(graph, graph, canvas, zoom, 16);
    expect(view.zoom).toBeCloseTo((1000 - 32) / 600);
    expect(onCanvas(view, 300, 100)).toEqual({ x: 500, y: 250 });
    expect(readableViewport({ x: 0, y: 0, width: 100, height: 50 }, graph, canvas, zoom, 16).zoom).toBe(2);
  });

  it("never zooms out below the readable zoom: a big graph opens with its top left corner at the canvas's, the start in view", () => {
    const graph: Rect = { x: 20, y: 0, width: 1600, height: 2000 };
    const view = readableViewport(graph, { x: 20, y: 200, width: 500, height: 100 }, canvas, zoom, 16);
    expect(view.zoom).toBe(1.2);
    expect(onCanvas(view, 20, 0)).toEqual({ x: 16, y: 16 });
  });

  it("moves a big graph up only as far as brings a low start into view, and leaves no more than the padding empty below", () => {
    const graph: Rect = { x: 0, y: 0, width: 1600, height: 2000 };
    const midStart = readableViewport(graph, { x: 0, y: 900, width: 400, height: 100 }, canvas, zoom, 16);
    expect(onCanvas(midStart, 0, 1000).y).toBeCloseTo(500 - 16);
    const bottomStart = readableViewport(graph, { x: 0, y: 1950, width: 400, height: 50 }, canvas, zoom, 16);
    expect(onCanvas(bottomStart, 0, 2000).y).toBeCloseTo(500 - 16);
  });

  it("centres a graph on the axis where it fits at the readable zoom", () => {
    const graph: Rect = { x: 0, y: 0, width: 400, height: 2000 };
    const view = readableViewport(graph, { x: 0, y: 950, width: 400, height: 100 }, canvas, zoom, 16);
    expect(onCanvas(view, 200, 1050)).toEqual({ x: 500, y: 500 - 16 });
  });
});
