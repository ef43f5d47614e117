/**
 * The scenario file format (YAML), revision 1. One zod schema is the single definition: it validates
 * files, types the engine's input and generates `scenarios/scenario.schema.json` for editors.
 *
 * Defaults are taken from real systems (shared/ANCHORS.md); each one names the system it follows.
 * Units are in field names: `_s` seconds, `_ms` milliseconds, `_share` a fraction 0..1.
 */
import { z } from "zod";
import type { FaultCheckContext } from "../faults/kind";
import { FAULT_SCHEMAS, INSTANT_FAULTS, faultKind, type Fault, type FaultKind } from "../faults/registry";
import { id, seconds, share } from "./fields";
export { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS, REQUEST_FAULT_LABELS, type RequestFaultClass } from "../faults/requestFaultClasses";

export const SCENARIO_REVISION = 1;


export const JURISDICTIONS = ["EU", "US", "UK", "CH", "CA", "JP", "AU", "IN", "BR", "SG"] as const;
export const jurisdiction = z.enum(JURISDICTIONS);
export type Jurisdiction = z.infer<typeof jurisdiction>;

const region = z.strictObject({
  id,
  jurisdiction,
  location: z.string().min(1).max(80).describe("Human-readable place, e.g. Dublin"),
});

const latency = z.strictObject({
  median_ms: z.number().positive().max(600_000),
  p95_ms: z.number().positive().max(600_000),
});

const deployment = z.strictObject({
  region: id,
  endpoint: z.url({ protocol: /^https?$/ }).describe("Base URL of the provider in that region"),
  models: z.array(z.string().min(1)).min(1),
  latency: latency.default({ median_ms: 900, p95_ms: 2_500 }),
  real: z
    .boolean()
    .default(false)
    .describe("The endpoint is a real OpenAI-compatible server: requests to it leave the simulation, so faults and latency there are its own. Real time only (npm run serve, the app)"),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
    .optional()
    .describe("Environment variable holding the bearer token for a real endpoint"),
});

const provider = z.strictObject({
  id,
  status_page: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }).optional(),
      /** Real status pages acknowledge incidents late; 0 means the page is live. */
      lag_s: seconds(3_600).default(120),
    })
    .default({ lag_s: 120 }),
  deployments: z.array(deployment).min(1),
  supports_prefill: z
    .boolean()
    .default(false)
    .describe("Its models continue an answer from an assistant message at the end of the conversation, so a gateway can resume a cut stream there"),
});

const modelRef = z.strictObject({ provider: id, model: z.string().min(1) });

const logicalModel = z.strictObject({
  id,
  serves: z.array(modelRef).min(1).describe("Provider models this logical model resolves to, preferred first"),
  equivalents: z
    .array(modelRef)
    .default([])
    .describe("Models at other providers with equivalent capability, used after the primary ones"),
  long_context: z
    .array(modelRef)
    .default([])
    .describe("Models with a larger context window, tried when a provider answers context_length_exceeded"),
});

/** Deliberately bad tokens a caller population may present, to exercise the gateways' checks. */
export const BAD_TOKEN_KINDS = ["wrong-key", "expired", "wrong-audience"] as const;
export type BadTokenKind = (typeof BAD_TOKEN_KINDS)[number];

const callers = z.strictObject({
  id,
  region: id.describe("Region the callers sit in (their network origin)"),
  jurisdiction: jurisdiction.describe("Jurisdiction of the data subjects, which residency policy keys on"),
  model: id.describe("Logical model the callers ask for"),
  rate_per_s: z.number().positive().max(10_000).describe("Mean Poisson arrival rate"),
  consent_share: share.default(0).describe("Share of requests with recorded cross-border consent"),
  high_risk_share: share.default(0).describe("Share of high-risk calls (EU AI Act Art. 12)"),
  clients: z.int().min(1).max(100_000).default(50).describe("Independent DNS resolvers among the callers"),
  bad_tokens: z
    .strictObject({
      [BAD_TOKEN_KINDS[0]]: share.default(0).describe("Signed by a key the identity provider never published"),
      [BAD_TOKEN_KINDS[1]]: share.default(0).describe("Past its exp claim"),
      [BAD_TOKEN_KINDS[2]]: share.default(0).describe("Issued for another audience"),
    })
    .optional()
    .describe("Share of requests presenting a bad token instead of the population's own; needs an identity section"),
});

