/**
 * A draft drawn as a graph, pure: a node per region, provider, logical model and caller population, and an edge per
 * relation the canvas can draw or remove (callers ask for a model and send from a region, a model is served by
 * providers, a provider is deployed in regions). Each node carries the problems the engine found inside its entry.
 */
import type { Edge, Node } from "@xyflow/react";
import type { DraftEntity, DraftRef, ScenarioDraftValue, ScenarioProblemView } from "../../../engine/lab/contract";
import { plural } from "../../format";
import { deployedModels, list, problemsAt, rows, text, type Row } from "../fieldPath";

export interface DraftNodeData extends Record<string, unknown> {
  readonly entity: DraftEntity;
  readonly id: string;
  readonly lines: readonly string[];
  readonly problems: readonly string[];
}
export type DraftNode = Node<DraftNodeData>;
export type DraftEdge = Edge<{ readonly from: DraftRef; readonly to: DraftRef }>;

export type Position = { readonly x: number; readonly y: number };

const LISTS = { region: "regions", provider: "providers", model: "models", callers: "callers" } as const satisfies Record<DraftEntity, string>;

/** Left to right as a request travels: callers, the logical model they ask for, its providers, their regions. */
const COLUMN: Record<DraftEntity, number> = { callers: 0, model: 1, provider: 2, region: 3 };
export const NODE_WIDTH = 190;
const COLUMN_STEP = NODE_WIDTH + 110;
const ROW_STEP = 110;

export const draftNodeId = (entity: DraftEntity, id: string): string => `${entity}:${id}`;

/** The entity a node id names; null for an id the canvas did not make. */
export function refOfNode(nodeId: string): DraftRef | null {
  const colon = nodeId.indexOf(":");
  const entity = nodeId.slice(0, colon);
  return colon > 0 && entity in LISTS ? { entity: entity as DraftEntity, id: nodeId.slice(colon + 1) } : null;
}

/** Where a node stands when the user has not placed it: its kind's column, its row in the list. */
export function defaultPosition(entity: DraftEntity, index: number): Position {
  return { x: COLUMN[entity] * COLUMN_STEP, y: index * ROW_STEP };
}

function linesOf(entity: DraftEntity, row: Row): string[] {
  switch (entity) {
    case "region":
      return [[text(row.jurisdiction), text(row.location)].filter(Boolean).join(" · ")];
    case "provider": {
      const models = [...new Set(list(row.deployments).flatMap((d) => deployedModels(d.models)))];
      return [plural(list(row.deployments).length, "deployment"), models.join(", ")];
    }
    case "model": {
      // The roles are said here rather than on the edges: a label on a short edge hides under the nodes it joins.
      const providers = (key: string) => [...new Set(list(row[key]).map((ref) => text(ref.provider)))].join(", ");
      return [text(row.routing_strategy) || "ordered", `serves: ${providers("serves") || "nothing"}`, providers("equivalents") && `fallbacks: ${providers("equivalents")}`];
    }
    case "callers":
      return [`${text(row.rate_per_s) || "?"}/s · ${text(row.jurisdiction) || "?"} data`, `asks for ${text(row.model) || "nothing"}`];
  }
}

export function draftNodes(draft: ScenarioDraftValue, problems: readonly ScenarioProblemView[], placed: ReadonlyMap<string, Position>): DraftNode[] {
  return (Object.keys(LISTS) as DraftEntity[]).flatMap((entity) =>
    rows(draft, LISTS[entity]).map((row, index): DraftNode => {
      const id = text(row.id);
      const nodeId = draftNodeId(entity, id);
      return {
        id: nodeId,
        type: "draft",
        position: placed.get(nodeId) ?? defaultPosition(entity, index),
        width: NODE_WIDTH,
        data: { entity, id, lines: linesOf(entity, row).filter(Boolean), problems: problemsAt(problems, ["topology", LISTS[entity], index]).map((p) => p.message) },
      };
    }),
  );
}

export function draftEdges(draft: ScenarioDraftValue): DraftEdge[] {
  const edges: DraftEdge[] = [];
  const edge = (from: DraftRef, to: DraftRef, look: { label?: string; dashed?: boolean }) =>
    edges.push({
      id: `${draftNodeId(from.entity, from.id)}>${draftNodeId(to.entity, to.id)}`,
      source: draftNodeId(from.entity, from.id),
      target: draftNodeId(to.entity, to.id),
      ...(look.label ? { label: look.label, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3 } : {}),
      style: look.dashed ? { strokeDasharray: "4 4" } : { strokeWidth: 2 },
      interactionWidth: 24,
      data: { from, to },
    });
  for (const c of rows(draft, "callers")) {
    const callers: DraftRef = { entity: "callers", id: text(c.id) };
    if (text(c.model)) edge(callers, { entity: "model", id: text(c.model) }, {});
    if (text(c.region)) edge(callers, { entity: "region", id: text(c.region) }, { label: "sends from", dashed: true });
  }
  for (const m of rows(draft, "models")) {
    const model: DraftRef = { entity: "model", id: text(m.id) };
    // One edge per provider, named by its first role: a provider both serving and a fallback is the server.
    const roles = new Map<string, string>();
    list(m.serves).forEach((ref) => roles.has(text(ref.provider)) || roles.set(text(ref.provider), "serves"));
    list(m.equivalents).forEach((ref, i) => roles.has(text(ref.provider)) || roles.set(text(ref.provider), `fallback ${i + 1}`));
    for (const [provider, role] of roles) edge(model, { entity: "provider", id: provider }, role === "serves" ? {} : { label: role, dashed: true });
  }
  for (const p of rows(draft, "providers")) {
    const provider: DraftRef = { entity: "provider", id: text(p.id) };
    for (const region of new Set(list(p.deployments).map((d) => text(d.region)))) if (region) edge(provider, { entity: "region", id: region }, {});
  }
  // An edge to an entity that does not exist (a typo in the file) has nothing to end at: its problem is on the node it starts from.
  const ids = new Set((Object.keys(LISTS) as DraftEntity[]).flatMap((entity) => rows(draft, LISTS[entity]).map((row) => draftNodeId(entity, text(row.id)))));
  return edges.filter((e) => ids.has(e.target));
}
