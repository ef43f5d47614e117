import { Background, Controls, Handle, Position, ReactFlow, useEdgesState, useNodesState, type Edge, type Node, type NodeChange, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { LabSnapshot, UnansweredView } from "../../engine/lab/contract";
import { plural } from "../format";
import { stateLabel } from "../stateLabels";
import { FitOnLayout } from "./FitOnLayout";
import { AUX_HANDLE, CALLER_COLOUR, edgesFor, HEALTH_COLOUR, layout, nodesFor, structureKey, unansweredColour, zonesFor, type GraphTarget, type LabNode } from "./graph";
import { Legend } from "./Legend";

/** A cache age as the nodes show it: whole seconds. */
const ageText = (ms: number | null) => (ms === null ? "no keys" : `${Math.floor(ms / 1000)} s`);

const percent = (share: number) => `${Math.round(share * 100)} %`;
/** Snapshot data is plain JSON, so equal text means nothing visible changed. */
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Which aux handle a box has: a gateway sends its audit and identity links out of it, the audit store and identity provider take them in. */
type AuxHandle = "source" | "target";

function Box(props: { health: string; testId: string; title: string; children: React.ReactNode; badge?: string | undefined; extra?: Record<string, string>; aux?: AuxHandle }) {
  return (
    <div className="node" style={{ borderColor: props.health }} data-testid={props.testId} {...props.extra}>
      <Handle type="target" position={Position.Left} />
      <div className="node-title" title={props.title}>
        {props.title}
      </div>
      {props.badge && (
        <span className="node-badge" style={{ background: props.health }} title={props.badge}>
          {props.badge}
        </span>
      )}
      <div className="node-body">{props.children}</div>
      <Handle type="source" position={Position.Right} />
      {/* After the default handles: an edge that names no handle takes the first of its type. */}
      {props.aux === "source" && <Handle id={AUX_HANDLE} type="source" position={Position.Left} className="handle-aux" />}
      {props.aux === "target" && <Handle id={AUX_HANDLE} type="target" position={Position.Right} className="handle-aux" />}
    </div>
  );
}

/** "2,178 refused · 3 errors" on a caller or gateway node, in the colour of how much of the last window went unanswered. */
function Unanswered({ counts, testId }: { counts: UnansweredView; testId: string }) {
  if (counts.errors === 0 && counts.refused === 0) return null;
  const parts = [counts.refused > 0 && `${counts.refused.toLocaleString("en")} refused`, counts.errors > 0 && plural(counts.errors, "error")].filter(Boolean);
  return (
    <div className="node-unanswered" style={{ color: unansweredColour(counts, "var(--muted)") }} data-testid={testId} data-refused={counts.refused} data-errors={counts.errors}>
      {parts.join(" · ")}
    </div>
  );
}

const PopulationNode = memo(function PopulationNode({ data }: NodeProps<LabNode>) {
  if (data.kind !== "population") return null;
  const p = data.population;
  return (
    <Box health={unansweredColour(p.unanswered, CALLER_COLOUR)} testId={`population-${p.id}`} title={`callers ${p.id}`}>
      <div>
        {p.jurisdiction} · {p.region} · {p.ratePerS}/s → {p.model}
      </div>
      <Unanswered counts={p.unanswered} testId={`unanswered-${p.id}`} />
    </Box>
  );
});

const DirectorNode = memo(function DirectorNode({ data }: NodeProps<LabNode>) {
  if (data.kind !== "director") return null;
  const d = data.director;
  return (
    <Box health="#adb5bd" testId="director" title="traffic director" badge={stateLabel(d.state)}>
      {d.mode} · {d.layout}
    </Box>
  );
});

const GatewayNode = memo(function GatewayNode({ data }: NodeProps<LabNode>) {
  if (data.kind !== "gateway") return null;
  const r = data.region;
  // The state worth a glance first: withdrawn by the director, then the gateway's own machine, then its role.
  const badge = r.withdrawn ? "withdrawn" : data.standbyPromoted ? "standby promoted" : r.gateway !== "healthy" ? stateLabel(r.gateway) : r.role !== "active" ? r.role : undefined;
  return (
    <Box health={HEALTH_COLOUR[r.health]} testId={`gateway-${r.id}`} title={`gateway ${r.id}`} badge={badge} aux="source" extra={{ "data-health": r.health, "data-state": r.gateway, "data-share": r.trafficShare.toFixed(3) }}>
      <div>
        {r.jurisdiction} · {r.location}
      </div>
      <div>
        {percent(r.trafficShare)} of traffic · {r.inflight} in flight
      </div>
      {data.identity && (
        <div className={`identity identity--${data.identity.view.state}`} data-testid={`identity-${r.id}`} data-state={data.identity.view.state} data-age-ms={data.identity.view.cacheAgeMs ?? ""}>
          JWKS {ageText(data.identity.view.cacheAgeMs)} · {data.identity.policy}
          {data.identity.view.state === "stale" || data.identity.view.state === "fail-closed" ? ` · ${data.identity.view.state}` : ""}
        </div>
      )}
      <Unanswered counts={r.unanswered} testId={`unanswered-gateway-${r.id}`} />
      {data.slowed.map((path) => (
        <div key={path.to} className="node-slow" data-testid={`slowed-${r.id}`}>
          {path.added} to {path.to}
        </div>
      ))}
      {data.faulted && <div className="node-fault">fault injected</div>}
    </Box>
  );
});

const EndpointNode = memo(function EndpointNode({ data }: NodeProps<LabNode>) {
  if (data.kind !== "endpoint") return null;
  const e = data.endpoint;
  const open = e.targets.reduce((n, t) => n + t.openCircuits, 0);
  return (
    <Box health={HEALTH_COLOUR[e.health]} testId={`endpoint-${e.id}`} title={e.id} badge={open > 0 ? `circuit open ×${open}` : undefined} extra={{ "data-health": e.health, "data-share": e.trafficShare.toFixed(3) }}>
      <div>{e.targets.map((t) => t.model).join(", ")}</div>
      <div>
        {percent(e.trafficShare)} served{e.faulted ? " · fault injected" : ""}
      </div>
      {data.slowedBy && <div className="node-slow">{data.slowedBy}</div>}
    </Box>
  );
});

const AuditNode = memo(function AuditNode({ data }: NodeProps<LabNode>) {
  if (data.kind !== "audit") return null;
  const audit = data.audit;
  const buffering = audit?.buffers.filter((b) => b.state === "buffering") ?? [];
  const health = data.chainOk === false ? HEALTH_COLOUR.failed : buffering.length > 0 ? HEALTH_COLOUR.degraded : data.chainOk === null ? HEALTH_COLOUR.unknown : HEALTH_COLOUR.healthy;
  const badge = data.chainOk === false ? "chain broken" : buffering.length > 0 ? `${buffering.map((b) => b.region).join(", ")} cut off` : undefined;
  // Pattern A is one canonical log in one region; Pattern B a log per region and a global log: the title and the log chips say which.
  const title = !audit ? "audit store" : audit.pattern === "central" ? `audit store · central in ${audit.destination}` : "audit logs · per region + global";
  return (
    <Box health={health} testId="audit-store" title={title} badge={badge} aux="target" extra={{ "data-buffering": buffering.map((b) => b.region).join(" "), "data-pattern": audit?.pattern ?? "" }}>
      <div>{plural(data.entries, "entry", "entries")} · hash-chained</div>
      {audit && (
        <div className="audit-logs" data-testid="audit-logs">
          {audit.logs.map((log) => (
            <span key={log} className={`audit-log audit-log--${audit.pattern}`} title={`log ${log}`}>
              {log}
            </span>
          ))}
        </div>
      )}
      {audit && (
        <div className="audit-buffers" data-testid="audit-buffers" title="entries waiting in each region's buffer">
          {audit.buffers.map((b) => (
            <span key={b.region} className={`audit-buffer audit-buffer--${b.state}`} data-testid={`audit-buffer-${b.region}`} data-depth={b.depth} title={`${b.region}: ${plural(b.depth, "entry", "entries")} waiting to reach the destination`}>
              {b.region} {b.depth.toLocaleString("en")}
            </span>
          ))}
        </div>
      )}
    </Box>
  );
});

const IdpNode = memo(function IdpNode({ data }: NodeProps<LabNode>) {
  if (data.kind !== "idp") return null;
  const idp = data.identity;
  const cutOff = idp.gateways.filter((g) => g.partitioned).map((g) => g.region);
  const closed = idp.gateways.some((g) => g.state === "fail-closed");
  const health = closed ? HEALTH_COLOUR.failed : cutOff.length > 0 || idp.down.length > 0 ? HEALTH_COLOUR.degraded : HEALTH_COLOUR.healthy;
  const badge = cutOff.length > 0 ? `${cutOff.join(", ")} cut off` : idp.down.length > 0 ? `down in ${idp.down.join(", ")}` : undefined;
  return (
    <Box health={health} testId="identity-provider" title="identity provider" badge={badge} aux="target" extra={{ "data-partitioned": cutOff.join(" ") }}>
      <div className="node-line" title={idp.issuer}>
        {new URL(idp.issuer).host}
      </div>
      <div>in {idp.regions.join(", ")}</div>
      <div data-testid="identity-cost">
        <div>
          {idp.cost.rejected.toLocaleString("en")} refused ({idp.cost.rejectedUnreachable.toLocaleString("en")} fail-closed)
        </div>
        <div>
          accepted: {idp.cost.acceptedRevoked.toLocaleString("en")} revoked, {plural(idp.cost.acceptedRotatedKey, "rotated-key token")}
        </div>
      </div>
    </Box>
  );
});

/** A jurisdiction's zone: drawn behind its gateways and endpoints, never clicked (pointer events pass to the pane). */
type ZoneNode = Node<{ jurisdiction: string }, "zone">;

const ZoneBox = memo(function ZoneBox({ data }: NodeProps<ZoneNode>) {
  return (
    <div className="zone" data-testid={`zone-${data.jurisdiction}`}>
      <span className="zone-label">{data.jurisdiction}</span>
    </div>
  );
});

const nodeTypes = { population: PopulationNode, director: DirectorNode, gateway: GatewayNode, endpoint: EndpointNode, audit: AuditNode, idp: IdpNode, zone: ZoneBox };

export function TopologyCanvas(props: { snapshot: LabSnapshot; onTarget: (target: GraphTarget, at: { x: number; y: number }) => void }) {
  const { snapshot } = props;
  const [nodes, setNodes, onNodesChange] = useNodesState<LabNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  const structure = structureKey(snapshot);
  const laidOut = useRef<{ key: string; positions: Map<string, { x: number; y: number }> } | null>(null);
  const fresh = useMemo(() => ({ nodes: nodesFor(snapshot), edges: edgesFor(snapshot) }), [snapshot]);
  // Set with the laid-out nodes, in the same render, so the fit sees them rather than the previous graph's.
  const [fitted, setFitted] = useState("");

  useEffect(() => {
    if (laidOut.current?.key !== structure) {
      laidOut.current = { key: structure, positions: layout(fresh.nodes) };
      setNodes(fresh.nodes.map((n) => ({ ...n, position: laidOut.current!.positions.get(n.id) ?? n.position })));
      setFitted(structure);
    } else {
      // Restyle only: keep where the user dragged each node, and keep the very same node object where nothing
      // it shows changed, so React Flow re-renders only the nodes that did.
      setNodes((current) => {
        const previous = new Map(current.map((n) => [n.id, n]));
        return fresh.nodes.map((n) => {
          const old = previous.get(n.id);
          if (!old) return { ...n, position: laidOut.current!.positions.get(n.id) ?? n.position };
          return sameJson(old.data, n.data) ? old : { ...old, data: n.data };
        });
      });
    }
    setEdges((current) => {
      const previous = new Map(current.map((e) => [e.id, e]));
      return fresh.edges.map((e) => {
        const old = previous.get(e.id);
        return old && sameJson(old, e) ? old : e;
      });
    });
  }, [fresh, structure, setNodes, setEdges]);

  // Recomputed from where the nodes are, so a zone follows a node the user drags.
  const shown = useMemo(() => {
    const zones: ZoneNode[] = zonesFor(nodes).map((z) => ({
      id: `zone:${z.jurisdiction}`,
      type: "zone",
      position: { x: z.x, y: z.y },
      width: z.width,
      height: z.height,
      // Its size is ours, not its content's. Said as measured, since React Flow never keeps a zone's measuring
      // (its changes are dropped below and a zone is made anew each render), and fitView waits for every node.
      measured: { width: z.width, height: z.height },
      data: { jurisdiction: z.jurisdiction },
      zIndex: -1,
      selectable: false,
      draggable: false,
      focusable: false,
      style: { pointerEvents: "none" },
    }));
    return [...zones, ...nodes];
  }, [nodes]);

  const openMenu = (event: React.MouseEvent, node: LabNode | ZoneNode) => {
    event.preventDefault();
    if (node.type === "zone") return;
    node = node as LabNode;
    const at = { x: event.clientX, y: event.clientY };
    if (node.data.kind === "gateway") props.onTarget({ kind: "gateway", region: node.data.region.id, identity: node.data.identity !== null }, at);
    if (node.data.kind === "idp") props.onTarget({ kind: "idp", regions: snapshot.regions.map((r) => r.id), idpRegions: node.data.identity.regions }, at);
    if (node.data.kind === "audit") props.onTarget({ kind: "audit", regions: snapshot.regions.map((r) => r.id) }, at);
    if (node.data.kind === "population") props.onTarget({ kind: "population", population: node.data.population.id }, at);
    if (node.data.kind === "endpoint") {
      const e = node.data.endpoint;
      props.onTarget({ kind: "endpoint", endpoint: e.id, provider: e.provider, region: e.region, models: e.targets.map((t) => t.model) }, at);
    }
  };

  if (snapshot.status === "empty") {
    return (
      <div className="canvas-empty" data-testid="canvas-empty">
        <h2>No scenario loaded</h2>
        <p>Open a drill from the scenario library on the left, or a YAML file from disk.</p>
      </div>
    );
  }
  return (
    <div className="canvas" data-testid="topology">
      <ReactFlow
        nodes={shown}
        edges={edges}
        nodeTypes={nodeTypes}
        // Zones are derived from the nodes' positions; React Flow's changes to them (measuring) go nowhere.
        onNodesChange={(changes) => onNodesChange(changes.filter((c) => !("id" in c && c.id.startsWith("zone:"))) as NodeChange<LabNode>[])}
        onEdgesChange={onEdgesChange}
        onNodeClick={openMenu}
        onNodeContextMenu={openMenu}
        onEdgeClick={(event, edge) => {
          const link = edge.data as { from?: string; to?: string; auditOf?: string; idpOf?: string } | undefined;
          const at = { x: event.clientX, y: event.clientY };
          if (link?.from && link.to) props.onTarget({ kind: "link", from: link.from, to: link.to }, at);
          if (link?.auditOf) props.onTarget({ kind: "audit", regions: [link.auditOf] }, at);
          if (link?.idpOf && snapshot.identity) props.onTarget({ kind: "idp", regions: [link.idpOf], idpRegions: [] }, at);
        }}
        nodesConnectable={false}
        minZoom={0.2}
        // Above the fit's largest (2): read from across a room, a node may want more.
        maxZoom={4}
      >
        <FitOnLayout layout={fitted} />
        <Background />
        {/* Beside the legend in one band at the bottom, which the fit keeps clear of the graph. */}
        <Controls showInteractive={false} orientation="horizontal" />
        <Legend />
      </ReactFlow>
    </div>
  );
}