const rttEntry = z.tuple([id, id, z.number().min(0).max(2_000)]);

const topology = z.strictObject({
  regions: z.array(region).min(1),
  rtt_ms: z.array(rttEntry).default([]).describe("Symmetric round-trip times between regions; same region is 1 ms"),
  providers: z.array(provider).min(1),
  models: z.array(logicalModel).min(1),
  callers: z.array(callers).describe("Simulated caller populations; none for a gateway that only serves OpenAI clients (npm run serve)"),
});

export const OUTAGE_CHOICES = ["reject", "cross-border-with-consent", "cross-border-with-transfer-mechanism"] as const;

const policy = z.strictObject({
  residency: z
    .partialRecord(jurisdiction, z.array(jurisdiction).min(1))
    .describe("Per origin jurisdiction, the jurisdictions allowed to serve it; unlisted origins may go anywhere"),
  outage_choice: z.enum(OUTAGE_CHOICES).default("reject"),
  transfer_mechanism: z.string().min(1).max(80).optional().describe("Recorded basis, e.g. SCC; required by the transfer-mechanism choice"),
  latency_budget_ms: z.number().positive().max(600_000).default(10_000),
});

const director = z.strictObject({
  mode: z.enum(["dns", "anycast"]).default("dns"),
  /** AWS recommends 60–120 s TTLs on Route 53 failover records. */
  ttl_s: seconds(86_400).default(60),
  layout: z.enum(["active-active", "active-passive"]).default("active-active"),
  balancing: z.enum(["proximity", "weights"]).default("proximity"),
  weights: z.record(id, z.number().min(0).max(1_000)).optional(),
  primary: id.optional().describe("Active-passive: the region that takes all traffic while healthy"),
  /** Route 53 fast health checks: every 10 s, failure threshold 3 (the same count to recover). */
  check_interval_s: z.number().min(1).max(300).default(10),
  failure_threshold: z.int().min(1).max(10).default(3),
});

export const GATEWAY_DEFAULTS = {
  attempt_timeout_ms: 10_000,
  first_token_timeout_ms: 5_000,
  stream_idle_timeout_ms: 5_000,
  max_attempts: 3,
  backoff_base_ms: 100,
  max_retry_after_s: 10,
  retry_budget: { budget_percent: 20, min_retry_concurrency: 3 },
} as const;

/** Envoy's retry budget: retries may be at most 20 % of the requests in flight, but 3 are always allowed. */
const retryBudget = z.strictObject({
  budget_percent: z.number().min(0).max(100).default(GATEWAY_DEFAULTS.retry_budget.budget_percent),
  min_retry_concurrency: z.int().min(0).max(10_000).default(GATEWAY_DEFAULTS.retry_budget.min_retry_concurrency),
});

const gateway = z.strictObject({
  /** A whole non-streamed attempt; a streamed one only until its headers. With a fallback answering in ~1 s it ends a silent route inside 12 s. */
  attempt_timeout_ms: z.number().positive().max(600_000).default(GATEWAY_DEFAULTS.attempt_timeout_ms),
  /** Streamed attempts: from sending to the first token. Our choice (no system in ANCHORS publishes one): a healthy model's first token comes within ~1–2 s. */
  first_token_timeout_ms: z.number().positive().max(600_000).default(GATEWAY_DEFAULTS.first_token_timeout_ms),
  /** Streamed attempts: the longest silence between chunks once the answer has begun. Our choice, like the first-token limit. */
  stream_idle_timeout_ms: z.number().positive().max(600_000).default(GATEWAY_DEFAULTS.stream_idle_timeout_ms),
  /** LiteLLM's num_retries 2: three attempts in all. */
  max_attempts: z.int().min(1).max(10).default(GATEWAY_DEFAULTS.max_attempts),
  /** Backoff before retrying the same target: base × 2^n, half of it jittered, capped at ten times the base (Envoy's default cap). */
  backoff_base_ms: z.number().min(1).max(60_000).default(GATEWAY_DEFAULTS.backoff_base_ms),
  /** A Retry-After up to this is waited out on the same target; a longer one fails over at once. Portkey caps the whole wait at 60 s. */
  max_retry_after_s: z.number().min(0).max(3_600).default(GATEWAY_DEFAULTS.max_retry_after_s),
  retry_budget: retryBudget.default(GATEWAY_DEFAULTS.retry_budget),
});

