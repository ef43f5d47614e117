/** The topology section: regions and the round trips between them, providers, logical models and callers. */
import { z } from "zod";
import { callers, checkCallers } from "./callers";
import { id, jurisdiction } from "./fields";
import { checkModels, logicalModel } from "./models";
import { checkProviders, deployedModelName, provider } from "./providers";
import { unknownRegion, type Issue, type References } from "./references";

const region = z.strictObject({
  id,
  jurisdiction,
  location: z.string().min(1).max(80).describe("Human-readable place, e.g. Dublin"),
});

const rttEntry = z.tuple([id, id, z.number().min(0).max(2_000)]);

export const topology = z.strictObject({
  regions: z.array(region).min(1),
  rtt_ms: z.array(rttEntry).default([]).describe("Symmetric round-trip times between regions; same region is 1 ms"),
  providers: z.array(provider).min(1),
  models: z.array(logicalModel).min(1),
  callers: z.array(callers).describe("Simulated caller populations; none for a gateway that only serves OpenAI clients (npm run serve)"),
});
export type Topology = z.infer<typeof topology>;

/** What `topology` declares, for every section's cross-reference checks; a repeated id counts once (its last entry for a provider). */
export function referencesOf(topology: Topology, hasIdentity: boolean): References {
  return {
    regions: new Set(topology.regions.map((r) => r.id)),
    providerModels: new Map(topology.providers.map((p) => [p.id, new Set(p.deployments.flatMap((d) => d.models.map(deployedModelName)))])),
    deployedIn: new Map(topology.providers.map((p) => [p.id, new Set(p.deployments.map((d) => d.region))])),
    logicalModels: new Set(topology.models.map((m) => m.id)),
    callers: new Set(topology.callers.map((c) => c.id)),
    hasIdentity,
  };
}

/** Duplicate regions, round trips between unknown regions or given twice, then providers, models and callers. */
export function checkTopology(topology: Topology, refs: References): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  topology.regions.forEach((r, i) => {
    if (seen.has(r.id)) issues.push({ path: ["topology", "regions", i, "id"], message: `duplicate region "${r.id}"` });
    seen.add(r.id);
  });
  const pairs = new Set<string>();
  topology.rtt_ms.forEach(([a, b], i) => {
    issues.push(...unknownRegion(refs, a, ["topology", "rtt_ms", i, 0]), ...unknownRegion(refs, b, ["topology", "rtt_ms", i, 1]));
    const pair = [a, b].sort().join("|");
    if (a === b) issues.push({ path: ["topology", "rtt_ms", i, 1], message: `a region's round trip to itself is fixed at 1 ms; remove [${a}, ${b}]` });
    else if (pairs.has(pair)) issues.push({ path: ["topology", "rtt_ms", i], message: `duplicate round-trip time for ${a} and ${b}` });
    pairs.add(pair);
  });
  return [...issues, ...checkProviders(topology.providers, refs), ...checkModels(topology.models, refs), ...checkCallers(topology.callers, refs)];
}
