/**
 * The scenario file format (YAML), revision 1. One zod schema is the single definition: it validates
 * files, types the engine's input and generates `scenarios/scenario.schema.json` for editors.
 *
 * Each section is a module of `sections/` holding its schema, its defaults (one exported constant, taken
 * from real systems in shared/ANCHORS.md, each naming the system it follows) and its cross-reference checks.
 * Units are in field names: `_s` seconds, `_ms` milliseconds, `_share` a fraction 0..1.
 */
import { z } from "zod";
import { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS } from "../faults/requestFaultClasses";
import { audit, checkAudit } from "./sections/audit";
import { checkDirector, director } from "./sections/director";
import { expectations } from "./sections/expectations";
import { id, seconds, share } from "./sections/fields";
import { gateway } from "./sections/gateway";
import { header } from "./sections/header";
import { checkHealth, health } from "./sections/health";
import { checkIdentity, identity } from "./sections/identity";
import { checkPolicy, policy } from "./sections/policy";
import { unknownRegion, type Issue } from "./sections/references";
import { checkTopology, referencesOf, topology } from "./sections/topology";
export { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS, REQUEST_FAULT_LABELS, type RequestFaultClass } from "../faults/requestFaultClasses";
export { AUDIT_DEFAULTS, AUDIT_PATTERNS, type AuditConfig } from "./sections/audit";
export { BAD_TOKEN_KINDS, CALLER_DEFAULTS, type BadTokenKind } from "./sections/callers";
export { DIRECTOR_DEFAULTS, type DirectorConfig } from "./sections/director";
export { EXPECTATION_PATTERN, METRICS, type MetricName } from "./sections/expectations";
export { JURISDICTIONS, jurisdiction, type Jurisdiction } from "./sections/fields";
export { GATEWAY_DEFAULTS, type GatewayConfig } from "./sections/gateway";
export { HEADER_DEFAULTS, SCENARIO_REVISION } from "./sections/header";
export { HEALTH_DEFAULTS, type HealthConfig } from "./sections/health";
export { IDENTITY_DEFAULTS, type IdentityConfig } from "./sections/identity";
export { OUTAGE_CHOICES, POLICY_DEFAULTS, type OutageChoice, type PolicyConfig } from "./sections/policy";
export { PROVIDER_DEFAULTS } from "./sections/providers";

const at = seconds(7 * 86_400).describe("Seconds from the start of the run");
const heal = seconds(7 * 86_400).optional().describe("When the fault heals; absent means never");

/** Each kind of fault; the app builds its injectable fault specs from these (without the timing fields). */
export const faultKinds = [
  z.strictObject({
    kind: z.literal("region-outage"),
    at_s: at,
    heal_s: heal,
    region: id,
    provider: id.optional().describe("Only this provider; absent means every provider in the region"),
    behaviour: z.enum(["error-503", "no-response"]).default("error-503"),
  }),
  z.strictObject({ kind: z.literal("model-outage"), at_s: at, heal_s: heal, region: id, provider: id, model: z.string().min(1) }),
  z.strictObject({ kind: z.literal("latency"), at_s: at, heal_s: heal, from: id, to: id, added_ms: z.number().min(0).max(600_000) }),
  z.strictObject({
    kind: z.literal("error-rate"),
    at_s: at,
    heal_s: heal,
    region: id,
    provider: id,
    rate: share,
    status: z.int().min(400).max(599).default(503),
  }),
  z
    .strictObject({
      kind: z.literal("request-fault"),
      at_s: at,
      heal_s: heal,
      region: id,
      provider: id,
      model: z.string().min(1).optional().describe("Only this model; absent means every model of the provider in the region"),
      class: z.enum(REQUEST_FAULT_CLASSES),
      times: z.int().min(1).max(1_000_000).optional().describe("Only the first N completion requests after the fault starts; absent means every one"),
      retry_after_s: z.number().min(0).max(3_600).default(REQUEST_FAULT_DEFAULTS.retry_after_s).describe("rate-limit-retry-after: the Retry-After the provider sends"),
      first_token_ms: z.number().min(0).max(600_000).default(REQUEST_FAULT_DEFAULTS.first_token_ms).describe("slow-first-token: how long the first token takes"),
      after_chunks: z
        .int()
        .min(0)
        .max(1_000)
        .default(REQUEST_FAULT_DEFAULTS.after_chunks)
        .describe("stream-cut, stream-stall, malformed-chunk: content chunks sent before the fault"),
    })
    .describe("One provider endpoint misbehaves on completion requests in one of the request-level ways gateways get wrong (failoverbench); health probes still pass"),
  z.strictObject({ kind: z.literal("gateway-down"), at_s: at, heal_s: heal, region: id }),
  z.strictObject({ kind: z.literal("audit-partition"), at_s: at, heal_s: heal, region: id }),
  z.strictObject({ kind: z.literal("idp-partition"), at_s: at, heal_s: heal, region: id }).describe("The region's gateway cannot reach the identity provider in any region"),
  z.strictObject({ kind: z.literal("idp-outage"), at_s: at, heal_s: heal, region: id }).describe("The identity provider's deployment in this region stops answering"),
  z.strictObject({ kind: z.literal("key-rotation"), at_s: at, heal_s: heal }).describe("The identity provider signs with a new key and drops the old one from its JWKS (a compromise rotation)"),
  z.strictObject({ kind: z.literal("token-revocation"), at_s: at, heal_s: heal, population: id }).describe("The identity provider revokes the tokens a caller population holds now"),
] as const;
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
export type Fault = Scenario["faults"][number];
export type FaultKind = Fault["kind"];
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A fault without its timing: what a user injects now, in the app. */
export type FaultSpec = DistributiveOmit<Fault, "at_s" | "heal_s">;
/** Faults that happen at an instant (the identity provider acts once) rather than hold until healed. */
export const INSTANT_FAULTS = new Set<FaultKind>(["key-rotation", "token-revocation"]);