const health = z.strictObject({
  probe: z
    .strictObject({
      /** Route 53 fast interval 10 s; Envoy requires an explicit value. */
      interval_s: z.number().min(1).max(300).default(10),
      timeout_ms: z.number().positive().max(60_000).default(2_000),
      /** Route 53's failure threshold 3, used for both directions (hysteresis). */
      unhealthy_threshold: z.int().min(1).max(10).default(3),
      healthy_threshold: z.int().min(1).max(10).default(3),
    })
    .default({ interval_s: 10, timeout_ms: 2_000, unhealthy_threshold: 3, healthy_threshold: 3 }),
  passive: z
    .strictObject({
      /** LiteLLM judges a deployment on the current minute. */
      window_s: z.number().min(1).max(3_600).default(60),
      /** LiteLLM: at least 5 requests, more than 50 % failing. */
      min_requests: z.int().min(1).max(10_000).default(5),
      error_rate_threshold: share.default(0.5),
    })
    .default({ window_s: 60, min_requests: 5, error_rate_threshold: 0.5 }),
  circuit: z
    .strictObject({
      /** Envoy outlier detection: 5 consecutive 5xx eject a host. */
      consecutive_failures: z.int().min(1).max(1_000).default(5),
      /** Envoy: 30 s × number of ejections, capped at 300 s — repeated ejection stops ping-pong. */
      base_ejection_s: z.number().min(1).max(3_600).default(30),
      max_ejection_s: z.number().min(1).max(86_400).default(300),
      /** Hystrix lets one trial request through when half-open. */
      half_open_trials: z.int().min(1).max(100).default(1),
    })
    .default({ consecutive_failures: 5, base_ejection_s: 30, max_ejection_s: 300, half_open_trials: 1 }),
});

export const AUDIT_PATTERNS = ["central", "per-region"] as const;

/**
 * Where audit entries go (the seed's two architectures) and what a region does when it cannot reach its
 * audit destination. Every region writes to a durable local buffer first and flushes it asynchronously.
 */
const audit = z.strictObject({
  pattern: z
    .enum(AUDIT_PATTERNS)
    .default("central")
    .describe("central: Pattern A, one canonical log in one region, fed by regional buffers; per-region: Pattern B, a log per region merged by a global query"),
  destination: id.optional().describe("Pattern A: the region holding the canonical log; default the first region"),
  /** Log shippers flush once a second by default (Fluent Bit's Flush, Vector's batch timeout). */
  flush_interval_ms: z.number().min(10).max(600_000).default(1_000),
  on_unreachable: z
    .enum(["buffer", "fail-closed"])
    .default("buffer")
    .describe("buffer: keep serving and flush on heal; fail-closed: reject the calls that need a durable audit write"),
  high_risk_durable_in: z
    .enum(["destination", "replicas"])
    .default("destination")
    .describe("Where a high-risk call's entry (EU AI Act Art. 12) must be committed before its response returns: the destination, or high_risk_replicas regional stores"),
  /** The region's own buffer is the first copy; each further one goes to the next-nearest region, a round trip away. */
  high_risk_replicas: z.int().min(1).max(9).default(1),
});
export type AuditConfig = z.infer<typeof audit>;

/**
 * The identity provider (IdP) and how gateways validate the callers' tokens. Opt-in: without this section
 * callers send no tokens and gateways validate nothing.
 *
 * No system in shared/ANCHORS.md exposes a bound on cached validation: Envoy's jwt_authn caches remote JWKS
 * for 10 minutes and ext_authz fails closed, neither with a staleness policy. The bound here is the
 * trade-off made explicit, defaulting to the seed's "cached for 5 minutes".
 */
