/** Checks and predicates several fault kinds share. */
import type { FaultCheckContext, FaultIssue, ImpactHooks } from "./kind";

/** The region must exist. */
export function knownRegion(context: FaultCheckContext, value: string, field: string): FaultIssue[] {
  return context.regions.has(value) ? [] : [{ field, message: `unknown region "${value}" (known: ${[...context.regions].join(", ")})` }];
}

/**
 * The fault's endpoint must exist: the region, the provider, the model if named, and (when `deployed`) the
 * provider's deployment in the region.
 */
export function knownEndpoint(
  context: FaultCheckContext,
  fault: { readonly region: string; readonly provider?: string | undefined; readonly model?: string | undefined },
  deployed: boolean,
): FaultIssue[] {
  const issues = knownRegion(context, fault.region, "region");
  if (fault.provider === undefined) return issues;
  const provider = context.providers.get(fault.provider);
  if (!provider) return [...issues, { field: "provider", message: `unknown provider "${fault.provider}"` }];
  if (fault.model !== undefined && !provider.models.has(fault.model)) issues.push({ field: "model", message: `provider "${fault.provider}" deploys no model "${fault.model}"` });
  if (deployed && !provider.regions.has(fault.region)) issues.push({ field: "region", message: `provider "${fault.provider}" has no deployment in "${fault.region}"` });
  return issues;
}

/** The caller population must exist. */
export function knownPopulation(context: FaultCheckContext, population: string): FaultIssue[] {
  return context.populations.has(population) ? [] : [{ field: "population", message: `unknown caller population "${population}" (known: ${[...context.populations].join(", ")})` }];
}

/** Kinds that act on the identity provider need one. */
export function needsIdentity(context: FaultCheckContext, kind: string): FaultIssue[] {
  return context.identityRegions ? [] : [{ field: "kind", message: `${kind} needs an identity section: without one there is no identity provider` }];
}

/** The region of a `provider@region/model` target; undefined for a subject that is not a target. */
export function regionOf(target: string): string | undefined {
  return target.split("/")[0]!.split("@")[1];
}

/** A `provider@region/model` target of the endpoint, of one model or (model undefined) any. */
function targetAt(target: string, provider: string, region: string, model: string | undefined): boolean {
  return model === undefined ? target.startsWith(`${provider}@${region}/`) : target === `${provider}@${region}/${model}`;
}

/** The director withdrawing the fault's region is detection, for every kind that has one. */
export function regionWithdrawn(fault: { readonly region: string }, region: string): boolean {
  return fault.region === region;
}

/** A fault at one endpoint: one of its models, or (model absent) every model. */
type EndpointFault = { readonly region: string; readonly provider: string; readonly model?: string | undefined };

/**
 * What a fault at an endpoint is about: attempts at it and alarms of its own targets. Only those: a region's
 * withdrawal, or its gateway's state, may be another fault's doing when two share the region.
 */
export const endpointImpact: ImpactHooks<EndpointFault> = {
  attemptHits: (fault, attempt) => targetAt(attempt.target, fault.provider, fault.region, fault.model),
  alarmDetects: (fault, _event, target) => target !== undefined && targetAt(target, fault.provider, fault.region, fault.model),
};
