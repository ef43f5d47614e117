/** How the gateway addresses an endpoint that is a real server, outside the simulation. */
import type { EngineContext } from "../context";
import type { Endpoint } from "../topology";

/**
 * For a real server: its API key (from `env`), no simulation headers, and the session's closing signal, so
 * a shutdown closes its connections; nothing for a simulated one.
 */
export function realUpstream(
  endpoint: Endpoint,
  { env, closing }: Pick<EngineContext, "env" | "closing">,
): { real?: { authorization: string | undefined }; signal?: AbortSignal } {
  if (!endpoint.real) return {};
  const apiKey = endpoint.real.apiKeyEnv === undefined ? undefined : env(endpoint.real.apiKeyEnv);
  return { real: { authorization: apiKey ? `Bearer ${apiKey}` : undefined }, signal: closing };
}