const identity = z.strictObject({
  issuer: z.url({ protocol: /^https?$/ }).default("https://idp.sim.test").describe("The iss claim every token carries and gateways require"),
  audience: z.string().min(1).max(200).default("failover-lab-gateway").describe("The aud claim gateways require"),
  regions: z.array(id).min(1).describe("Regions serving the identity provider (discovery, JWKS, revocation list), replicated"),
  on_unreachable: z
    .enum(["cached", "fail-closed"])
    .default("cached")
    .describe("cached: keep validating with the cached keys until they are max_staleness_s old; fail-closed: reject every token once a refresh fails"),
  max_staleness_s: z.number().positive().max(86_400).default(300).describe("cached: the oldest cache a token may be validated against"),
  /**
   * Envoy's jwt_authn keeps remote JWKS 10 minutes, but a refresh slower than the staleness bound would trip
   * the bound in healthy operation; a minute also bounds how long a revocation takes to reach a gateway.
   */
  jwks_refresh_s: z.number().min(1).max(86_400).default(60).describe("How often a gateway refetches the JWKS and revocation list"),
  /** A common OIDC access-token lifetime (one hour). */
  token_ttl_s: z.number().min(60).max(7 * 86_400).default(3_600).describe("Lifetime of the tokens the callers hold; they renew at 80 % of it"),
});
export type IdentityConfig = z.infer<typeof identity>;

/** Each kind of fault (engine/faults/); the app builds its injectable fault specs from these (without the timing fields). */
export const faultKinds = FAULT_SCHEMAS;
export const faultSchema = z.discriminatedUnion("kind", faultKinds);

export const METRICS = [
  "detection_s",
  "reroute_s",
  "rto_s",
  "residency_violations",
  "rejected_by_policy",
  "cross_border_served",
  "errors",
  "success_rate",
  "requests",
  "director_failovers",
  "gateway_failures",
  "inflight_failed",
  "audit_gaps",
  "chain_valid",
  "p95_latency_ms",
  "audit_lost",
  "audit_at_risk",
  "audit_buffered_max",
  "flush_lag_max_ms",
  "rejected_fail_closed",
  "identity_rejected",
  "rejected_idp_unreachable",
  "accepted_rotated_key",
  "accepted_revoked",
  "identity_staleness_max_s",
] as const;
export type MetricName = (typeof METRICS)[number];

export const EXPECTATION_PATTERN = new RegExp(`^\\s*(${METRICS.join("|")})\\s*(<=|>=|==|!=|<|>)\\s*(-?\\d+(?:\\.\\d+)?)\\s*$`);

const expectation = z
  .string()
  .regex(EXPECTATION_PATTERN, `must read "<metric> <op> <number>", metric one of: ${METRICS.join(", ")}`);

export const scenarioObject = z.strictObject({
    revision: z.literal(SCENARIO_REVISION).describe("Format revision of this file"),
    name: z.string().min(1).max(120),
    description: z.string().max(4_000).default(""),
    seed: z.int().min(0).max(2 ** 31 - 1).default(1),
    duration_s: z.number().positive().max(7 * 86_400),
    topology,
    policy,
    director: director.default({
      mode: "dns",
      ttl_s: 60,
      layout: "active-active",
      balancing: "proximity",
      check_interval_s: 10,
      failure_threshold: 3,
    }),
    gateway: gateway.default(GATEWAY_DEFAULTS),
    health: health.default({
      probe: { interval_s: 10, timeout_ms: 2_000, unhealthy_threshold: 3, healthy_threshold: 3 },
      passive: { window_s: 60, min_requests: 5, error_rate_threshold: 0.5 },
      circuit: { consecutive_failures: 5, base_ejection_s: 30, max_ejection_s: 300, half_open_trials: 1 },
    }),
    audit: audit.default({ pattern: "central", flush_interval_ms: 1_000, on_unreachable: "buffer", high_risk_durable_in: "destination", high_risk_replicas: 1 }),
    identity: identity.optional(),
    faults: z.array(faultSchema).default([]),
    expect: z.array(expectation).default([]),
});

