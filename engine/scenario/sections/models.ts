/** Logical models: the names callers ask for, each resolved to provider models. */
import { z } from "zod";
import { id } from "./fields";
import type { Issue, References } from "./references";

const modelRef = z.strictObject({
  provider: id,
  model: z.string().min(1),
  weight: z
    .number()
    .positive()
    .max(1_000_000)
    .optional()
    .describe("Share of this logical model's traffic relative to its other targets under routing_strategy weighted (Envoy's load_balancing_weight, Portkey's loadbalance weight, LiteLLM's weight); 1 when absent"),
});
type ModelRef = z.infer<typeof modelRef>;

/**
 * How a gateway orders the permitted, usable targets of one logical model: `ordered` (the file's order after
 * same region and health: Portkey's fallback, LiteLLM's fallbacks), `weighted` (a random pick in proportion to
 * `weight`: LiteLLM's simple-shuffle, Portkey's loadbalance, Envoy's locality weights) or `latency` (the lowest
 * recent latency first: LiteLLM's latency-based-routing).
 */
const ROUTING_STRATEGIES = ["ordered", "weighted", "latency"] as const;

export const logicalModel = z.strictObject({
  id,
  routing_strategy: z.enum(ROUTING_STRATEGIES).optional().describe("How targets are ordered: ordered (the default), weighted or latency"),
  serves: z.array(modelRef).min(1).describe("Provider models this logical model resolves to, preferred first"),
  equivalents: z
    .array(modelRef)
    .default([])
    .describe("Models at other providers with equivalent capability, used after the primary ones"),
  long_context: z
    .array(modelRef)
    .default([])
    .describe("Models with a larger context window, tried when a provider answers context_length_exceeded"),
  content_policy_fallbacks: z
    .array(modelRef)
    .default([])
    .describe("Models tried when a provider's content policy refuses the request (content_policy_violation), as LiteLLM's content_policy_fallbacks; none: the refusal reaches the caller"),
});
export type LogicalModel = z.infer<typeof logicalModel>;

/** Duplicate logical models, and provider models they resolve to that no provider deploys. */
export function checkModels(models: readonly LogicalModel[], refs: References): Issue[] {
  const issues: Issue[] = [];
  const knownModelRef = (ref: ModelRef, path: Issue["path"]) => {
    const served = refs.providerModels.get(ref.provider);
    if (!served) issues.push({ path: [...path, "provider"], message: `unknown provider "${ref.provider}"` });
    else if (!served.has(ref.model)) issues.push({ path: [...path, "model"], message: `provider "${ref.provider}" deploys no model "${ref.model}"` });
  };
  const seen = new Set<string>();
  models.forEach((m, i) => {
    if (seen.has(m.id)) issues.push({ path: ["topology", "models", i, "id"], message: `duplicate logical model "${m.id}"` });
    seen.add(m.id);
    m.serves.forEach((ref, j) => knownModelRef(ref, ["topology", "models", i, "serves", j]));
    m.equivalents.forEach((ref, j) => knownModelRef(ref, ["topology", "models", i, "equivalents", j]));
    m.long_context.forEach((ref, j) => knownModelRef(ref, ["topology", "models", i, "long_context", j]));
    m.content_policy_fallbacks.forEach((ref, j) => knownModelRef(ref, ["topology", "models", i, "content_policy_fallbacks", j]));
  });
  return issues;
}
