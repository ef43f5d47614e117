/**
 * Which regional gateways may receive a caller's request, when residency counts the gateway too
 * (`policy.residency_scope: gateway-and-model`). The traffic director asks before it answers a caller; the
 * gateway's own policy check (engine/policy.ts) still judges what arrives, so a stale DNS answer is caught
 * there. Pure: the scenario and which regions serve now in, region ids out.
 */
import type { Scenario } from "./scenario/schema";

/**
 * The gateway regions the director may answer a caller with, in scenario order, never empty.
 *
 * Under `model` (the default), or for an origin without a residency rule, every region: residency binds
 * only where the model runs. Under `gateway-and-model`, the regions in the origin's allowed jurisdictions.
 * When none of those is serving, only `cross-border-with-transfer-mechanism` opens the others, since the
 * mechanism covers every request alike; consent does not, because a resolver cannot tell which caller
 * recorded it. So under `reject` and consent the caller is still sent to a home gateway and sees it fail,
 * rather than have its data received abroad. (The schema makes sure every rule has a region.)
 *
 * @param jurisdiction the jurisdiction of the caller's data subjects.
 * @param serving whether the director currently answers with a region.
 */
export function allowedGatewayRegions(scenario: Pick<Scenario, "policy" | "topology">, jurisdiction: string, serving: (region: string) => boolean): readonly string[] {
  const { policy, topology } = scenario;
  const regions = topology.regions.map((r) => r.id);
  const allowed = policy.residency[jurisdiction as keyof typeof policy.residency];
  if (policy.residency_scope === "model" || !allowed) return regions;
  const home = topology.regions.filter((r) => allowed.includes(r.jurisdiction)).map((r) => r.id);
  if (policy.outage_choice === "cross-border-with-transfer-mechanism" && !home.some(serving)) return regions;
  return home;
}