/** Cross-references the schema alone cannot express, section by section in the order of the file: every id a field names must exist. */
function checkReferences(scenario: z.output<typeof scenarioObject>, ctx: z.RefinementCtx): void {
  const refs = referencesOf(scenario.topology, scenario.identity !== undefined);
  const issues: Issue[] = [
    ...checkTopology(scenario.topology, refs),
    ...checkPolicy(scenario.policy),
    ...checkDirector(scenario.director, refs),
    ...checkHealth(scenario.health),
    ...checkAudit(scenario.audit, refs),
    ...(scenario.identity ? checkIdentity(scenario.identity, refs) : []),
  ];

  const { providerModels, deployedIn, callers: callerIds } = refs;
  const knownRegion = (value: string, path: Issue["path"]): void => {
    issues.push(...unknownRegion(refs, value, path));
  };
  const idp = scenario.identity;
  scenario.faults.forEach((f, i) => {
    const path = (field: string): Issue["path"] => ["faults", i, field];
    if ((f.kind === "idp-partition" || f.kind === "idp-outage" || INSTANT_FAULTS.has(f.kind)) && !idp)
      issues.push({ path: path("kind"), message: `${f.kind} needs an identity section: without one there is no identity provider` });
    if (f.kind === "idp-outage" && idp && !idp.regions.includes(f.region))
      issues.push({ path: path("region"), message: `the identity provider is not served from "${f.region}" (identity.regions: ${idp.regions.join(", ")})` });
    if (f.kind === "token-revocation" && !callerIds.has(f.population))
      issues.push({ path: path("population"), message: `unknown caller population "${f.population}" (known: ${[...callerIds].join(", ")})` });
    if ("region" in f) knownRegion(f.region, path("region"));
    if (f.kind === "latency") {
      knownRegion(f.from, path("from"));
      knownRegion(f.to, path("to"));
    }
    if ("provider" in f && f.provider !== undefined && !providerModels.has(f.provider))
      issues.push({ path: path("provider"), message: `unknown provider "${f.provider}"` });
    if ((f.kind === "model-outage" || f.kind === "request-fault") && f.model !== undefined && providerModels.get(f.provider) && !providerModels.get(f.provider)!.has(f.model))
      issues.push({ path: path("model"), message: `provider "${f.provider}" deploys no model "${f.model}"` });
    if ((f.kind === "model-outage" || f.kind === "error-rate" || f.kind === "request-fault") && deployedIn.get(f.provider) && !deployedIn.get(f.provider)!.has(f.region))
      issues.push({ path: path("region"), message: `provider "${f.provider}" has no deployment in "${f.region}"` });
    if (f.at_s > scenario.duration_s) issues.push({ path: path("at_s"), message: `fault starts after the run ends (duration_s ${scenario.duration_s})` });
    if (f.heal_s !== undefined && INSTANT_FAULTS.has(f.kind))
      issues.push({ path: path("heal_s"), message: `${f.kind} happens at an instant and cannot heal: remove heal_s` });
    else if (f.heal_s !== undefined && f.heal_s <= f.at_s) issues.push({ path: path("heal_s"), message: "must be later than at_s" });
  });

  for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, input: undefined });
}
