import type { GraphTarget } from "./graph";

/** The menu's heading for what was clicked; a region's link to itself reads "within", not "eu ↔ eu". */
export function menuTitle(target: GraphTarget): string {
  if (target.kind === "gateway") return `Region ${target.region}`;
  if (target.kind === "endpoint") return `Endpoint ${target.endpoint}`;
  if (target.kind === "population") return `Callers ${target.population}`;
  if (target.kind === "audit") return target.regions.length === 1 ? `Audit link of ${target.regions[0]}` : "Audit store";
  if (target.kind === "idp") return target.idpRegions.length === 0 ? `Identity link of ${target.regions[0]}` : "Identity provider";
  return target.from === target.to ? `Link within ${target.from}` : `Link ${target.from} ↔ ${target.to}`;
}