export const scenarioSchema = scenarioObject.superRefine(checkReferences);

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export { INSTANT_FAULTS, type Fault, type FaultKind };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A fault without its timing: what a user injects now, in the app. */
export type FaultSpec = DistributiveOmit<Fault, "at_s" | "heal_s">;
export type OutageChoice = (typeof OUTAGE_CHOICES)[number];

type Issue = { path: (string | number)[]; message: string };

/** Cross-references the schema alone cannot express: every id a field names must exist. */
function checkReferences(scenario: z.output<typeof scenarioObject>, ctx: z.RefinementCtx): void {
  const issues: Issue[] = [];
  const regions = new Set<string>();
  scenario.topology.regions.forEach((r, i) => {
    if (regions.has(r.id)) issues.push({ path: ["topology", "regions", i, "id"], message: `duplicate region "${r.id}"` });
    regions.add(r.id);
  });
  const knownRegion = (value: string, path: Issue["path"]) => {
    if (!regions.has(value)) issues.push({ path, message: `unknown region "${value}" (known: ${[...regions].join(", ")})` });
  };
  const pairs = new Set<string>();
  scenario.topology.rtt_ms.forEach(([a, b], i) => {
    knownRegion(a, ["topology", "rtt_ms", i, 0]);
    knownRegion(b, ["topology", "rtt_ms", i, 1]);
    const pair = [a, b].sort().join("|");
    if (a === b) issues.push({ path: ["topology", "rtt_ms", i, 1], message: `a region's round trip to itself is fixed at 1 ms; remove [${a}, ${b}]` });
    else if (pairs.has(pair)) issues.push({ path: ["topology", "rtt_ms", i], message: `duplicate round-trip time for ${a} and ${b}` });
    pairs.add(pair);
  });

  const providerModels = new Map<string, Set<string>>();
  const deployedIn = new Map<string, Set<string>>();
  scenario.topology.providers.forEach((p, i) => {
    if (providerModels.has(p.id)) issues.push({ path: ["topology", "providers", i, "id"], message: `duplicate provider "${p.id}"` });
    const models = new Set<string>();
    const providerRegions = new Set<string>();
    deployedIn.set(p.id, providerRegions);
    p.deployments.forEach((d, j) => {
      knownRegion(d.region, ["topology", "providers", i, "deployments", j, "region"]);
      if (providerRegions.has(d.region))
        issues.push({ path: ["topology", "providers", i, "deployments", j, "region"], message: `provider "${p.id}" is already deployed in "${d.region}"` });
      providerRegions.add(d.region);
      if (d.api_key_env !== undefined && !d.real)
        issues.push({ path: ["topology", "providers", i, "deployments", j, "api_key_env"], message: "only a real endpoint (real: true) is sent an API key" });
      if (d.latency.p95_ms < d.latency.median_ms)
        issues.push({ path: ["topology", "providers", i, "deployments", j, "latency", "p95_ms"], message: "p95_ms must not be below median_ms" });
      d.models.forEach((m) => models.add(m));
    });
    providerModels.set(p.id, models);
  });
  const knownModelRef = (ref: { provider: string; model: string }, path: Issue["path"]) => {
    const models = providerModels.get(ref.provider);
    if (!models) issues.push({ path: [...path, "provider"], message: `unknown provider "${ref.provider}"` });
    else if (!models.has(ref.model))
      issues.push({ path: [...path, "model"], message: `provider "${ref.provider}" deploys no model "${ref.model}"` });
  };
  const logical = new Set<string>();
  scenario.topology.models.forEach((m, i) => {
    if (logical.has(m.id)) issues.push({ path: ["topology", "models", i, "id"], message: `duplicate logical model "${m.id}"` });
    logical.add(m.id);
    m.serves.forEach((ref, j) => knownModelRef(ref, ["topology", "models", i, "serves", j]));
    m.equivalents.forEach((ref, j) => knownModelRef(ref, ["topology", "models", i, "equivalents", j]));
    m.long_context.forEach((ref, j) => knownModelRef(ref, ["topology", "models", i, "long_context", j]));
  });
  const callerIds = new Set<string>();
  scenario.topology.callers.forEach((c, i) => {
    if (callerIds.has(c.id)) issues.push({ path: ["topology", "callers", i, "id"], message: `duplicate caller population "${c.id}"` });
    callerIds.add(c.id);
    knownRegion(c.region, ["topology", "callers", i, "region"]);
    if (c.bad_tokens && !scenario.identity)
      issues.push({ path: ["topology", "callers", i, "bad_tokens"], message: "bad tokens need an identity section: without one callers send no tokens" });
    if (!logical.has(c.model))
      issues.push({ path: ["topology", "callers", i, "model"], message: `unknown logical model "${c.model}" (known: ${[...logical].join(", ")})` });
  });

  if (scenario.policy.outage_choice === "cross-border-with-transfer-mechanism" && !scenario.policy.transfer_mechanism)
    issues.push({ path: ["policy", "transfer_mechanism"], message: "required when outage_choice is cross-border-with-transfer-mechanism (e.g. SCC)" });

  const d = scenario.director;
  if (d.primary !== undefined) knownRegion(d.primary, ["director", "primary"]);
  if (d.layout === "active-passive" && d.primary === undefined)
    issues.push({ path: ["director", "primary"], message: "active-passive needs a primary region" });
  if (d.balancing === "weights") {
    if (!d.weights) issues.push({ path: ["director", "weights"], message: "balancing by weights needs a weights map" });
    else Object.keys(d.weights).forEach((r) => knownRegion(r, ["director", "weights", r]));
  }
  if (scenario.health.circuit.max_ejection_s < scenario.health.circuit.base_ejection_s)
    issues.push({ path: ["health", "circuit", "max_ejection_s"], message: "must not be below base_ejection_s" });

  if (scenario.audit.high_risk_replicas > regions.size)
    issues.push({ path: ["audit", "high_risk_replicas"], message: `cannot exceed the number of regions (${regions.size}): each copy is in a region of its own` });
  if (scenario.audit.destination !== undefined) {
    knownRegion(scenario.audit.destination, ["audit", "destination"]);
    if (scenario.audit.pattern === "per-region")
      issues.push({ path: ["audit", "destination"], message: "per-region (Pattern B) keeps each region's log in that region; destination applies to central only" });
  }

  const idp = scenario.identity;
  if (idp) {
    const seen = new Set<string>();
    idp.regions.forEach((r, i) => {
      knownRegion(r, ["identity", "regions", i]);
      if (seen.has(r)) issues.push({ path: ["identity", "regions", i], message: `duplicate identity provider region "${r}"` });
      seen.add(r);
    });
    if (idp.on_unreachable === "cached" && idp.jwks_refresh_s >= idp.max_staleness_s)
      issues.push({
        path: ["identity", "jwks_refresh_s"],
        message: `must be below max_staleness_s (${idp.max_staleness_s}): a cache refreshed less often would pass the bound while the identity provider is reachable`,
      });
  }

  const faultContext: FaultCheckContext = {
    regions,
    providers: new Map([...providerModels].map(([provider, models]) => [provider, { models, regions: deployedIn.get(provider) ?? new Set<string>() }])),
    populations: callerIds,
    auditPattern: scenario.audit.pattern,
    identityRegions: idp?.regions,
  };
  scenario.faults.forEach((f, i) => {
    const path = (field: string): Issue["path"] => ["faults", i, field];
    for (const issue of faultKind(f).references(f, faultContext)) issues.push({ path: path(issue.field), message: issue.message });
    if (f.at_s > scenario.duration_s) issues.push({ path: path("at_s"), message: `fault starts after the run ends (duration_s ${scenario.duration_s})` });
    if (f.heal_s !== undefined && INSTANT_FAULTS.has(f.kind))
      issues.push({ path: path("heal_s"), message: `${f.kind} happens at an instant and cannot heal: remove heal_s` });
    else if (f.heal_s !== undefined && f.heal_s <= f.at_s) issues.push({ path: path("heal_s"), message: "must be later than at_s" });
  });

  for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, input: undefined });
}
