import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LabController } from "../../engine/lab/controller";
import type { LabSnapshot } from "../../engine/lab/contract";
import { edgesFor, HEALTH_COLOUR, layout, LINK_COLOUR, nodeIds, nodesFor, SLOW_DASH, structureKey, zonesFor } from "../../renderer/topology/graph";
import { scenarioFolder } from "../../host/scenarioLibrary";

/** A real snapshot of the EU outage scenario, from the controller the app uses. */
let snapshot: LabSnapshot;
let controller: LabController;
beforeAll(async () => {
  controller = new LabController({ scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")), wallNow: () => 0, waitWallMs: async () => undefined });
  await controller.execute("loadScenario", { source: "library", name: "active-passive.yaml" });
  snapshot = await controller.execute("getSnapshot", {});
});
afterAll(() => controller.close());

describe("topology graph", () => {
  it("has a node for every caller population, gateway and endpoint, plus the director and audit store; no identity provider in a scenario without one", () => {
    const ids = nodesFor(snapshot).map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining([nodeIds.director, nodeIds.audit, ...snapshot.regions.map((r) => nodeIds.gateway(r.id)), ...snapshot.endpoints.map((e) => nodeIds.endpoint(e.id))]));
    expect(ids).toHaveLength(snapshot.populations.length + snapshot.regions.length + snapshot.endpoints.length + 2);
    expect(edgesFor(snapshot).some((e) => e.target === nodeIds.idp)).toBe(false);
  });

  it("draws a gateway as faulted while a fault whose kind says so holds there, and not for other kinds or once healed", async () => {
    const faulting = new LabController({ scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")), wallNow: () => 0, waitWallMs: async () => undefined });
    try {
      await faulting.execute("loadScenario", { source: "library", name: "active-passive.yaml" });
      const region = snapshot.regions[0]!.id;
      const faulted = async () => {
        const now = await faulting.execute("getSnapshot", {});
        return nodesFor(now).filter((n) => n.data.kind === "gateway" && n.data.faulted).map((n) => n.id);
      };
      const { faultId } = await faulting.execute("injectFault", { fault: { kind: "audit-partition", region } });
      expect(await faulted()).toEqual([]);
      await faulting.execute("heal", { faultId });
      const down = await faulting.execute("injectFault", { fault: { kind: "gateway-down", region } });
      expect(await faulted()).toEqual([nodeIds.gateway(region)]);
      await faulting.execute("runTo", { ms: 1_000 });
      await faulting.execute("heal", { faultId: down.faultId });
      expect(await faulted()).toEqual([]);
    } finally {
      await faulting.close();
    }
  });

  it("with an identity provider: its node, a link to every gateway that breaks when partitioned, and each gateway's cache age and policy", async () => {
    const identityController = new LabController({ scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")), wallNow: () => 0, waitWallMs: async () => undefined });
    try {
      await identityController.execute("loadScenario", { source: "library", name: "idp-partition-cached.yaml" });
      await identityController.execute("runTo", { ms: 200_000 });
      const identity = await identityController.execute("getSnapshot", {});
      expect(structureKey(identity)).not.toBe(structureKey({ ...identity, identity: null }));
      const nodes = nodesFor(identity);
      expect(nodes.map((n) => n.id)).toContain(nodeIds.idp);
      const links = edgesFor(identity).filter((e) => e.target === nodeIds.idp);
      expect(links.map((e) => e.data)).toEqual(identity.regions.map((r) => ({ idpOf: r.id })));
      // eu-west has been cut off since 150 s and noticed at its next refresh: its link is broken and red.
      expect(links.find((e) => e.source === nodeIds.gateway("eu-west"))?.style).toMatchObject({ strokeDasharray: "6 4", stroke: HEALTH_COLOUR.failed });
      expect(links.find((e) => e.source === nodeIds.gateway("us-east"))?.style).toMatchObject({ strokeDasharray: "2 4" });
      const gateway = (region: string) => nodes.find((n) => n.id === nodeIds.gateway(region))!.data;
      expect(gateway("eu-west")).toMatchObject({ identity: { policy: "cached ≤300 s", view: { state: "stale", partitioned: true, source: "eu-central" } } });
      const age = (region: string) => (gateway(region) as { identity: { view: { cacheAgeMs: number } } }).identity.view.cacheAgeMs;
      expect(age("eu-west")).toBeGreaterThan(60_000);
      expect(age("us-east")).toBeLessThan(60_000);
    } finally {
      identityController.close();
    }
  });

  it("lays every node out at its own place, callers left of the director and the director left of the gateways", () => {
    const nodes = nodesFor(snapshot);
    const positions = layout(nodes);
    const places = new Set([...positions.values()].map((p) => `${Math.round(p.x)},${Math.round(p.y)}`));
    expect(places.size).toBe(nodes.length);
    const x = (id: string) => positions.get(id)!.x;
    for (const population of snapshot.populations) expect(x(nodeIds.population(population.id))).toBeLessThan(x(nodeIds.director));
    for (const region of snapshot.regions) expect(x(nodeIds.gateway(region.id))).toBeGreaterThan(x(nodeIds.director));
  });

  it("draws a gateway's cross-region links only while they carry traffic, and dashes a withdrawn region's edge", () => {
    const [first, second] = snapshot.regions;
    const endpointElsewhere = snapshot.endpoints.find((e) => e.region !== first!.id)!;
    const crossId = `link:${first!.id}>${endpointElsewhere.id}`;
    expect(edgesFor(snapshot).some((e) => e.id === crossId)).toBe(false);
    const busy: LabSnapshot = {
      ...snapshot,
      links: [{ gateway: first!.id, endpoint: endpointElsewhere.id, share: 0.5, crossBorder: { consent: 0, transferMechanism: 0 } }],
      regions: snapshot.regions.map((r) => (r.id === second!.id ? { ...r, withdrawn: true } : r)),
    };
    const edges = edgesFor(busy);
    expect(edges.find((e) => e.id === crossId)?.style?.strokeWidth).toBe(6);
    expect(edges.find((e) => e.id === `e:director>${second!.id}`)?.style?.strokeDasharray).toBe("6 4");
  });

  it("marks the standby promoted once the director has promoted it", () => {
    const promoted: LabSnapshot = {
      ...snapshot,
      director: { ...snapshot.director, state: "standbyPromoted" },
      regions: snapshot.regions.map((r) => (r.role === "primary" ? { ...r, withdrawn: true } : r)),
    };
    const gateways = nodesFor(promoted).filter((n) => n.data.kind === "gateway");
    const flags = gateways.map((n) => (n.data.kind === "gateway" ? [n.data.region.role, n.data.standbyPromoted] : []));
    expect(flags).toContainEqual(["standby", true]);
    expect(flags).toContainEqual(["primary", false]);
  });

  it("keeps the same structure key while only states change, so dragged positions survive", () => {
    const later: LabSnapshot = { ...snapshot, nowMs: 99_000, regions: snapshot.regions.map((r) => ({ ...r, trafficShare: 0.3 })) };
    expect(structureKey(later)).toBe(structureKey(snapshot));
    expect(structureKey({ ...snapshot, scenario: { ...snapshot.scenario!, fileName: "other.yaml" } })).not.toBe(structureKey(snapshot));
  });

  it("draws a link serving callers across a border in its basis's colour, labelled with it; a fallback within the jurisdiction stays blue", () => {
    const [first] = snapshot.regions;
    const elsewhere = snapshot.endpoints.find((e) => e.region !== first!.id)!;
    const link = (consent: number, transferMechanism: number): LabSnapshot => ({ ...snapshot, links: [{ gateway: first!.id, endpoint: elsewhere.id, share: 0.3, crossBorder: { consent, transferMechanism } }] });
    const edge = (s: LabSnapshot) => edgesFor(s).find((e) => e.id === `link:${first!.id}>${elsewhere.id}`)!;
    expect(edge(link(0, 0))).toMatchObject({ style: { stroke: LINK_COLOUR.fallback } });
    expect(edge(link(0, 0)).label).toBeUndefined();
    expect(edge(link(12, 0))).toMatchObject({ style: { stroke: LINK_COLOUR.consent }, label: "cross-border · consent" });
    expect(edge(link(0, 5))).toMatchObject({ style: { stroke: LINK_COLOUR.transferMechanism }, label: "cross-border · transfer mechanism" });
    expect(LINK_COLOUR.consent).not.toBe(LINK_COLOUR.fallback);
  });

  it("draws the links a latency fault slows dashed and labelled with the added time, and says it on the gateway", () => {
    const [first] = snapshot.regions;
    const other = snapshot.regions.find((r) => r.id !== first!.id)!;
    const endpoint = snapshot.endpoints.find((e) => e.region === other.id)!;
    const slowed: LabSnapshot = {
      ...snapshot,
      links: [{ gateway: first!.id, endpoint: endpoint.id, share: 0.2, crossBorder: { consent: 0, transferMechanism: 0 } }],
      faults: [{ id: "f1", fault: { kind: "latency", at_s: 0, from: first!.id, to: other.id, added_ms: 6000 }, kind: "latency", injectedAt: 0, healedAt: null, byUser: false, faultedGateway: null } as LabSnapshot["faults"][number]],
    };
    const edge = edgesFor(slowed).find((e) => e.id === `link:${first!.id}>${endpoint.id}`)!;
    expect(edge.style?.strokeDasharray).toBe(SLOW_DASH);
    expect(edge.label).toBe("slowed +6,000 ms");
    const gateway = nodesFor(slowed).find((n) => n.id === nodeIds.gateway(first!.id))!.data;
    expect(gateway).toMatchObject({ slowed: [{ to: other.id, added: "+6,000 ms" }] });
  });

  it("gives every edge a hit area of at least 20 px and draws the aux links above the traffic, out of the gateways' aux handle", () => {
    const edges = edgesFor(snapshot);
    for (const edge of edges) expect(edge.interactionWidth).toBeGreaterThanOrEqual(20);
    const aux = edges.filter((e) => e.className === "edge-aux");
    expect(aux.length).toBe(snapshot.regions.length);
    for (const edge of aux) expect(edge).toMatchObject({ sourceHandle: "aux", targetHandle: "aux", zIndex: 1 });
  });

  it("lays each jurisdiction out in its own band, so the zones around their gateways and endpoints do not overlap", () => {
    const nodes = nodesFor(snapshot);
    const positions = layout(nodes);
    const zones = zonesFor(nodes.map((n) => ({ ...n, position: positions.get(n.id)! })));
    expect(zones.map((z) => z.jurisdiction).sort()).toEqual([...new Set(snapshot.regions.map((r) => r.jurisdiction))].sort());
    for (const a of zones)
      for (const b of zones) if (a !== b) expect(a.y + a.height <= b.y || b.y + b.height <= a.y || a.x + a.width <= b.x || b.x + b.width <= a.x).toBe(true);
    // The aux links' ends stand left of the gateways, in the director's column: nothing of another region lies between.
    for (const region of snapshot.regions) expect(positions.get(nodeIds.audit)!.x).toBeLessThan(positions.get(nodeIds.gateway(region.id))!.x);
  });
});
