/**
 * Issue 13 item 14, request by request: prefill support as a property of a model at a deployment, content-policy
 * fallbacks per logical model (residency applies), and the statuses a gateway retries or fails over as
 * scenario settings. Each starts from scenarios/request-faults.yaml, whose defaults keep today's conduct.
 */
import { describe, expect, it } from "vitest";
import { scenarioSchema, type ScenarioInput } from "../../engine/scenario/schema";
import { Topology } from "../../engine/topology";
import { ask, calls, FALLBACK, onPrimary, PRIMARY, requestFaultsInput, WHOLE_ANSWER, type CallResult } from "./conduct";

const LENIENT = "lenient-sim@us-east/lenient";

/** The request-faults scenario changed by `edit`, with `faults`. */
function scenario(edit: (input: ScenarioInput) => void, faults: ScenarioInput["faults"] = []) {
  const input = requestFaultsInput();
  edit(input);
  return scenarioSchema.parse({ ...input, faults });
}

async function one(edit: (input: ScenarioInput) => void, faults: ScenarioInput["faults"], stream = false): Promise<CallResult> {
  const [result] = await calls(scenario(edit, faults), [{ at: 1_000, body: ask(stream) }]);
  return result!;
}

/** claude-sonnet at anthropic-sim's one deployment, as a `{ model, supports_prefill }` entry. */
function claudeAt(input: ScenarioInput, supportsPrefill: boolean, providerDefault: boolean): void {
  const anthropic = input.topology.providers[1]!;
  anthropic.supports_prefill = providerDefault;
  anthropic.deployments[0]!.models = [{ model: "claude-sonnet", supports_prefill: supportsPrefill }];
}

describe("prefill support is a model's at a deployment", () => {
  it("the model's entry overrides its provider's default, either way, and a plain name takes the provider's", () => {
    const input = requestFaultsInput();
    claudeAt(input, false, true);
    input.topology.providers[0]!.supports_prefill = true;
    input.topology.providers[0]!.deployments[0]!.models = ["gpt-4o", { model: "gpt-4o-long", supports_prefill: false }];
    const topology = new Topology(scenarioSchema.parse(input));
    const prefill = Object.fromEntries(["gpt-4o", "gpt-4o-long"].map((m) => [m, topology.targetsFor("chat-large").concat(topology.fallbackTargetsFor("chat-large", "long-context")).find((t) => t.model === m)!.supportsPrefill]));
    expect(prefill).toEqual({ "gpt-4o": true, "gpt-4o-long": false });
    expect(topology.targetsFor("chat-large").find((t) => t.id === FALLBACK)!.supportsPrefill).toBe(false);
  });

  it("a cut stream is not continued on a model that cannot, though its provider can", async () => {
    const r = await one((input) => claudeAt(input, false, true), onPrimary("stream-cut", { after_chunks: 3 }), true);
    expect(r.outcome.kind).toBe("error");
    expect(r.count(FALLBACK)).toBe(0);
  });

  it("a cut stream is continued on a model that can, though its provider's default says no", async () => {
    const r = await one((input) => claudeAt(input, true, false), onPrimary("stream-cut", { after_chunks: 3 }), true);
    expect(r.outcome.kind).toBe("stream-complete");
    expect(r.outcome.record!.attempts[1]!.resumedFrom).toBeGreaterThan(0);
    expect(r.text).toBe(WHOLE_ANSWER);
  });

  it("a model named twice in one deployment is refused, naming the entry", () => {
    const input = requestFaultsInput();
    input.topology.providers[1]!.deployments[0]!.models = ["claude-sonnet", { model: "claude-sonnet", supports_prefill: false }];
    const result = scenarioSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["topology", "providers", 1, "deployments", 0, "models", 1], message: 'model "claude-sonnet" is listed twice in this deployment' });
  });
});

/** A second region in the US with a provider whose content policy is more lenient, as the chat model's content-policy fallback. */
function lenientInUs(residency: ScenarioInput["policy"]["residency"]) {
  return (input: ScenarioInput): void => {
    input.topology.regions.push({ id: "us-east", jurisdiction: "US", location: "Virginia" });
    input.topology.providers.push({ id: "lenient-sim", deployments: [{ region: "us-east", endpoint: "https://lenient-sim.us-east.sim.test", models: ["lenient"] }] });
    input.topology.models[0]!.content_policy_fallbacks = [{ provider: "lenient-sim", model: "lenient" }];
    input.policy.residency = residency;
  };
}

describe("content-policy fallbacks", () => {
  it("a content-policy refusal moves to the logical model's content-policy fallback, which answers", async () => {
    const r = await one(lenientInUs({ EU: ["EU", "US"] }), onPrimary("content-policy"));
    expect(r.outcome.kind).toBe("completion");
    expect([r.count(PRIMARY), r.count(FALLBACK), r.count(LENIENT)]).toEqual([1, 0, 1]);
    expect(r.outcome.meta.servedBy).toBe(LENIENT);
  });

  it("residency binds them: a fallback outside the permitted jurisdictions is never tried, and the refusal reaches the caller", async () => {
    const r = await one(lenientInUs({ EU: ["EU"] }), onPrimary("content-policy"));
    expect(r.outcome.kind).toBe("error");
    if (r.outcome.kind !== "error") return;
    expect(r.outcome.status).toBe(400);
    expect(r.outcome.error.code).toBe("content_policy_violation");
    expect([r.count(PRIMARY), r.count(LENIENT)]).toEqual([1, 0]);
  });

  it("an unknown model in content_policy_fallbacks is refused at load, naming the field", () => {
    const input = requestFaultsInput();
    input.topology.models[0]!.content_policy_fallbacks = [{ provider: "anthropic-sim", model: "claude-opus" }];
    const result = scenarioSchema.safeParse(input);
    expect(result.error?.issues[0]).toMatchObject({ path: ["topology", "models", 0, "content_policy_fallbacks", 0, "model"] });
  });
});

describe("which statuses are retried and which failed over", () => {
  it("a 503 listed in retriable_status_codes is retried once on the primary before the fallback", async () => {
    const r = await one((input) => void (input.gateway = { retriable_status_codes: [429, 500, 503] }), onPrimary("unavailable"));
    expect(r.outcome.kind).toBe("completion");
    expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([2, 1]);
  });

  it("a 500 in neither list is not retried nor failed over: it ends the request, but still counts against the target's circuit", async () => {
    const unlisted = scenario((input) => void (input.gateway = { retriable_status_codes: [429], failover_status_codes: [503] }), onPrimary("server-error"));
    const results = await calls(unlisted, Array.from({ length: 6 }, (_, i) => ({ at: 1_000 + i * 1_000, body: ask() })));
    for (const r of results.slice(0, 5)) {
      expect(r.outcome.kind).toBe("error");
      expect(r.outcome.record!.attempts).toHaveLength(1);
    }
    // Five consecutive failures opened the primary's circuit: the sixth call goes to the fallback.
    expect(results[5]!.outcome.meta.servedBy).toBe(FALLBACK);
    expect(results[5]!.count(PRIMARY)).toBe(5);
  });
});
