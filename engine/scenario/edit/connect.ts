/**
 * The topology editor's edges: an edge drawn on the canvas between two entities, or erased, as one edit of the
 * scenario draft. What an edge means depends on the kinds it joins (a provider deployed in a region, a logical
 * model resolved to a provider's model, callers asking for a model or sitting in a region); a pair no field of
 * the format joins is refused with a sentence saying how the two are related instead. Like the ops in ops.ts,
 * each returns a new draft and leaves its input untouched.
 */
import { copy, deployedModels, entityOf, modelRefs, settle, simulatedEndpoint, type EntityKind, type ScenarioDraft } from "./ops";

/** One end of an edge. */
export interface EntityRef {
  readonly entity: EntityKind;
  readonly id: string;
}

type Pair = `${EntityKind}-${EntityKind}`;

/** The order an edge's ends are put in, so that each pair of kinds is handled once whichever end was drawn first. */
const ORDER: readonly EntityKind[] = ["region", "provider", "model", "callers"];

/** What to do instead, for each pair of kinds no field joins. */
const UNRELATED: Partial<Record<Pair, string>> = {
  "region-region": "regions are not joined by an edge: the round trip between two regions is set in topology.rtt_ms",
  "region-model": "a logical model is not placed in a region: connect it to a provider, and the provider to the region",
  "provider-provider": "providers are not joined to each other: connect each to a logical model, which falls back from one to the next",
  "provider-callers": "callers do not pick a provider: connect them to a logical model, and the model to a provider",
  "model-model": "logical models are not joined to each other: callers ask for one, so connect the callers to the other instead",
  "callers-callers": "caller populations are not joined to each other: connect each to a region and a logical model",
};

/** A copy of the draft to edit, and the two ends, checked to exist, in ORDER with the pair's name (`region-provider`, never `provider-region`). */
function edge(draft: ScenarioDraft, a: EntityRef, b: EntityRef): { next: ScenarioDraft; pair: Pair; lo: string; hi: string } {
  entityOf(draft, a.entity, a.id);
  entityOf(draft, b.entity, b.id);
  const [lo, hi] = ORDER.indexOf(a.entity) <= ORDER.indexOf(b.entity) ? [a, b] : [b, a];
  const pair: Pair = `${lo.entity}-${hi.entity}`;
  const unrelated = UNRELATED[pair];
  if (unrelated) throw new Error(unrelated);
  return { next: copy(draft), pair, lo: lo.id, hi: hi.id };
}

/**
 * The edge drawn: the provider deployed in the region (its endpoint simulated, with every model it deploys
 * elsewhere), the logical model resolved to the provider's next model it does not name yet (in `serves` when
 * nothing serves it, else last in `equivalents`), the callers asking for the model or moved to the region.
 */
export function connectEntities(draft: ScenarioDraft, a: EntityRef, b: EntityRef): ScenarioDraft {
  const { next, pair, lo, hi } = edge(draft, a, b);
  switch (pair) {
    case "region-provider": {
      const provider = entityOf(next, "provider", hi);
      if (provider.deployments.some((d) => d.region === lo)) throw new Error(`provider "${hi}" is already deployed in region "${lo}"`);
      provider.deployments.push({ region: lo, endpoint: simulatedEndpoint(hi, lo), models: deployedModels(provider) });
      break;
    }
    case "provider-model": {
      const model = entityOf(next, "model", hi);
      const named = new Set(modelRefs(model).filter((ref) => ref.provider === lo).map((ref) => ref.model));
      const unnamed = deployedModels(entityOf(next, "provider", lo)).find((name) => !named.has(name));
      if (unnamed === undefined) throw new Error(`logical model "${hi}" already names every model provider "${lo}" deploys`);
      if (model.serves.length === 0) model.serves.push({ provider: lo, model: unnamed });
      else model.equivalents = [...(model.equivalents ?? []), { provider: lo, model: unnamed }];
      break;
    }
    case "model-callers":
      entityOf(next, "callers", hi).model = lo;
      break;
    case "region-callers": {
      const callers = entityOf(next, "callers", hi);
      // Callers whose data came from where they sat take that origin with them; a set origin elsewhere stays.
      const from = next.topology.regions.find((r) => r.id === callers.region);
      if (callers.jurisdiction === from?.jurisdiction) callers.jurisdiction = entityOf(next, "region", lo).jurisdiction;
      callers.region = lo;
      break;
    }
  }
  return next;
}

/**
 * The edge erased: the provider's deployment in the region, with what only it deployed (through the same pruning
 * as a removal), or every reference of the logical model to the provider, its first equivalent taking over when
 * nothing is left serving. Callers always ask for one model from one region, so their edges are redrawn, not erased.
 */
export function disconnectEntities(draft: ScenarioDraft, a: EntityRef, b: EntityRef): ScenarioDraft {
  const { next, pair, lo, hi } = edge(draft, a, b);
  switch (pair) {
    case "region-provider": {
      const provider = entityOf(next, "provider", hi);
      if (!provider.deployments.some((d) => d.region === lo)) throw new Error(`provider "${hi}" is not deployed in region "${lo}"`);
      if (provider.deployments.length === 1) throw new Error(`region "${lo}" is provider "${hi}"'s only deployment: remove the provider instead`);
      provider.deployments = provider.deployments.filter((d) => d.region !== lo);
      settle(next, `disconnecting provider "${hi}" from region "${lo}"`);
      break;
    }
    case "provider-model": {
      const model = entityOf(next, "model", hi);
      if (!modelRefs(model).some((ref) => ref.provider === lo)) throw new Error(`logical model "${hi}" names no model of provider "${lo}"`);
      const others = <T extends { provider: string }>(refs: T[]) => refs.filter((ref) => ref.provider !== lo);
      model.serves = others(model.serves);
      for (const field of ["equivalents", "long_context", "content_policy_fallbacks"] as const) if (model[field]) model[field] = others(model[field]);
      if (model.serves.length === 0) {
        const [first, ...rest] = model.equivalents ?? [];
        if (!first) throw new Error(`disconnecting logical model "${hi}" from provider "${lo}" would leave nothing serving it: connect it to another provider first`);
        model.serves = [first];
        model.equivalents = rest;
      }
      break;
    }
    case "model-callers":
      throw new Error("callers ask for exactly one logical model: connect them to another model instead");
    case "region-callers":
      throw new Error("callers sit in exactly one region: connect them to another region instead");
  }
  return next;
}
