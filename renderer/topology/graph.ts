/**
 * From a snapshot to React Flow's nodes and edges. The structure (which nodes exist) changes only with
 * the scenario, so it is laid out once with dagre; every snapshot after that only restyles it, and the
 * positions a user dragged to are kept.
 */
import dagre from "@dagrejs/dagre";
import type { Edge, Node } from "@xyflow/react";
import type { EndpointView, IdentityGatewayView, IdentityView, LabSnapshot, NodeHealth, PopulationView, RegionView } from "../../engine/lab/contract";

export type LabNodeData =
  | { readonly kind: "population"; readonly population: PopulationView }
  | { readonly kind: "director"; readonly director: LabSnapshot["director"] }
  | {
      readonly kind: "gateway";
      readonly region: RegionView;
      readonly faulted: boolean;
      readonly standbyPromoted: boolean;
      /** The gateway's cached identity keys and policy, when the scenario has an identity provider. */
      readonly identity: { readonly view: IdentityGatewayView; readonly policy: string } | null;
    }
  | { readonly kind: "endpoint"; readonly endpoint: EndpointView }
  | { readonly kind: "audit"; readonly entries: number; readonly chainOk: boolean | null; readonly audit: LabSnapshot["audit"] }
  | { readonly kind: "idp"; readonly identity: IdentityView };

export type LabNode = Node<LabNodeData & Record<string, unknown>>;

/** What a click on the graph is about: the fault menu offers what fits it. */
export type GraphTarget =
  | { readonly kind: "gateway"; readonly region: string; readonly identity: boolean }
  | { readonly kind: "endpoint"; readonly endpoint: string; readonly provider: string; readonly region: string; readonly models: readonly string[] }
  | { readonly kind: "link"; readonly from: string; readonly to: string }
  | { readonly kind: "audit"; readonly regions: readonly string[] }
  | { readonly kind: "idp"; readonly regions: readonly string[]; readonly idpRegions: readonly string[] }
  | { readonly kind: "population"; readonly population: string };

const SIZE: Record<LabNodeData["kind"], { width: number; height: number }> = {
  population: { width: 170, height: 64 },
  director: { width: 180, height: 70 },
  gateway: { width: 190, height: 112 },
  endpoint: { width: 210, height: 84 },
  audit: { width: 210, height: 96 },
  idp: { width: 210, height: 96 },
};

export const nodeIds = {
  population: (id: string) => `pop:${id}`,
  gateway: (region: string) => `gw:${region}`,
  endpoint: (id: string) => `ep:${id}`,
  director: "director",
  audit: "audit",
  idp: "idp",
};

export const HEALTH_COLOUR: Record<NodeHealth, string> = {
  healthy: "#2f9e44",
  degraded: "#f59f00",
  failed: "#e03131",
  unknown: "#868e96",
};

/** A key that changes only when the set of nodes does. */
export function structureKey(snapshot: LabSnapshot): string {
  return [snapshot.scenario?.fileName ?? "", snapshot.identity ? "idp" : "", ...snapshot.populations.map((p) => p.id), ...snapshot.regions.map((r) => r.id), ...snapshot.endpoints.map((e) => e.id)].join("|");
}

/** What a gateway node says of its identity policy: how long it trusts cached keys, or that it does not. */
function identityPolicy(identity: IdentityView): string {
  return identity.onUnreachable === "cached" ? `cached ≤${identity.maxStalenessS} s` : "fail-closed";
}

export function nodesFor(snapshot: LabSnapshot): LabNode[] {
  const faultedRegions = new Set(
    snapshot.faults.flatMap((f) => (f.healedAt === null && f.faultedGateway !== null ? [f.faultedGateway] : [])),
  );
  const identity = snapshot.identity;
  const node = (id: string, data: LabNodeData): LabNode => ({ id, type: data.kind, position: { x: 0, y: 0 }, data: data as LabNode["data"], ...SIZE[data.kind] });
  return [
    ...snapshot.populations.map((population) => node(nodeIds.population(population.id), { kind: "population", population })),
    node(nodeIds.director, { kind: "director", director: snapshot.director }),
    ...snapshot.regions.map((region) =>
      node(nodeIds.gateway(region.id), {
        kind: "gateway",
        region,
        faulted: faultedRegions.has(region.id),
        standbyPromoted: snapshot.director.state === "standbyPromoted" && region.role === "standby" && !region.withdrawn,
        identity: identity ? { view: identity.gateways.find((g) => g.region === region.id)!, policy: identityPolicy(identity) } : null,
      }),
    ),
    ...snapshot.endpoints.map((endpoint) => node(nodeIds.endpoint(endpoint.id), { kind: "endpoint", endpoint })),
    node(nodeIds.audit, { kind: "audit", entries: snapshot.questions.audit.entries, chainOk: snapshot.chain?.ok ?? null, audit: snapshot.audit }),
    ...(identity ? [node(nodeIds.idp, { kind: "idp", identity })] : []),
  ];
}

