/** How the gateway addresses an endpoint that is a real server, outside the simulation. */
import type { Endpoint } from "../topology";

/** For a real server: its API key (from `env`), and no simulation headers; nothing for a simulated one. */
export function realUpstream(endpoint: Endpoint, env: (name: string) => string | undefined): { real?: { authorization: string | undefined } } {
  if (!endpoint.real) return {};
  const apiKey = endpoint.real.apiKeyEnv === undefined ? undefined : env(endpoint.real.apiKeyEnv);
  return { real: { authorization: apiKey ? `Bearer ${apiKey}` : undefined } };
}
