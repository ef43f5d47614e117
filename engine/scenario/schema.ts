/**
 * The scenario file format (YAML), revision 1. One zod schema is the single definition: it validates
 * files, types the engine's input and generates `scenarios/scenario.schema.json` for editors.
 *
 * Each section is a module of `sections/` holding its schema, its defaults (one exported constant, taken
 * from real systems in shared/ANCHORS.md, each naming the system it follows) and its cross-reference checks.
 * Units are in field names: `_s` seconds, `_ms` milliseconds, `_share` a fraction 0..1.
 */
import { z } from "zod";
import type { FaultCheckContext } from "../faults/kind";
import { FAULT_SCHEMAS, INSTANT_FAULTS, faultKind, type Fault, type FaultKind } from "../faults/registry";
import { totalRateIssue } from "./cost";
import { audit, checkAudit } from "./sections/audit";
import { checkDirector, director } from "./sections/director";
import { expectations } from "./sections/expectations";
import { gateway } from "./sections/gateway";
import { header } from "./sections/header";
import { checkHealth, health } from "./sections/health";
import { checkIdentity, identity } from "./sections/identity";
import { checkPolicy, policy } from "./sections/policy";
import type { Issue } from "./sections/references";
import { checkTopology, referencesOf, topology } from "./sections/topology";
export { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS, REQUEST_FAULT_LABELS, type RequestFaultClass } from "../faults/requestFaultClasses";
export { AUDIT_DEFAULTS, type AuditConfig } from "./sections/audit";
export { BAD_TOKEN_KINDS, CALLER_DEFAULTS, type BadTokenKind } from "./sections/callers";
export { DIRECTOR_DEFAULTS } from "./sections/director";
export { EXPECTATION_PATTERN, METRICS, type MetricName } from "./sections/expectations";
export type { Jurisdiction } from "./sections/fields";
export { GATEWAY_DEFAULTS } from "./sections/gateway";
export { HEADER_DEFAULTS, SCENARIO_REVISION } from "./sections/header";
export { HEALTH_DEFAULTS } from "./sections/health";
export { IDENTITY_DEFAULTS, type IdentityConfig } from "./sections/identity";
export { POLICY_DEFAULTS } from "./sections/policy";
export { PROVIDER_DEFAULTS } from "./sections/providers";

/** Each kind of fault (engine/faults/); the app builds its injectable fault specs from these (without the timing fields). */
export const faultKinds = FAULT_SCHEMAS;
export const faultSchema = z.discriminatedUnion("kind", faultKinds);

export const scenarioObject = z.strictObject({
  ...header.shape,
  topology,
  policy,
  director,
  gateway,
  health,
  audit,
  identity: identity.optional(),
  faults: z.array(faultSchema).default([]),
  expect: expectations,
});

export const scenarioSchema = scenarioObject.superRefine(checkReferences);

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export { INSTANT_FAULTS, type Fault, type FaultKind };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A fault without its timing: what a user injects now, in the app. */
export type FaultSpec = DistributiveOmit<Fault, "at_s" | "heal_s">;

/** Cross-references the schema alone cannot express, section by section in the order of the file: every id a field names must exist. */
function checkReferences(scenario: z.output<typeof scenarioObject>, ctx: z.RefinementCtx): void {
  const refs = referencesOf(scenario.topology, scenario.identity !== undefined);
  const issues: Issue[] = [
    ...checkTopology(scenario.topology, refs),
    ...checkPolicy(scenario.policy, scenario.topology.regions),
    ...checkDirector(scenario.director, refs),
    ...checkHealth(scenario.health),
    ...checkAudit(scenario.audit, refs),
    ...(scenario.identity ? checkIdentity(scenario.identity, refs) : []),
  ];

  const faultContext: FaultCheckContext = {
    regions: refs.regions,
    providers: new Map([...refs.providerModels].map(([provider, models]) => [provider, { models, regions: refs.deployedIn.get(provider) ?? new Set<string>() }])),
    populations: refs.callers,
    auditPattern: scenario.audit.pattern,
    identityRegions: scenario.identity?.regions,
  };
  scenario.faults.forEach((f, i) => {
    const path = (field: string): Issue["path"] => ["faults", i, field];
    for (const issue of faultKind(f).references(f, faultContext)) issues.push({ path: path(issue.field), message: issue.message });
    if (f.at_s > scenario.duration_s) issues.push({ path: path("at_s"), message: `fault starts after the run ends (duration_s ${scenario.duration_s})` });
    if (f.heal_s !== undefined && INSTANT_FAULTS.has(f.kind))
      issues.push({ path: path("heal_s"), message: `${f.kind} happens at an instant and cannot heal: remove heal_s` });
    else if (f.heal_s !== undefined && f.heal_s <= f.at_s) issues.push({ path: path("heal_s"), message: "must be later than at_s" });
  });

  const rate = totalRateIssue(scenario);
  if (rate) issues.push(rate);

  for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, input: undefined });
}
