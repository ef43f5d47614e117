/**
 * The draft on the stage, Packet Tracer's habit: drag a region, provider, logical model or callers from the palette
 * onto the canvas, draw an edge from one node to another to connect them (the engine decides what the connection
 * means, or says why there is none), select a node or an edge and press Delete to remove it. Every change is one
 * engine edit on the draft the dock's form edits too, so undo, redo and the problems are shared.
 */
import {
  Background,
  ConnectionMode,
  Controls,
  Handle,
  Panel,
  Position as Side,
  ReactFlow,
  ReactFlowProvider,
  useEdgesState,
  useNodesState,
  useReactFlow,
  type Connection,
  type NodeProps,
} from "@xyflow/react";
import { memo, useContext, useEffect, useMemo, useState, type DragEvent } from "react";
import { DRAFT_ENTITIES, type DraftEntity } from "../../../engine/lab/contract";
import { plural } from "../../format";
import { NodeTextContext } from "../../shell/viewSettings";
import { FitOnLayout } from "../../topology/FitOnLayout";
import type { DraftEditor } from "../useDraftEditor";
import { draftEdges, draftNodeId, draftNodes, NODE_WIDTH, refOfNode, type DraftEdge, type DraftNode } from "./draftGraph";
import "./draftCanvas.css";

/** The drag's payload type: only a palette item is dropped as an entity. */
const PALETTE_MIME = "application/x-failover-lab-entity";
const ENTITY_TITLES: Record<DraftEntity, string> = { region: "Region", provider: "Provider", model: "Logical model", callers: "Callers" };
/** On a node, where the id needs the room: "logical" goes without saying on the canvas. */
const NODE_KIND: Record<DraftEntity, string> = { ...ENTITY_TITLES, model: "Model" };
/** Each kind's colour, on its palette item and its nodes alike. */
const ENTITY_COLOURS: Record<DraftEntity, string> = { region: "#74c0fc", provider: "#63e6be", model: "#b197fc", callers: "#ffd43b" };
const PROBLEM_COLOUR = "#f87171";
/** The smallest text on a draft node (draftCanvas.css), CSS px before the zoom. */
const NODE_TEXT_PX = 11;
/** Where a dropped node's top left lands from the pointer, so the node is centred on it: half its width, half a short node. */
const DROP_OFFSET = { x: NODE_WIDTH / 2, y: 30 };
/** Flow coordinates (0, 0) this far in from the canvas's top left, below the palette. */
const ORIGIN_PX = { x: 40, y: 100 };

const DraftNodeView = memo(function DraftNodeView({ data, selected }: NodeProps<DraftNode>) {
  const colour = data.problems.length > 0 ? PROBLEM_COLOUR : ENTITY_COLOURS[data.entity];
  return (
    <div
      className={selected ? "node draft-node selected" : "node draft-node"}
      style={{ borderColor: colour }}
      data-testid={`draft-node-${data.entity}-${data.id}`}
      data-problems={data.problems.length}
      title={data.problems.join("\n") || undefined}
    >
      {/* Loose connection mode: an edge may start or end at either handle, and the engine reads its direction. */}
      <Handle type="target" position={Side.Left} />
      <div className="node-title">
        <span className="draft-kind" style={{ color: ENTITY_COLOURS[data.entity] }}>
          {NODE_KIND[data.entity]}
        </span>{" "}
        {data.id}
      </div>
      {data.problems.length > 0 && (
        <span className="node-badge" style={{ background: PROBLEM_COLOUR }}>
          {plural(data.problems.length, "problem")}
        </span>
      )}
      <div className="node-body">
        {data.lines.map((line, i) => (
          <div key={i} className="node-line" title={line}>
            {line}
          </div>
        ))}
        {data.problems[0] && <div className="draft-problem">{data.problems[0]}</div>}
      </div>
      <Handle type="source" position={Side.Right} />
    </div>
  );
});
const nodeTypes = { draft: DraftNodeView };

export function DraftCanvas({ editor }: { editor: DraftEditor }) {
  return (
    <ReactFlowProvider>
      <DraftFlow editor={editor} />
    </ReactFlowProvider>
  );
}

