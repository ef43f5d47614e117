/**
 * From a snapshot to React Flow's nodes and edges. The structure (which nodes exist) changes only with
 * the scenario, so it is laid out once, in a band per jurisdiction; every snapshot after that only
 * restyles it, and the positions a user dragged to are kept.
 */
import type { Edge, Node } from "@xyflow/react";
import type { EndpointView, FaultView, IdentityGatewayView, IdentityView, LabSnapshot, LinkView, NodeHealth, PopulationView, RegionView, UnansweredView } from "../../engine/lab/contract";

export type LabNodeData =
  | { readonly kind: "population"; readonly population: PopulationView }
  | { readonly kind: "director"; readonly director: LabSnapshot["director"] }
  | {
      readonly kind: "gateway";
      readonly region: RegionView;
      readonly faulted: boolean;
      readonly standbyPromoted: boolean;
      /** Paths from this gateway slowed by an active latency fault: the other end and the added ms. */
      readonly slowed: readonly SlowPath[];
      /** The gateway's cached identity keys and policy, when the scenario has an identity provider. */
      readonly identity: { readonly view: IdentityGatewayView; readonly policy: string } | null;
    }
  | { readonly kind: "endpoint"; readonly endpoint: EndpointView; readonly slowedBy: string | null }
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

/** A path between two regions slowed by a latency fault, as the gateway at one end sees it. */
export interface SlowPath {
  readonly to: string;
  /** The added round trip, e.g. "+6,000 ms" or "+100 → +2,000 ms" for a ramp. */
  readonly added: string;
}

/**
 * Node widths, and heights the layout reserves: a node's height is its content's (text wraps rather than
 * crossing the border), so each kind's height is given for its longest usual content.
 */
const SIZE: Record<LabNodeData["kind"], { width: number; height: number }> = {
  population: { width: 180, height: 80 },
  director: { width: 180, height: 70 },
  gateway: { width: 200, height: 136 },
  endpoint: { width: 210, height: 96 },
  audit: { width: 240, height: 130 },
  idp: { width: 240, height: 120 },
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

/** Link colours: within a region, to another region of the same jurisdiction, and across a border by lawful basis. */
export const LINK_COLOUR = { local: "#adb5bd", fallback: "#74c0fc", consent: "#da77f2", transferMechanism: "#f783ac" } as const;
/** Dashes of a link slowed by a latency fault (a withdrawn or broken one is dashed "6 4" in red). */
export const SLOW_DASH = "10 3 2 3";
/** The callers' border while they are served. */
export const CALLER_COLOUR = "#4dabf7";

/** Callers or a gateway by their last window's unanswered share: most of it unanswered is failing, some degraded. */
export function unansweredColour(unanswered: UnansweredView, otherwise: string): string {
  return unanswered.recentShare >= 0.5 ? HEALTH_COLOUR.failed : unanswered.recentShare > 0.05 ? HEALTH_COLOUR.degraded : otherwise;
}

/** The paths slowed now by latency faults, each as both of its ends see it (a path's latency counts both ways). */
function slowPaths(faults: readonly FaultView[]): Map<string, SlowPath[]> {
  const paths = new Map<string, SlowPath[]>();
  const add = (from: string, path: SlowPath) => paths.set(from, [...(paths.get(from) ?? []), path]);
  for (const view of faults) {
    if (view.healedAt !== null) continue;
    const fault = view.fault;
    const added = fault.kind === "latency" ? `+${fault.added_ms.toLocaleString("en")} ms` : fault.kind === "latency-ramp" ? `+${fault.start_ms.toLocaleString("en")} → +${fault.end_ms.toLocaleString("en")} ms` : null;
    if (added === null || !("from" in fault)) continue;
    add(fault.from, { to: fault.to, added });
    if (fault.to !== fault.from) add(fault.to, { to: fault.from, added });
  }
  return paths;
}

/** What slows an endpoint's answers now (a provider slowdown), or null. */
function endpointSlowdown(faults: readonly FaultView[], endpoint: EndpointView): string | null {
  for (const view of faults) {
    const fault = view.fault;
    if (view.healedAt === null && fault.kind === "provider-slowdown" && fault.provider === endpoint.provider && fault.region === endpoint.region) return `${fault.factor}× slower${fault.model ? ` for ${fault.model}` : ""}`;
  }
  return null;
}

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
  const slow = slowPaths(snapshot.faults);
  // Only the width is fixed: the height is the content's, so wrapped text grows the box instead of crossing it.
  const node = (id: string, data: LabNodeData): LabNode => ({ id, type: data.kind, position: { x: 0, y: 0 }, data: data as LabNode["data"], width: SIZE[data.kind].width });
  return [
    ...snapshot.populations.map((population) => node(nodeIds.population(population.id), { kind: "population", population })),
    node(nodeIds.director, { kind: "director", director: snapshot.director }),
    ...snapshot.regions.map((region) =>
      node(nodeIds.gateway(region.id), {
        kind: "gateway",
        region,
        faulted: faultedRegions.has(region.id),
        standbyPromoted: snapshot.director.state === "standbyPromoted" && region.role === "standby" && !region.withdrawn,
        slowed: slow.get(region.id) ?? [],
        identity: identity ? { view: identity.gateways.find((g) => g.region === region.id)!, policy: identityPolicy(identity) } : null,
      }),
    ),
    ...snapshot.endpoints.map((endpoint) => node(nodeIds.endpoint(endpoint.id), { kind: "endpoint", endpoint, slowedBy: endpointSlowdown(snapshot.faults, endpoint) })),
    node(nodeIds.audit, { kind: "audit", entries: snapshot.questions.audit.entries, chainOk: snapshot.chain?.ok ?? null, audit: snapshot.audit }),
    ...(identity ? [node(nodeIds.idp, { kind: "idp", identity })] : []),
  ];
}

