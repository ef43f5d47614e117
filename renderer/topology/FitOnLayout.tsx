import { useReactFlow, useStore, useStoreApi } from "@xyflow/react";
import { useContext, useEffect } from "react";
import { NodeTextContext } from "../shell/viewSettings";
import type { LabNode } from "./graph";
import { readableViewport } from "./readableViewport";

/** Canvas px kept clear around a fitted graph. */
const PADDING = 16;
/** A small graph is fitted no larger than this (React Flow's default), though the user may zoom further. */
const FIT_MAX_ZOOM = 2;

/** Where every caller's traffic turns, kept in view when the whole graph is too big to be read at once. */
const START_KINDS: ReadonlySet<string> = new Set(["director"]);

/**
 * The smallest font size of any text drawn in the nodes, CSS px before the zoom; read from the page rather
 * than assumed, so the fit follows the node styles wherever they change. Null before any node is drawn.
 */
function smallestNodeText(root: HTMLElement | null): number | null {
  let smallest = Infinity;
  for (const element of root?.querySelectorAll(".react-flow__node, .react-flow__node *") ?? []) {
    const hasText = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
    if (hasText) smallest = Math.min(smallest, parseFloat(getComputedStyle(element).fontSize));
  }
  return Number.isFinite(smallest) ? smallest : null;
}

/**
 * Canvas px at the top and at the bottom under React Flow's panels there (the editor's palette; the zoom controls,
 * the legend): the fit keeps the graph between them.
 */
function covered(root: HTMLElement | null): { top: number; bottom: number } {
  if (!root) return { top: 0, bottom: 0 };
  const canvas = root.getBoundingClientRect();
  let top = 0;
  let bottom = 0;
  for (const panel of root.querySelectorAll(".react-flow__panel.top")) top = Math.max(top, panel.getBoundingClientRect().bottom - canvas.top);
  for (const panel of root.querySelectorAll(".react-flow__panel.bottom")) bottom = Math.max(bottom, canvas.bottom - panel.getBoundingClientRect().top);
  return { top, bottom };
}

/**
 * Fits the view each time a new layout is handed to React Flow (another scenario or topology), the canvas
 * changes size (sidebar, dock, full screen, window) or the text-size setting changes — never zooming out
 * below the zoom where the smallest node text renders at the setting's size; a graph too big for that shows
 * its top left with the director in view (see `readableViewport`) and the user pans or zooms for the rest.
 * Rendered inside `<ReactFlow>`.
 */
export function FitOnLayout({ layout, maxZoom = FIT_MAX_ZOOM }: { layout: string; maxZoom?: number }) {
  const minTextPx = useContext(NodeTextContext);
  const { fitView, getNodes, getNodesBounds, setViewport } = useReactFlow<LabNode>();
  const store = useStoreApi<LabNode>();
  const canvas = useStore((s) => `${s.width}×${s.height}`);
  useEffect(() => {
    if (!layout) return;
    let current = true;
    const fit = () => {
      const nodes = getNodes();
      const { width, height, domNode } = store.getState();
      const textPx = smallestNodeText(domNode);
      if (!current || nodes.length === 0 || textPx === null) return;
      const start = nodes.filter((n) => START_KINDS.has(n.data.kind));
      const zoom = { min: minTextPx / textPx, max: maxZoom };
      const panels = covered(domNode);
      const graph = getNodesBounds(nodes);
      // Without a director (the editor's draft) the graph starts at its top edge.
      const startAt = start.length > 0 ? getNodesBounds(start) : { ...graph, height: 0 };
      const viewport = readableViewport(graph, startAt, { width, height: height - panels.top - panels.bottom }, zoom, PADDING);
      void setViewport({ ...viewport, y: viewport.y + panels.top });
    };
    // fitView is React Flow's one wait for newly handed nodes to be measured (React Flow 12 queues it until
    // every node is); the viewport it sets is replaced at once, before the page is painted.
    void fitView().then(fit);
    return () => {
      current = false;
    };
  }, [layout, maxZoom, canvas, minTextPx, fitView, getNodes, getNodesBounds, setViewport, store]);
  return null;
}
