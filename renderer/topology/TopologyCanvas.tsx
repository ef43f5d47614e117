import { Background, Controls, Handle, Position, ReactFlow, useEdgesState, useNodesState, type Edge, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { LabSnapshot } from "../../engine/lab/contract";
import { plural } from "../format";
import { stateLabel } from "../stateLabels";
import { FitOnLayout } from "./FitOnLayout";
import { edgesFor, HEALTH_COLOUR, layout, nodesFor, structureKey, type GraphTarget, type LabNode } from "./graph";

/** A cache age as the nodes show it: whole seconds. */
const ageText = (ms: number | null) => (ms === null ? "no keys" : `${Math.floor(ms / 1000)} s`);

const percent = (share: number) => `${Math.round(share * 100)} %`;
/** Snapshot data is plain JSON, so equal text means nothing visible changed. */
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function Box(props: { health: string; testId: string; title: string; children: React.ReactNode; badge?: string | undefined; extra?: Record<string, string> }) {
  return (
    <div className="node" style={{ borderColor: props.health }} data-testid={props.testId} {...props.extra}>
      <Handle type="target" position={Position.Left} />
      <div className="node-title">{props.title}</div>
      {props.badge && <span className="node-badge" style={{ background: props.health }}>{props.badge}</span>}
      <div className="node-body">{props.children}</div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const PopulationNode = memo(function PopulationNode({ data }: NodeProps<LabNode>) {
  if (data.kind !== "population") return null;
  const p = data.population;
  return (
    <Box health="#4dabf7" testId={`population-${p.id}`} title={`callers ${p.id}`}>
      {p.jurisdiction} · {p.region} · {p.ratePerS}/s → {p.model}
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
    <Box health={HEALTH_COLOUR[r.health]} testId={`gateway-${r.id}`} title={`gateway ${r.id}`} badge={badge} extra={{ "data-health": r.health, "data-state": r.gateway, "data-share": r.trafficShare.toFixed(3) }}>
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
    </Box>
  );
});

const AuditNode = memo(function AuditNode({ data }: NodeProps<LabNode>) {
  if (data.kind !== "audit") return null;
  const buffering = data.audit?.buffers.filter((b) => b.state === "buffering") ?? [];
  const health = data.chainOk === false ? HEALTH_COLOUR.failed : buffering.length > 0 ? HEALTH_COLOUR.degraded : data.chainOk === null ? HEALTH_COLOUR.unknown : HEALTH_COLOUR.healthy;
  const where = data.audit ? (data.audit.pattern === "central" ? `canonical log in ${data.audit.destination}` : "a log per region") : "hash-chained";
  const badge = data.chainOk === false ? "chain broken" : buffering.length > 0 ? `${buffering.map((b) => b.region).join(", ")} cut off` : undefined;
  return (
    <Box health={health} testId="audit-store" title="audit store" badge={badge} extra={{ "data-buffering": buffering.map((b) => b.region).join(" ") }}>
      <div>
        {plural(data.entries, "entry", "entries")} · {where}
      </div>
      {data.audit && (
        <div className="audit-buffers" data-testid="audit-buffers">
          {data.audit.buffers.map((b) => (
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
    <Box health={health} testId="identity-provider" title="identity provider" badge={badge} extra={{ "data-partitioned": cutOff.join(" ") }}>
      <div>
        {new URL(idp.issuer).host} · in {idp.regions.join(", ")}
      </div>
      <div data-testid="identity-cost">
        {idp.cost.rejected.toLocaleString("en")} refused ({idp.cost.rejectedUnreachable.toLocaleString("en")} fail-closed) · {idp.cost.acceptedRevoked.toLocaleString("en")} revoked and{" "}
        {plural(idp.cost.acceptedRotatedKey, "rotated-key token")} accepted
      </div>
    </Box>
  );
});

const nodeTypes = { population: PopulationNode, director: DirectorNode, gateway: GatewayNode, endpoint: EndpointNode, audit: AuditNode, idp: IdpNode };

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
      laidOut.current = { key: structure, positions: layout(fresh.nodes, fresh.edges) };
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

  const openMenu = (event: React.MouseEvent, node: LabNode) => {
    event.preventDefault();
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
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
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
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
