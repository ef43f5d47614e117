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
 * Canvas px at the bottom under React Flow's panels there (the zoom controls, the legend): the fit keeps the
 * graph above them.
 */
function coveredAtBottom(root: HTMLElement | null): number {
  if (!root) return 0;
  const bottom = root.getBoundingClientRect().bottom;
  let covered = 0;
  for (const panel of root.querySelectorAll(".react-flow__panel.bottom")) covered = Math.max(covered, bottom - panel.getBoundingClientRect().top);
  return covered;
}

/**
 * Fits the view each time a new layout is handed to React Flow (another scenario or topology), the canvas
 * changes size (sidebar, dock, full screen, window) or the text-size setting changes — never zooming out
 * below the zoom where the smallest node text renders at the setting's size; a graph too big for that shows
 * its top left with the director in view (see `readableViewport`) and the user pans or zooms for the rest.
 * Rendered inside `<ReactFlow>`.
 */
export function FitOnLayout({ layout }: { layout: string }) {
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
      const zoom = { min: minTextPx / textPx, max: FIT_MAX_ZOOM };
      void setViewport(readableViewport(getNodesBounds(nodes), getNodesBounds(start.length > 0 ? start : nodes), { width, height: height - coveredAtBottom(domNode) }, zoom, PADDING));
    };
    // fitView is React Flow's one wait for newly handed nodes to be measured (React Flow 12 queues it until
    // every node is); the viewport it sets is replaced at once, before the page is painted.
    void fitView().then(fit);
    return () => {
      current = false;
    };
  }, [layout, canvas, minTextPx, fitView, getNodes, getNodesBounds, setViewport, store]);
  return null;
}