const width = (share: number) => 1 + Math.round(share * 10);

/** Wide enough to hit a thin line with a mouse or a finger without aiming at the pixel. */
const HIT_WIDTH = 24;

/** The handles of the aux links (audit store, identity provider): out of a gateway's left side, below the director's edge. */
export const AUX_HANDLE = "aux";

/** A link's colour and label: a cross-border flow by its lawful basis, a fallback within the jurisdiction, a local one. */
function linkLook(link: LinkView | undefined, sameRegion: boolean): { stroke: string; label?: string; basis?: string } {
  const consent = link?.crossBorder.consent ?? 0;
  const transfer = link?.crossBorder.transferMechanism ?? 0;
  if (consent + transfer > 0) {
    const basis = consent > 0 && transfer > 0 ? "consent + transfer mechanism" : consent > 0 ? "consent" : "transfer mechanism";
    return { stroke: consent >= transfer ? LINK_COLOUR.consent : LINK_COLOUR.transferMechanism, label: `cross-border · ${basis}`, basis };
  }
  return { stroke: sameRegion ? LINK_COLOUR.local : LINK_COLOUR.fallback };
}

export function edgesFor(snapshot: LabSnapshot): Edge[] {
  const edges: Edge[] = [];
  const aux: Edge[] = [];
  for (const population of snapshot.populations) {
    const sending = Object.values(population.toGateway).some((share) => share > 0);
    edges.push({ id: `e:${population.id}>director`, source: nodeIds.population(population.id), target: nodeIds.director, animated: sending && snapshot.status === "playing", style: { strokeWidth: 2 }, interactionWidth: HIT_WIDTH });
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
      interactionWidth: HIT_WIDTH,
    });
    const buffering = snapshot.audit?.buffers.find((b) => b.region === region.id)?.state === "buffering";
    // Aux links leave the gateway on its left and are drawn above the traffic, so a click on one is about it.
    aux.push({
      id: `e:${region.id}>audit`,
      source: nodeIds.gateway(region.id),
      sourceHandle: AUX_HANDLE,
      target: nodeIds.audit,
      targetHandle: AUX_HANDLE,
      // A region cut off from its audit destination: the link is drawn broken until the buffer flushes.
      style: { strokeDasharray: buffering ? "6 4" : "2 4", stroke: buffering ? HEALTH_COLOUR.failed : "#868e96", strokeWidth: buffering ? 2 : 1.5 },
      className: "edge-aux",
      data: { auditOf: region.id },
      interactionWidth: HIT_WIDTH,
      zIndex: 1,
    });
    const idp = snapshot.identity?.gateways.find((g) => g.region === region.id);
    if (idp) {
      // Cut off from the identity provider, the link is drawn broken; it turns red once the gateway knows.
      const alarmed = idp.state === "stale" || idp.state === "fail-closed";
      aux.push({
        id: `e:${region.id}>idp`,
        source: nodeIds.gateway(region.id),
        sourceHandle: AUX_HANDLE,
        target: nodeIds.idp,
        targetHandle: AUX_HANDLE,
        style: { strokeDasharray: idp.partitioned ? "6 4" : "2 4", stroke: alarmed ? HEALTH_COLOUR.failed : idp.partitioned ? HEALTH_COLOUR.degraded : "#868e96", strokeWidth: idp.partitioned ? 2 : 1.5 },
        className: "edge-aux",
        data: { idpOf: region.id },
        interactionWidth: HIT_WIDTH,
        zIndex: 1,
      });
    }
  }
  const links = new Map(snapshot.links.map((l) => [`${l.gateway}>${l.endpoint}`, l]));
  const slow = slowPaths(snapshot.faults);
  for (const region of snapshot.regions)
    for (const endpoint of snapshot.endpoints) {
      const link = links.get(`${region.id}>${endpoint.id}`);
      const share = link?.share ?? 0;
      const slowed = slow.get(region.id)?.find((p) => p.to === endpoint.region);
      // Each gateway can route anywhere; drawing every pair would bury the graph, so cross-region links appear while they
      // carry traffic (a slowed path without traffic is told on the gateway node).
      if (endpoint.region !== region.id && share === 0) continue;
      const look = linkLook(link, endpoint.region === region.id);
      const label = [look.label, slowed && `slowed ${slowed.added}`].filter(Boolean).join(" · ");
      edges.push({
        id: `link:${region.id}>${endpoint.id}`,
        source: nodeIds.gateway(region.id),
        target: nodeIds.endpoint(endpoint.id),
        animated: share > 0 && snapshot.status === "playing",
        style: { strokeWidth: width(share), stroke: look.stroke, strokeDasharray: slowed ? SLOW_DASH : undefined },
        ...(label ? { label, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3, labelStyle: { fill: look.stroke } } : {}),
        data: { from: region.id, to: endpoint.region, share, ...(look.basis ? { basis: look.basis } : {}), ...(slowed ? { slowed: slowed.added } : {}) },
        interactionWidth: HIT_WIDTH,
      });
    }
  return [...edges, ...aux];
}