function DraftFlow({ editor }: { editor: DraftEditor }) {
  const { doc, edit, placed, place, status } = editor;
  const present = doc?.history.present;
  const { screenToFlowPosition } = useReactFlow();
  // Drawn no larger than just readable at the text-size setting: a draft of a few nodes is not blown up to fill the stage.
  const readableZoom = Math.max(1, useContext(NodeTextContext) / NODE_TEXT_PX);
  const built = useMemo(() => (present ? draftNodes(present.draft, present.problems, placed) : []), [present, placed]);
  const builtEdges = useMemo(() => (present ? draftEdges(present.draft) : []), [present]);
  const [nodes, setNodes, onNodesChange] = useNodesState<DraftNode>(built);
  const [edges, setEdges, onEdgesChange] = useEdgesState<DraftEdge>(builtEdges);
  // A new draft keeps what React Flow measured and which node is selected; the positions are the draft's.
  useEffect(
    () =>
      setNodes((current) => {
        const previous = new Map(current.map((n) => [n.id, n]));
        return built.map((n) => {
          const old = previous.get(n.id);
          return old ? { ...n, measured: old.measured, selected: old.selected } : n;
        });
      }),
    [built, setNodes],
  );
  useEffect(
    () =>
      setEdges((current) => {
        const selected = new Set(current.filter((e) => e.selected).map((e) => e.id));
        return builtEdges.map((e) => (selected.has(e.id) ? { ...e, selected: true } : e));
      }),
    [builtEdges, setEdges],
  );

  const add = (entity: DraftEntity, at?: { x: number; y: number }) =>
    void edit({ op: "add", entity }).then((id) => {
      if (id !== undefined && at) place(draftNodeId(entity, id), at);
    });
  const onDrop = (event: DragEvent) => {
    const entity = event.dataTransfer.getData(PALETTE_MIME) as DraftEntity;
    if (!DRAFT_ENTITIES.includes(entity)) return;
    event.preventDefault();
    const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
    add(entity, { x: at.x - DROP_OFFSET.x, y: at.y - DROP_OFFSET.y });
  };
  const connect = ({ source, target }: Connection) => {
    const from = refOfNode(source);
    const to = refOfNode(target);
    if (from && to && source !== target) void edit({ op: "connect", from, to });
  };

  // Fitted when a draft with nodes is opened or shown again. Not when an empty one gets its first node: that node
  // would jump from where it was dropped to the middle.
  const openKey = doc ? `${doc.fileName}\n${doc.baseText}` : "";
  const [opened, setOpened] = useState({ key: openKey, withNodes: built.length > 0 });
  if (opened.key !== openKey) setOpened({ key: openKey, withNodes: built.length > 0 });
  const fitKey = opened.withNodes ? openKey : "";

  if (!doc || !present) return null;
  const error = status.kind === "error" ? status.message : null;
  return (
    <div className="canvas draft-canvas" data-testid="draft-canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={(changes) => onNodesChange(changes.filter((c) => c.type !== "remove"))}
        onEdgesChange={(changes) => onEdgesChange(changes.filter((c) => c.type !== "remove"))}
        onNodeDragStop={(_event, node) => place(node.id, node.position)}
        onConnect={connect}
        connectionMode={ConnectionMode.Loose}
        onDelete={({ nodes: removed, edges: cut }) => {
          for (const n of removed) void edit({ op: "remove", entity: n.data.entity, id: n.data.id });
          // React Flow deletes a removed node's edges with it; the engine's removal already takes what named the node.
          const gone = new Set(removed.map((n) => n.id));
          for (const e of cut) if (e.data && !gone.has(e.source) && !gone.has(e.target)) void edit({ op: "disconnect", from: e.data.from, to: e.data.to });
        }}
        onNodeDoubleClick={(_event, node) => focusFormRow(node.data.entity, node.data.id)}
        deleteKeyCode={["Delete", "Backspace"]}
        defaultViewport={{ ...ORIGIN_PX, zoom: readableZoom }}
        minZoom={0.2}
        maxZoom={4}
      >
        <FitOnLayout layout={fitKey} maxZoom={readableZoom} />
        <Background />
        <Controls showInteractive={false} orientation="horizontal" />
        <Panel position="top-left" className="draft-palette" data-testid="draft-palette">
          <span className="draft-palette-title">Drag in</span>
          {DRAFT_ENTITIES.map((entity) => (
            <button
              key={entity}
              draggable
              data-testid={`palette-${entity}`}
              style={{ borderColor: ENTITY_COLOURS[entity] }}
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, entity);
                e.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => add(entity)}
              title={`Drag to place a new ${ENTITY_TITLES[entity].toLowerCase()}, or click to add one`}
            >
              {ENTITY_TITLES[entity]}
            </button>
          ))}
          <p className="draft-palette-help">Draw an edge from a node's dot to another node to connect them · select and press Delete to remove · double-click a node for its form</p>
        </Panel>
        <Panel position="top-right" className="draft-banner" data-testid="draft-banner">
          Draft: {doc.fileName}
          {editor.dirty ? " (edited)" : ""} · {present.problems.length === 0 ? "no problems" : plural(present.problems.length, "problem")}
          {error && (
            <div className="draft-error" role="alert" data-testid="draft-error">
              {error}
            </div>
          )}
        </Panel>
        {nodes.length === 0 && (
          <Panel position="top-center" className="draft-empty" data-testid="draft-empty">
            An empty topology: drag a region from the palette to start.
          </Panel>
        )}
      </ReactFlow>
    </div>
  );
}

/** The node's row in the dock's form, scrolled to and its id field focused, for the fields the node does not show. */
function focusFormRow(entity: DraftEntity, id: string) {
  const input = document.querySelector<HTMLInputElement>(`[data-testid="editor-${entity}-${CSS.escape(id)}-id"]`);
  input?.scrollIntoView({ block: "nearest" });
  input?.focus();
}
