/** Hand-built targets for the pure pipeline tests: no scenario, no network. */
import type { AttemptFailure } from "../../engine/http";
import type { Target } from "../../engine/topology";

export function target(provider: string, model: string, options: { region?: string; supportsPrefill?: boolean } = {}): Target {
  const region = options.region ?? "eu-west";
  const id = `${provider}@${region}`;
  return {
    id: `${id}/${model}`,
    model,
    equivalent: false,
    supportsPrefill: options.supportsPrefill ?? false,
    endpoint: {
      id,
      provider,
      region,
      jurisdiction: "EU",
      baseUrl: `https://${provider}.${region}.sim.test`,
      models: new Set([model]),
      latency: { median_ms: 300, p95_ms: 600 },
      prefillModels: new Set(options.supportsPrefill ? [model] : []),
      real: undefined,
    },
  };
}

/** A provider's non-2xx answer with an OpenAI-style error body, as `engine/http.ts` reports it. */
export function statusOutcome(status: number, code: string, options: { retryAfterS?: number; type?: string } = {}): AttemptFailure {
  const message = `${code} at the provider`;
  return {
    kind: "status",
    status,
    body: { error: { message, type: options.type ?? (status < 500 ? "invalid_request_error" : "server_error"), param: null, code } },
    error: `${code}: ${message}`,
    ms: 12,
    ...(options.retryAfterS === undefined ? {} : { retryAfterS: options.retryAfterS }),
  };
}
