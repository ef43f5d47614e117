/** Providers of the topology: who serves which models from which regions, and how fast. */
import { z } from "zod";
import { id, seconds } from "./fields";
import { unknownRegion, type Issue, type References } from "./references";

/** What a provider and each of its deployments are unless the file says otherwise. */
export const PROVIDER_DEFAULTS = {
  /** Real status pages acknowledge incidents late; 0 means the page is live. */
  status_page: { lag_s: 120 },
  supports_prefill: false,
  deployment: {
    latency: { median_ms: 900, p95_ms: 2_500 },
    real: false,
  },
} as const;

/** The widest spread of a deployment's service time: a p95 at most this many times the median keeps every draw of the log-normal finite. */
const MAX_LATENCY_SPREAD = 1_000;

const latency = z.strictObject({
  median_ms: z.number().min(0.001, "must be at least 0.001 ms (1 µs)").max(600_000),
  p95_ms: z.number().positive().max(600_000).describe(`At least median_ms and at most ${MAX_LATENCY_SPREAD} times it`),
});

/** A model at a deployment: its name, or its name and what it can do there unlike the provider's default. */
const deployedModel = z.union([
  z.string().min(1),
  z.strictObject({
    model: z.string().min(1),
    supports_prefill: z
      .boolean()
      .optional()
      .describe("This model at this deployment continues an answer from an assistant prefill (or cannot); the provider's supports_prefill when absent"),
    rpm: z.int().min(1).max(10_000_000).optional().describe("Requests per minute this model at this deployment accepts (LiteLLM's rpm); none: no limit"),
    tpm: z.int().min(1).max(1_000_000_000).optional().describe("Tokens per minute this model at this deployment accepts (LiteLLM's tpm); none: no limit"),
  }),
]);
export type DeployedModel = z.infer<typeof deployedModel>;

/** The model a deployment's `models` entry names. */
export const deployedModelName = (entry: DeployedModel): string => (typeof entry === "string" ? entry : entry.model);

const deployment = z.strictObject({
  region: id,
  endpoint: z
    .url({ protocol: /^https?$/ })
    // Written either way: as a server's root, or as an OpenAI base URL (`…/v1`, what every client is given).
    // The gateway adds `/v1/chat/completions` itself, so the `/v1` and trailing slashes are dropped here, once.
    .overwrite((url) => url.replace(/\/+$/, "").replace(/\/v1$/, ""))
    .describe("Base URL of the provider in that region: its root or its OpenAI base URL ending in /v1, the same server either way"),
  models: z.array(deployedModel).min(1).describe("Model names, or { model, supports_prefill, rpm, tpm } where one model at this deployment differs from the provider or has a rate limit"),
  latency: latency.default(PROVIDER_DEFAULTS.deployment.latency),
  real: z
    .boolean()
    .default(PROVIDER_DEFAULTS.deployment.real)
    .describe("The endpoint is a real OpenAI-compatible server: requests to it leave the simulation, so faults and latency there are its own. Real time only (npm run serve, the app)"),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
    .optional()
    .describe("Environment variable holding the bearer token for a real endpoint"),
});

export const provider = z.strictObject({
  id,
  status_page: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }).optional(),
      lag_s: seconds(3_600).default(PROVIDER_DEFAULTS.status_page.lag_s),
    })
    .prefault({}),
  deployments: z.array(deployment).min(1),
  supports_prefill: z
    .boolean()
    .default(PROVIDER_DEFAULTS.supports_prefill)
    .describe("Its models continue an answer from an assistant message at the end of the conversation, so a gateway can resume a cut stream there; a deployment's model entry may say otherwise"),
});
export type Provider = z.infer<typeof provider>;

/** Duplicate providers, deployments outside the topology's regions or twice in one, and what a deployment contradicts in itself. */
export function checkProviders(providers: readonly Provider[], refs: References): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  providers.forEach((p, i) => {
    if (seen.has(p.id)) issues.push({ path: ["topology", "providers", i, "id"], message: `duplicate provider "${p.id}"` });
    seen.add(p.id);
    const providerRegions = new Set<string>();
    p.deployments.forEach((d, j) => {
      const path = ["topology", "providers", i, "deployments", j];
      issues.push(...unknownRegion(refs, d.region, [...path, "region"]));
      if (providerRegions.has(d.region)) issues.push({ path: [...path, "region"], message: `provider "${p.id}" is already deployed in "${d.region}"` });
      providerRegions.add(d.region);
      if (d.api_key_env !== undefined && !d.real) issues.push({ path: [...path, "api_key_env"], message: "only a real endpoint (real: true) is sent an API key" });
      const deployed = new Set<string>();
      d.models.forEach((entry, k) => {
        const name = deployedModelName(entry);
        if (deployed.has(name)) issues.push({ path: [...path, "models", k], message: `model "${name}" is listed twice in this deployment` });
        deployed.add(name);
      });
      if (d.latency.p95_ms < d.latency.median_ms) issues.push({ path: [...path, "latency", "p95_ms"], message: "p95_ms must not be below median_ms" });
      else if (d.latency.p95_ms > MAX_LATENCY_SPREAD * d.latency.median_ms)
        issues.push({ path: [...path, "latency", "p95_ms"], message: `must be at most ${MAX_LATENCY_SPREAD} × median_ms (${(MAX_LATENCY_SPREAD * d.latency.median_ms).toLocaleString("en-US")} ms): a wider spread draws service times no run could reach` });
    });
  });
  return issues;
}