/** A jurisdiction drawn as a zone behind its gateways and endpoints. */
export interface Zone {
  readonly jurisdiction: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const ZONE_PAD = 14;
/** Room above a zone's first node for its label. */
const ZONE_LABEL = 22;
const COLUMN_GAP = 150;
/** How far apart across the director's column the identity provider and the audit store stand. */
const AUX_STAGGER = 120;
const ROW_GAP = 22;
/** Between two jurisdictions' bands: room for both zones' padding and the lower one's label. */
const BAND_GAP = 2 * ZONE_PAD + ZONE_LABEL + 16;

/** The jurisdiction each gateway and endpoint node lies in, which its zone encloses. */
function jurisdictionOf(node: LabNode): string | null {
  if (node.data.kind === "gateway") return node.data.region.jurisdiction;
  if (node.data.kind === "endpoint") return node.data.endpoint.jurisdiction;
  return null;
}

/** The zones around each jurisdiction's gateways and endpoints where they are now (after layout or a drag). */
export function zonesFor(nodes: readonly LabNode[]): Zone[] {
  const bounds = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
  for (const node of nodes) {
    const jurisdiction = jurisdictionOf(node);
    if (jurisdiction === null) continue;
    const size = SIZE[node.data.kind];
    const width = node.measured?.width ?? size.width;
    const height = node.measured?.height ?? size.height;
    const b = bounds.get(jurisdiction);
    const box = { x0: node.position.x, y0: node.position.y, x1: node.position.x + width, y1: node.position.y + height };
    bounds.set(jurisdiction, b ? { x0: Math.min(b.x0, box.x0), y0: Math.min(b.y0, box.y0), x1: Math.max(b.x1, box.x1), y1: Math.max(b.y1, box.y1) } : box);
  }
  return [...bounds].map(([jurisdiction, b]) => ({
    jurisdiction,
    x: b.x0 - ZONE_PAD,
    y: b.y0 - ZONE_PAD - ZONE_LABEL,
    width: b.x1 - b.x0 + 2 * ZONE_PAD,
    height: b.y1 - b.y0 + 2 * ZONE_PAD + ZONE_LABEL,
  }));
}

/**
 * Left to right: callers, then the director between the identity provider (above) and the audit store
 * (below), then gateways, then providers. Gateways, endpoints and callers sit in one band per
 * jurisdiction, so each jurisdiction's zone is a rectangle no other jurisdiction's node enters, and a
 * gateway's own endpoints face it. The aux links run from the gateways' left sides back to the director's
 * column, through the gap between two columns where no node stands.
 */
export function layout(nodes: readonly LabNode[]): Map<string, { x: number; y: number }> {
  const regionOrder = nodes.flatMap((n) => (n.data.kind === "gateway" ? [n.data.region.id] : []));
  const rank = (region: string) => (regionOrder.includes(region) ? regionOrder.indexOf(region) : regionOrder.length);
  const jurisdictions: string[] = [];
  const bandOf = (node: LabNode): string | null => jurisdictionOf(node) ?? (node.data.kind === "population" ? node.data.population.jurisdiction : null);
  for (const node of nodes) {
    const j = bandOf(node);
    if (j !== null && !jurisdictions.includes(j)) jurisdictions.push(j);
  }
  const regionOfNode = (node: LabNode) => (node.data.kind === "gateway" ? node.data.region.id : node.data.kind === "endpoint" ? node.data.endpoint.region : node.data.kind === "population" ? node.data.population.region : "");
  const width = (kind: LabNodeData["kind"]) => SIZE[kind].width;
  const x = { population: 0, middle: width("population") + COLUMN_GAP };
  const gatewayX = x.middle + Math.max(width("director"), width("audit"), width("idp")) + COLUMN_GAP;
  const endpointX = gatewayX + width("gateway") + COLUMN_GAP;
  const columnX: Record<string, number> = { population: x.population, gateway: gatewayX, endpoint: endpointX };

  const positions = new Map<string, { x: number; y: number }>();
  let top = 0;
  for (const jurisdiction of jurisdictions) {
    const columns = (["population", "gateway", "endpoint"] as const).map((kind) =>
      nodes.filter((n) => n.data.kind === kind && bandOf(n) === jurisdiction).sort((a, b) => rank(regionOfNode(a)) - rank(regionOfNode(b))),
    );
    const heightOf = (column: readonly LabNode[]) => column.reduce((h, n) => h + SIZE[n.data.kind].height, 0) + Math.max(0, column.length - 1) * ROW_GAP;
    const band = Math.max(...columns.map(heightOf));
    for (const column of columns) {
      let y = top + (band - heightOf(column)) / 2;
      for (const node of column) {
        positions.set(node.id, { x: columnX[node.data.kind]!, y });
        y += SIZE[node.data.kind].height + ROW_GAP;
      }
    }
    top += band + BAND_GAP;
  }
  const middle = Math.max(0, top - BAND_GAP) / 2;
  const director = nodes.find((n) => n.id === nodeIds.director);
  const centred = (kind: LabNodeData["kind"]) => x.middle + (Math.max(width("director"), width("audit"), width("idp")) - width(kind)) / 2;
  if (director) positions.set(director.id, { x: centred("director"), y: middle - SIZE.director.height / 2 });
  // The two fans of aux links cross; set apart across the column, their midpoints (where a click lands) are not on each other.
  const idp = nodes.find((n) => n.id === nodeIds.idp);
  if (idp) positions.set(idp.id, { x: centred("idp") + AUX_STAGGER / 2, y: middle - SIZE.director.height / 2 - 3 * ROW_GAP - SIZE.idp.height });
  const audit = nodes.find((n) => n.id === nodeIds.audit);
  if (audit) positions.set(audit.id, { x: centred("audit") - AUX_STAGGER / 2, y: middle + SIZE.director.height / 2 + 3 * ROW_GAP });
  return positions;
}
