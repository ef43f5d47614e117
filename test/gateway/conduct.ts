/**
 * The gateway's request-level conduct, in the shipped scenarios/request-faults.yaml: one region, a primary
 * (openai-sim gpt-4o), an equivalent fallback that can continue an answer from a prefill (anthropic-sim
 * claude-sonnet), and a long-context model. No simulated callers, so the provider counts are the test's own calls.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { runChatCalls, type ChatCallResult } from "../../engine/chatCalls";
import { scenarioSchema, type Fault, type Scenario, type ScenarioInput } from "../../engine/scenario/schema";

const SCENARIO = new URL("../../scenarios/request-faults.yaml", import.meta.url);

export const PRIMARY = "openai-sim@eu-west/gpt-4o";
export const FALLBACK = "anthropic-sim@eu-west/claude-sonnet";
export const LONG = "openai-sim@eu-west/gpt-4o-long";

/** scenarios/request-faults.yaml as written, for a test to change before it is parsed. */
export function requestFaultsInput(): ScenarioInput {
  return parse(readFileSync(SCENARIO, "utf8")) as ScenarioInput;
}

/** scenarios/request-faults.yaml with `faults`; the options take the fallback's prefill or the long-context model away, or add an identity provider. */
export function conductScenario(
  faults: ScenarioInput["faults"] = [],
  options: { fallbackPrefill?: boolean; longContext?: boolean; identity?: ScenarioInput["identity"] } = {},
): Scenario {
  const input = requestFaultsInput();
  const [openai, anthropic] = input.topology.providers;
  const [model] = input.topology.models;
  return scenarioSchema.parse({
    ...input,
    topology: {
      ...input.topology,
      providers: [openai, { ...anthropic, supports_prefill: options.fallbackPrefill ?? true }],
      models: [{ ...model, long_context: options.longContext === false ? [] : model!.long_context }],
    },
    faults,
    ...(options.identity ? { identity: options.identity } : {}),
  });
}

/** A request fault on the primary from the start; `extra` sets the class's parameters. */
export function onPrimary(cls: Extract<Fault, { kind: "request-fault" }>["class"], extra: Record<string, unknown> = {}): ScenarioInput["faults"] {
  return [{ kind: "request-fault", at_s: 0, region: "eu-west", provider: "openai-sim", model: "gpt-4o", class: cls, ...extra }];
}

export interface CallResult extends ChatCallResult {
  /** What the simulated providers received, by target. */
  readonly count: (target: string) => number;
}

/** Runs the scenario in virtual time and makes chat calls to eu-west at the given times (virtual ms). */
export async function calls(scenario: Scenario, bodies: { at: number; body: unknown }[], runMs = 180_000): Promise<CallResult[]> {
  const results = await runChatCalls(scenario, bodies.map((b) => ({ ...b, region: "eu-west" })), runMs);
  return results.map((r) => ({ ...r, count: (target: string) => r.seen.get(target) ?? 0 }));
}

export const ask = (stream = false, content = "What is a failover drill?") => ({
  model: "chat-large",
  messages: [{ role: "user", content }],
  ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
});

export const WHOLE_ANSWER = 'Simulated answer to "What is a failover drill?": the gateway routed this request and a model in the lab answered it in full.';
