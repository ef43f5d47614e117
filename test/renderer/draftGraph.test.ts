import { describe, expect, it } from "vitest";
import type { ScenarioProblemView } from "../../engine/lab/contract";
import { defaultPosition, draftEdges, draftNodeId, draftNodes, refOfNode } from "../../renderer/editor/canvas/draftGraph";

const DRAFT = {
  topology: {
    regions: [
      { id: "eu-west", jurisdiction: "EU", location: "Dublin" },
      { id: "us-east", jurisdiction: "US", location: "Virginia" },
    ],
    providers: [
      { id: "acme", deployments: [{ region: "eu-west", endpoint: "https://a", models: ["m-1", { model: "m-2", rpm: 60 }] }, { region: "us-east", endpoint: "https://b", models: ["m-1"] }] },
      { id: "zen", deployments: [{ region: "us-east", endpoint: "https://c", models: ["z"] }] },
    ],
    models: [{ id: "chat", routing_strategy: "weighted", serves: [{ provider: "acme", model: "m-1" }, { provider: "acme", model: "m-2" }], equivalents: [{ provider: "zen", model: "z" }] }],
    callers: [{ id: "eu-apps", region: "eu-west", jurisdiction: "EU", model: "chat", rate_per_s: 5 }],
  },
};

const problem = (field: string, message: string): ScenarioProblemView => ({ file: "untitled.yaml", line: 1, column: 1, field, message });

describe("a draft drawn as a graph", () => {
  it("has a node per entity, in its kind's column unless the user placed it, saying what the forms hold", () => {
    const nodes = draftNodes(DRAFT, [], new Map([[draftNodeId("region", "us-east"), { x: 900, y: -40 }]]));
    expect(nodes.map((n) => n.id)).toEqual(["region:eu-west", "region:us-east", "provider:acme", "provider:zen", "model:chat", "callers:eu-apps"]);
    const at = (id: string) => nodes.find((n) => n.id === id)!;
    expect(at("region:eu-west").position).toEqual(defaultPosition("region", 0));
    expect(at("region:us-east").position).toEqual({ x: 900, y: -40 });
    // Callers, models, providers, regions from left to right, as a request travels.
    const columns = [at("callers:eu-apps"), at("model:chat"), at("provider:acme"), at("region:eu-west")].map((n) => n.position.x);
    expect(columns).toEqual([...columns].sort((a, b) => a - b));
    expect(new Set(columns).size).toBe(4);
    expect(at("provider:acme").data.lines).toEqual(["2 deployments", "m-1, m-2"]);
    expect(at("model:chat").data.lines).toEqual(["weighted", "serves: acme", "fallbacks: zen"]);
    expect(at("callers:eu-apps").data.lines).toEqual(["5/s · EU data", "asks for chat"]);
    expect(at("region:eu-west").data.lines).toEqual(["EU · Dublin"]);
  });

  it("puts each problem on the node whose entry holds it, not on a sibling sharing its first characters", () => {
    const many = { topology: { ...DRAFT.topology, regions: Array.from({ length: 11 }, (_, i) => ({ id: `r-${i}`, jurisdiction: "EU", location: "x" })) } };
    const nodes = draftNodes(many, [problem("topology.regions[1].jurisdiction", "not a jurisdiction"), problem("topology.regions", "too many")], new Map());
    expect(nodes.find((n) => n.id === "region:r-1")!.data.problems).toEqual(["not a jurisdiction"]);
    expect(nodes.find((n) => n.id === "region:r-10")!.data.problems).toEqual([]);
  });

  it("has an edge per relation the canvas draws, one per provider of a model, a fallback's dashed and numbered", () => {
    const edges = draftEdges(DRAFT);
    expect(edges.map((e) => `${e.source} ${e.label ?? ""} ${e.target}`.replace(/\s+/g, " "))).toEqual([
      "callers:eu-apps model:chat",
      "callers:eu-apps sends from region:eu-west",
      "model:chat provider:acme",
      "model:chat fallback 1 provider:zen",
      "provider:acme region:eu-west",
      "provider:acme region:us-east",
      "provider:zen region:us-east",
    ]);
    expect(edges[2]!.data).toEqual({ from: { entity: "model", id: "chat" }, to: { entity: "provider", id: "acme" } });
  });

  it("draws no edge to an entity the draft does not have, and reads a node id back to its entity", () => {
    const typo = { topology: { ...DRAFT.topology, callers: [{ ...DRAFT.topology.callers[0], model: "chta" }] } };
    expect(draftEdges(typo).some((e) => e.target === "model:chta")).toBe(false);
    expect(refOfNode("provider:acme")).toEqual({ entity: "provider", id: "acme" });
    expect(refOfNode("zone:EU")).toBeNull();
    expect(refOfNode("nocolon")).toBeNull();
  });
});