const width = (share: number) => 1 + Math.round(share * 10);

export function edgesFor(snapshot: LabSnapshot): Edge[] {
  const edges: Edge[] = [];
  for (const population of snapshot.populations) {
    const sending = Object.values(population.toGateway).some((share) => share > 0);
    edges.push({ id: `e:${population.id}>director`, source: nodeIds.population(population.id), target: nodeIds.director, animated: sending && snapshot.status === "playing", style: { strokeWidth: 2 } });
  }
  for (const region of snapshot.regions) {
    edges.push({
      id: `e:director>${region.id}`,
      source: nodeIds.director,
      target: nodeIds.gateway(region.id),
      // No label: the share is on the gateway node, and an edge label is measured (getBBox) on every update.
      animated: region.trafficShare > 0 && snapshot.status === "playing",
      style: { strokeWidth: width(region.trafficShare), stroke: region.withdrawn ? HEALTH_COLOUR.failed : "#adb5bd", strokeDasharray: region.withdrawn ? "6 4" : undefined },
      data: { share: region.trafficShare },
    });
    const buffering = snapshot.audit?.buffers.find((b) => b.region === region.id)?.state === "buffering";
    edges.push({
      id: `e:${region.id}>audit`,
      source: nodeIds.gateway(region.id),
      target: nodeIds.audit,
      // A region cut off from its audit destination: the link is drawn broken until the buffer flushes.
      style: { strokeDasharray: buffering ? "6 4" : "2 4", stroke: buffering ? HEALTH_COLOUR.failed : "#495057", strokeWidth: buffering ? 2 : 1 },
      className: "edge-aux",
      data: { auditOf: region.id },
      interactionWidth: 16,
    });
    const idp = snapshot.identity?.gateways.find((g) => g.region === region.id);
    if (idp) {
      // Cut off from the identity provider, the link is drawn broken; it turns red once the gateway knows.
      const alarmed = idp.state === "stale" || idp.state === "fail-closed";
      edges.push({
        id: `e:${region.id}>idp`,
        source: nodeIds.gateway(region.id),
        target: nodeIds.idp,
        style: { strokeDasharray: idp.partitioned ? "6 4" : "2 4", stroke: alarmed ? HEALTH_COLOUR.failed : idp.partitioned ? HEALTH_COLOUR.degraded : "#495057", strokeWidth: idp.partitioned ? 2 : 1 },
        className: "edge-aux",
        data: { idpOf: region.id },
        interactionWidth: 16,
      });
    }
  }
  const linkShare = new Map(snapshot.links.map((l) => [`${l.gateway}>${l.endpoint}`, l.share]));
  for (const region of snapshot.regions)
    for (const endpoint of snapshot.endpoints) {
      const share = linkShare.get(`${region.id}>${endpoint.id}`) ?? 0;
      // Each gateway can route anywhere; drawing every pair would bury the graph, so cross-region links appear while they carry traffic.
      if (endpoint.region !== region.id && share === 0) continue;
      edges.push({
        id: `link:${region.id}>${endpoint.id}`,
        source: nodeIds.gateway(region.id),
        target: nodeIds.endpoint(endpoint.id),
        animated: share > 0 && snapshot.status === "playing",
        style: { strokeWidth: width(share), stroke: endpoint.region === region.id ? "#adb5bd" : "#74c0fc" },
        data: { from: region.id, to: endpoint.region, share },
        interactionWidth: 16,
      });
    }
  return edges;
}

/** Left to right: callers, director, gateways, providers; the audit store and identity provider below the gateways. */
export function layout(nodes: readonly LabNode[], edges: readonly Edge[]): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 110, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  // dagre writes the position into the label object it is given, so each node needs its own.
  for (const node of nodes) graph.setNode(node.id, { ...SIZE[node.data.kind] });
  for (const edge of edges) if (!edge.className?.includes("edge-aux")) graph.setEdge(edge.source, edge.target);
  graph.setEdge(nodeIds.director, nodeIds.audit);
  if (nodes.some((n) => n.id === nodeIds.idp)) graph.setEdge(nodeIds.director, nodeIds.idp);
  dagre.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const { x, y } = graph.node(node.id);
    const size = SIZE[node.data.kind];
    positions.set(node.id, { x: x - size.width / 2, y: y - size.height / 2 });
  }
  return positions;
}
