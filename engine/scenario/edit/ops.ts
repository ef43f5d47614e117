/**
 * The topology editor's operations on a scenario draft (the file as plain data, before defaults): add a region,
 * provider, logical model or caller population with a fresh id; remove one together with everything that names
 * it; rename one everywhere it is named. Each returns a new draft and leaves its input untouched, so the editor
 * can keep the previous draft for undo; the result validates whenever the input did.
 */
import type { ScenarioInput } from "../schema";
import { deployedModelName } from "../sections/providers";

export type ScenarioDraft = ScenarioInput;
type Topology = ScenarioDraft["topology"];
type LogicalModel = Topology["models"][number];
type ModelRef = LogicalModel["serves"][number];
type Provider = Topology["providers"][number];
type Entities = { region: Topology["regions"][number]; provider: Provider; model: LogicalModel; callers: Topology["callers"][number] };

/** What the editor adds, removes and renames: each kind's list in `topology`. */
export type EntityKind = "region" | "provider" | "model" | "callers";

const LISTS = { region: "regions", provider: "providers", model: "models", callers: "callers" } as const;

/** The shape every id must have (engine/scenario/sections/fields.ts). */
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `base-1`, `base-2`, …: the first that no entity of the kind already has. */
function freshId(draft: ScenarioDraft, kind: EntityKind, base: string): string {
  const taken = new Set(draft.topology[LISTS[kind]].map((entity) => entity.id));
  let n = 1;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/** The entity of that kind with that id; throws when there is none. */
export function entityOf<K extends EntityKind>(draft: ScenarioDraft, kind: K, id: string): Entities[K] {
  const found = (draft.topology[LISTS[kind]] as Entities[K][]).find((entity) => entity.id === id);
  if (!found) throw new Error(`there is no ${kind} "${id}"`);
  return found;
}

/** The model names the provider deploys anywhere, each once, in the order the file first names them. */
export function deployedModels(provider: Provider): string[] {
  return [...new Set(provider.deployments.flatMap((d) => d.models.map(deployedModelName)))];
}

/** Where a simulated provider answers in a region: its host names both, so a run's log reads without a lookup. */
export function simulatedEndpoint(provider: string, region: string): string {
  return `https://${provider}.${region}.sim.test`;
}

function requireFirst<T>(list: readonly T[], missing: string): T {
  if (list.length === 0) throw new Error(missing);
  return list[0]!;
}

export function copy(draft: ScenarioDraft): ScenarioDraft {
  return structuredClone(draft);
}

/** A region in the first region's jurisdiction (so residency rules keep applying), reached in 50 ms from every other. */
export function addRegion(draft: ScenarioDraft): { draft: ScenarioDraft; id: string } {
  const next = copy(draft);
  const id = freshId(next, "region", "region");
  const first = next.topology.regions[0];
  next.topology.regions.push({ id, jurisdiction: first?.jurisdiction ?? "EU", location: "New region" });
  next.topology.rtt_ms = [...(next.topology.rtt_ms ?? []), ...next.topology.regions.filter((r) => r.id !== id).map((r): [string, string, number] => [r.id, id, 50])];
  return { draft: next, id };
}

/** A provider deployed in the first region with one model, at a simulated endpoint named after both. */
export function addProvider(draft: ScenarioDraft): { draft: ScenarioDraft; id: string } {
  const next = copy(draft);
  const id = freshId(next, "provider", "provider");
  const region = requireFirst(next.topology.regions, "a provider is deployed in a region: add a region first").id;
  next.topology.providers.push({ id, deployments: [{ region, endpoint: simulatedEndpoint(id, region), models: ["model-a"] }] });
  return { draft: next, id };
}

/** A logical model served by the first provider's first model. */
export function addModel(draft: ScenarioDraft): { draft: ScenarioDraft; id: string } {
  const next = copy(draft);
  const id = freshId(next, "model", "model");
  const provider = requireFirst(next.topology.providers, "a logical model is served by a provider's model: add a provider first");
  next.topology.models.push({ id, serves: [{ provider: provider.id, model: deployedModels(provider)[0]! }] });
  return { draft: next, id };
}

/** One request a second from the first region, in its jurisdiction, asking for the first logical model. */
export function addCallers(draft: ScenarioDraft): { draft: ScenarioDraft; id: string } {
  const next = copy(draft);
  const id = freshId(next, "callers", "callers");
  const region = requireFirst(next.topology.regions, "callers sit in a region: add a region first");
  const model = requireFirst(next.topology.models, "callers ask for a logical model: add one first");
  next.topology.callers.push({ id, region: region.id, jurisdiction: region.jurisdiction, model: model.id, rate_per_s: 1 });
  return { draft: next, id };
}

/**
 * The entity and everything left naming what no longer exists: a region's round trips, deployments, callers and
 * faults, a provider left with no deployment, model references to a model nobody deploys, a logical model left
 * serving nothing and its callers, the director's, audit's and identity provider's mentions of the region. Throws
 * when that would leave a list the format requires empty, or a residency rule no gateway it needs.
 */
export function removeEntity(draft: ScenarioDraft, kind: EntityKind, id: string): ScenarioDraft {
  const next = copy(draft);
  entityOf(next, kind, id);
  const list = next.topology[LISTS[kind]] as { id: string }[];
  (next.topology[LISTS[kind]] as { id: string }[]) = list.filter((entity) => entity.id !== id);
  settle(next, `removing ${kind} "${id}"`);
  return next;
}

/**
 * Everything left naming what no longer exists pruned from the draft, in place, after `change` (e.g. `removing
 * region "eu-west"`) took something out; throws, naming the change, when that would leave a list the format
 * requires empty, or a residency rule no gateway it needs.
 */
export function settle(next: ScenarioDraft, change: string): void {
  prune(next);
  for (const required of ["regions", "providers", "models"] as const)
    if (next.topology[required].length === 0) throw new Error(`${change} would leave no ${required}: a scenario needs at least one`);
  // Residency rules are the author's compliance statement, so they are never pruned: a change that leaves one
  // without a gateway it allows is refused instead.
  if (next.policy.residency_scope === "gateway-and-model") {
    const served = new Set(next.topology.regions.map((r) => r.jurisdiction));
    for (const [origin, allowed = []] of Object.entries(next.policy.residency))
      if (!allowed.some((j) => served.has(j)))
        throw new Error(`${change} would leave ${origin}-origin callers no gateway in ${allowed.join("/")}, which residency_scope gateway-and-model requires`);
  }
}

/** Until nothing changes, since a removal can strand what named the removed entity, and that in turn what named it. */
function prune(draft: ScenarioDraft): void {
  const t = draft.topology;
  for (let before = ""; before !== JSON.stringify(draft); ) {
    before = JSON.stringify(draft);
    const regions = new Set(t.regions.map((r) => r.id));
    if (t.rtt_ms) t.rtt_ms = t.rtt_ms.filter(([a, b]) => regions.has(a) && regions.has(b));
    for (const p of t.providers) p.deployments = p.deployments.filter((d) => regions.has(d.region));
    t.providers = t.providers.filter((p) => p.deployments.length > 0);
    const deployed = new Map(t.providers.map((p) => [p.id, new Set(deployedModels(p))]));
    const servable = (ref: ModelRef) => deployed.get(ref.provider)?.has(ref.model) === true;
    for (const m of t.models) {
      m.serves = m.serves.filter(servable);
      for (const field of ["equivalents", "long_context", "content_policy_fallbacks"] as const) if (m[field]) m[field] = m[field].filter(servable);
    }
    t.models = t.models.filter((m) => m.serves.length > 0);
    const models = new Set(t.models.map((m) => m.id));
    t.callers = t.callers.filter((c) => regions.has(c.region) && models.has(c.model));
    pruneSections(draft, regions);
    const populations = new Set(t.callers.map((c) => c.id));
    if (draft.faults) draft.faults = draft.faults.filter((f) => faultStands(f, regions, deployed, populations, draft.identity?.regions));
  }
}

function pruneSections(draft: ScenarioDraft, regions: ReadonlySet<string>): void {
  const { director, audit, identity } = draft;
  if (director) {
    // Active-passive cannot run without a primary, so the first region left takes over; elsewhere it was unused.
    if (director.primary !== undefined && !regions.has(director.primary)) {
      if (director.layout === "active-passive") director.primary = draft.topology.regions[0]!.id;
      else delete director.primary;
    }
    if (director.weights) director.weights = Object.fromEntries(Object.entries(director.weights).filter(([r]) => regions.has(r)));
    if (director.checkers) {
      director.checkers = director.checkers.filter((r) => regions.has(r));
      if (director.checkers.length === 0) delete director.checkers;
    }
  }
  if (audit) {
    if (audit.destination !== undefined && !regions.has(audit.destination)) delete audit.destination;
    if (audit.high_risk_replicas !== undefined && audit.high_risk_replicas > regions.size) audit.high_risk_replicas = regions.size;
  }
  if (identity) {
    identity.regions = identity.regions.filter((r) => regions.has(r));
    // An identity provider served nowhere is none: callers send no tokens, so bad tokens go with it.
    if (identity.regions.length === 0) {
      delete draft.identity;
      for (const c of draft.topology.callers) delete c.bad_tokens;
    }
  }
}

/** A fault's references all still exist (engine/faults/*.ts `references`). */
function faultStands(
  fault: NonNullable<ScenarioDraft["faults"]>[number],
  regions: ReadonlySet<string>,
  deployed: ReadonlyMap<string, ReadonlySet<string>>,
  populations: ReadonlySet<string>,
  identityRegions: readonly string[] | undefined,
): boolean {
  const f = fault as { region?: string; from?: string; to?: string; provider?: string; model?: string; population?: string };
  if ([f.region, f.from, f.to].some((r) => r !== undefined && !regions.has(r))) return false;
  if (f.provider !== undefined && (!deployed.has(f.provider) || (f.model !== undefined && !deployed.get(f.provider)!.has(f.model)))) return false;
  if (f.population !== undefined && !populations.has(f.population)) return false;
  const needsIdentity = fault.kind === "idp-outage" || fault.kind === "idp-partition" || fault.kind === "key-rotation" || fault.kind === "token-revocation";
  if (needsIdentity && identityRegions === undefined) return false;
  return !(fault.kind === "idp-outage" && !identityRegions!.includes(fault.region));
}

/** The entity's id changed to `to` in every field that names it. */
export function renameEntity(draft: ScenarioDraft, kind: EntityKind, from: string, to: string): ScenarioDraft {
  if (!ID.test(to)) throw new Error(`"${to}" is not an id: lower-case letters, digits and dashes (e.g. eu-west)`);
  const next = copy(draft);
  entityOf(next, kind, from);
  const list = next.topology[LISTS[kind]] as { id: string }[];
  if (from !== to && list.some((entity) => entity.id === to)) throw new Error(`a ${kind} "${to}" already exists`);
  const swap = (value: string) => (value === from ? to : value);
  for (const entity of list) entity.id = swap(entity.id);
  const t = next.topology;
  const faults = (next.faults ?? []) as { region?: string; from?: string; to?: string; provider?: string; population?: string }[];
  if (kind === "region") {
    if (t.rtt_ms) t.rtt_ms = t.rtt_ms.map(([a, b, ms]) => [swap(a), swap(b), ms]);
    for (const p of t.providers) for (const d of p.deployments) d.region = swap(d.region);
    for (const c of t.callers) c.region = swap(c.region);
    const { director, audit, identity } = next;
    if (director?.primary !== undefined) director.primary = swap(director.primary);
    if (director?.weights) director.weights = Object.fromEntries(Object.entries(director.weights).map(([r, w]) => [swap(r), w]));
    if (director?.checkers) director.checkers = director.checkers.map(swap);
    if (audit?.destination !== undefined) audit.destination = swap(audit.destination);
    if (identity) identity.regions = identity.regions.map(swap);
    for (const f of faults) for (const field of ["region", "from", "to"] as const) if (f[field] !== undefined) f[field] = swap(f[field]);
  } else if (kind === "provider") {
    for (const m of t.models) for (const ref of modelRefs(m)) ref.provider = swap(ref.provider);
    for (const f of faults) if (f.provider !== undefined) f.provider = swap(f.provider);
  } else if (kind === "model") {
    for (const c of t.callers) c.model = swap(c.model);
  } else {
    for (const f of faults) if (f.population !== undefined) f.population = swap(f.population);
  }
  return next;
}

/** Every provider model the logical model names, in serves, equivalents, long_context and content_policy_fallbacks. */
export function modelRefs(m: LogicalModel): ModelRef[] {
  return [...m.serves, ...(m.equivalents ?? []), ...(m.long_context ?? []), ...(m.content_policy_fallbacks ?? [])];
}
