/**
 * The gateway's conduct under each request-level fault class, through `EngineSession.chat` in virtual
 * time: what the simulated providers saw, how long it took, and what the caller got.
 */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../engine/clock";
import type { RequestRecord } from "../../engine/events";
import { seededRandom } from "../../engine/random";
import { GATEWAY_DEFAULTS } from "../../engine/scenario/schema";
import { EngineSession } from "../../engine/session";
import { ask, calls, conductScenario, FALLBACK, LONG, onPrimary, PRIMARY, WHOLE_ANSWER, type CallResult } from "./conduct";

async function one(faults: Parameters<typeof conductScenario>[0], stream = false, options?: Parameters<typeof conductScenario>[1]): Promise<CallResult> {
  const [result] = await calls(conductScenario(faults, options), [{ at: 1_000, body: ask(stream) }]);
  return result!;
}

function attemptsOf(result: CallResult) {
  return result.outcome.record!.attempts;
}

describe("request-level faults: retried on the same target", () => {
  it("429 with Retry-After: waits it out, retries the primary once, and the primary answers", async () => {
    const r = await one(onPrimary("rate-limit-retry-after", { retry_after_s: 2, times: 1 }));
    expect(r.outcome.kind).toBe("completion");
    expect(r.count(PRIMARY)).toBe(2);
    expect(r.count(FALLBACK)).toBe(0);
    const [first, second] = attemptsOf(r);
    expect(first!.status).toBe(429);
    expect(second!.startedAt - first!.startedAt - first!.ms).toBeGreaterThanOrEqual(2_000);
    expect(r.outcome.meta.servedBy).toBe(PRIMARY);
  });

  it("429 without Retry-After, persistent: one backed-off retry, then the fallback answers", async () => {
    const r = await one(onPrimary("rate-limit"));
    expect(r.outcome.kind).toBe("completion");
    expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([2, 1]);
    const [first, second] = attemptsOf(r);
    // Never a tight loop: at least half the backoff base between the two tries.
    expect(second!.startedAt - (first!.startedAt + first!.ms)).toBeGreaterThanOrEqual(GATEWAY_DEFAULTS.backoff_base_ms / 2);
    expect(r.outcome.meta.servedBy).toBe(FALLBACK);
  });

  it("500 once: the same provider is retried and answers", async () => {
    const r = await one(onPrimary("server-error", { times: 1 }));
    expect(r.outcome.kind).toBe("completion");
    expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([2, 0]);
    expect(attemptsOf(r).map((a) => a.status)).toEqual([500, 200]);
  });

  it("connection reset before headers: one retry, then fail over", async () => {
    const r = await one(onPrimary("connection-reset"));
    expect(r.outcome.kind).toBe("completion");
    expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([2, 1]);
    expect(attemptsOf(r)[0]!.error).toMatch(/network error/);
  });
});

describe("request-level faults: failed over at once", () => {
  it("503 persistent: straight to the fallback", async () => {
    const r = await one(onPrimary("unavailable"));
    expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([1, 1]);
    expect(r.outcome.meta.servedBy).toBe(FALLBACK);
  });

  it("no response at all: the first-token limit ends it, the silent route is not retried, the fallback answers within 12 s", async () => {
    for (const stream of [false, true]) {
      const r = await one(onPrimary("no-response"), stream);
      expect(r.outcome.kind).toBe(stream ? "stream-complete" : "completion");
      expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([1, 1]);
      expect(attemptsOf(r)[0]!.ms).toBe(GATEWAY_DEFAULTS.first_token_timeout_ms);
      expect(r.outcome.meta.elapsedMs).toBeLessThan(12_000);
      expect(r.text).toBe(WHOLE_ANSWER);
    }
  });

  it("slow first token: the first-token limit fails over", async () => {
    const r = await one(onPrimary("slow-first-token", { first_token_ms: 30_000 }), true);
    expect(r.outcome.kind).toBe("stream-complete");
    expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([1, 1]);
    expect(attemptsOf(r)[0]!.error).toMatch(/no first token after 5000 ms/);
    expect(r.text).toBe(WHOLE_ANSWER);
  });
});

describe("request-level faults: broken streams", () => {
  for (const [cls, pattern] of [
    ["stream-cut", /without a finish reason or \[DONE\]/],
    ["stream-stall", /stream silent for 5000 ms/],
    ["malformed-chunk", /malformed stream event/],
  ] as const) {
    it(`${cls}: the chunks already sent are continued by the fallback from a prefill, and the caller gets one whole answer`, async () => {
      const r = await one(onPrimary(cls, { after_chunks: 3 }), true);
      expect(r.outcome.kind).toBe("stream-complete");
      expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([1, 1]);
      const [first, second] = attemptsOf(r);
      expect(first!.error).toMatch(pattern);
      expect(second!.resumedFrom).toBeGreaterThan(0);
      expect(r.text).toBe(WHOLE_ANSWER);
      // One completion: one id, one role, a finish reason and the usage of the answer.
      expect(new Set(r.chunks.map((c) => c.id)).size).toBe(1);
      expect(r.chunks.filter((c) => c.choices[0]?.delta.role !== undefined)).toHaveLength(1);
      expect(r.chunks.some((c) => c.choices[0]?.finish_reason === "stop")).toBe(true);
      expect(r.chunks.at(-1)!.usage).toMatchObject({ completion_tokens: expect.any(Number) });
    });

    it(`${cls}, not streamed to the caller: restarts cleanly on the fallback`, async () => {
      const r = await one(onPrimary(cls, { after_chunks: 3 }), false);
      expect(r.outcome.kind).toBe("completion");
      expect(attemptsOf(r)[1]!.resumedFrom).toBeUndefined();
      expect(r.text).toBe(WHOLE_ANSWER);
    });
  }

  it("a fallback that cannot continue: the stream ends with an error naming the cut, never as a success", async () => {
    const r = await one(onPrimary("stream-cut", { after_chunks: 3 }), true, { fallbackPrefill: false });
    expect(r.outcome.kind).toBe("error");
    if (r.outcome.kind !== "error") return;
    expect(r.outcome.streamed).toBe(true);
    expect(r.outcome.error.message).toMatch(/openai-sim@eu-west\/gpt-4o: stream ended after/);
    expect(r.count(FALLBACK)).toBe(0);
    expect(r.chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);
  });

  it("stream without [DONE]: the answer had its finish reason, so it is whole and the primary keeps it", async () => {
    const r = await one(onPrimary("no-done"), true);
    expect(r.outcome.kind).toBe("stream-complete");
    expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([1, 0]);
    expect(r.text).toBe(WHOLE_ANSWER);
  });
});

describe("request-level faults: refusals of the request itself", () => {
  it("context_length_exceeded: never retried on the same model; the long-context model answers", async () => {
    const r = await one(onPrimary("context-length"));
    expect(r.outcome.kind).toBe("completion");
    expect([r.count(PRIMARY), r.count(LONG), r.count(FALLBACK)]).toEqual([1, 1, 0]);
    expect(r.outcome.meta.servedBy).toBe(LONG);
  });

  it("context_length_exceeded with no long-context model: the provider's reason reaches the caller", async () => {
    const r = await one(onPrimary("context-length"), false, { longContext: false });
    expect(r.outcome.kind).toBe("error");
    if (r.outcome.kind !== "error") return;
    expect(r.outcome.status).toBe(400);
    expect(r.outcome.error).toMatchObject({ code: "context_length_exceeded", type: "invalid_request_error", param: "messages" });
    expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([1, 0]);
  });

  it("content_policy_violation: never retried, never failed over; the provider's reason reaches the caller", async () => {
    const r = await one(onPrimary("content-policy"));
    expect(r.outcome.kind).toBe("error");
    if (r.outcome.kind !== "error") return;
    expect(r.outcome.status).toBe(400);
    expect(r.outcome.error.code).toBe("content_policy_violation");
    expect([r.count(PRIMARY), r.count(LONG), r.count(FALLBACK)]).toEqual([1, 0, 0]);
  });

  it("a fallback that rejects the prefill: its refusal does not mask the cut that came first", async () => {
    const faults = [
      ...onPrimary("stream-cut", { after_chunks: 3 })!,
      { kind: "request-fault" as const, at_s: 0, region: "eu-west", provider: "anthropic-sim", class: "rejects-prefill" as const },
    ];
    const streamed = await one(faults, true);
    expect(streamed.outcome.kind).toBe("error");
    if (streamed.outcome.kind !== "error") return;
    expect(streamed.outcome.error.message).toMatch(/^no target left .*first: openai-sim@eu-west\/gpt-4o: stream ended after/);
    expect(streamed.outcome.error.message).toContain("prefill_not_supported");
    expect(streamed.count(FALLBACK)).toBe(1);
    // Not streamed to the caller, nothing needs continuing: the fallback answers from the start.
    const whole = await one(faults, false);
    expect(whole.outcome.kind).toBe("completion");
    expect(whole.text).toBe(WHOLE_ANSWER);
  });
});

describe("a flapping primary and accounting", () => {
  it("down for a minute: the circuit opens, the fallback serves, a probe closes it, and traffic returns to the primary", async () => {
    const scenario = conductScenario([{ kind: "request-fault", at_s: 0, heal_s: 60, region: "eu-west", provider: "openai-sim", model: "gpt-4o", class: "unavailable" }]);
    const results = await calls(
      scenario,
      Array.from({ length: 60 }, (_, i) => ({ at: 1_000 + i * 3_000, body: ask() })),
      400_000,
    );
    expect(results.every((r) => r.outcome.kind === "completion")).toBe(true);
    const servedBy = results.map((r) => r.outcome.meta.servedBy);
    expect(servedBy[0]).toBe(FALLBACK);
    // Once the circuit is open, requests go straight to the fallback: one attempt, the primary untouched.
    const direct = results.filter((r) => r.outcome.meta.servedBy === FALLBACK && attemptsOf(r).length === 1);
    expect(direct.length).toBeGreaterThan(5);
    // After the heal the primary takes the traffic back.
    expect(servedBy.slice(-10).every((s) => s === PRIMARY)).toBe(true);
    // The primary saw far fewer calls than there were requests while it was down.
    expect(results[19]!.count(PRIMARY)).toBeLessThan(20);
  });

  it("accounting: the answer names the model that answered and its usage; failed attempts are audited, not billed", async () => {
    const r = await one(onPrimary("unavailable"));
    if (r.outcome.kind !== "completion") throw new Error(r.outcome.kind);
    expect(r.outcome.completion.model).toBe("claude-sonnet");
    const record = r.outcome.record;
    expect(record.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(record.usage).toEqual({ prompt_tokens: r.outcome.completion.usage.prompt_tokens, completion_tokens: r.outcome.completion.usage.completion_tokens });
    expect(r.outcome.completion.usage.completion_tokens).toBe(Math.round(WHOLE_ANSWER.length / 4));
  });
});

describe("determinism", () => {
  it("streams racing their time limits give the same records, chunk for chunk, on every run", async () => {
    // Limits close to the chunk gaps: a chunk and a limit due together must always resolve the same way.
    const scenario = conductScenario(onPrimary("stream-stall", { after_chunks: 2, times: 3 }));
    const tight = { ...scenario, gateway: { ...scenario.gateway, stream_idle_timeout_ms: 120, first_token_timeout_ms: 400 } };
    const bodies = Array.from({ length: 8 }, (_, i) => ({ at: 1_000 + i * 37, body: ask(true) }));
    const summarise = (results: CallResult[]) => JSON.stringify(results.map((r) => ({ record: r.outcome.record, chunks: r.chunks })));
    const first = summarise(await calls(tight, bodies, 60_000));
    expect(summarise(await calls(tight, bodies, 60_000))).toBe(first);
    expect(first).toContain("stream silent for 120 ms");
  });
});

describe("identity", () => {
  it("a client's call carries a token from the scenario's identity provider, which the gateway checks like any other", async () => {
    const withIdp = (faults: Parameters<typeof conductScenario>[0]) => conductScenario(faults, { identity: { regions: ["eu-west"], on_unreachable: "fail-closed" } });
    const [accepted] = await calls(withIdp([]), [{ at: 5_000, body: ask() }]);
    expect(accepted!.outcome.kind).toBe("completion");
    expect(accepted!.outcome.record!.identity).toMatchObject({ verdict: "accepted", subject: "(openai client)" });
    const [refused] = await calls(withIdp([{ kind: "idp-outage", at_s: 0, region: "eu-west" }]), [{ at: 5_000, body: ask() }]);
    expect(refused!.outcome.kind).toBe("error");
    if (refused!.outcome.kind !== "error") return;
    expect(refused!.outcome.status).toBe(401);
    expect(refused!.outcome.error.code).toBe("rejected_by_identity");
    expect(refused!.count(PRIMARY)).toBe(0);
  });
});

describe("simulated callers (whole JSON answers)", () => {
  it("meet the same faults in JSON form: a cut or malformed body fails over at once, a stalled one at the attempt timeout", async () => {
    const outcomes = new Map<string, RequestRecord[]>();
    for (const cls of ["stream-cut", "malformed-chunk", "stream-stall"] as const) {
      const scenario = conductScenario(onPrimary(cls));
      const withCallers = { ...scenario, topology: { ...scenario.topology, callers: [{ ...CALLERS }] } };
      const clock = new VirtualClock();
      const session = new EngineSession(withCallers, { clock, random: seededRandom(3) });
      const records: RequestRecord[] = [];
      session.subscribe((event) => event.type === "request" && records.push(event.record));
      session.start();
      await clock.runUntil(30_000);
      session.close();
      session.audit.close();
      outcomes.set(cls, records);
    }
    for (const [cls, records] of outcomes) {
      expect(records.length, cls).toBeGreaterThan(20);
      expect(records.every((r) => r.outcome === "ok"), cls).toBe(true);
      // The circuit opens after five failures; until then each request met the fault once and moved on.
      const hit = records.filter((r) => r.attempts[0]!.target === PRIMARY);
      expect(hit.length, cls).toBeGreaterThanOrEqual(5);
      for (const r of hit) expect([r.attempts.length, r.servedBy?.target], cls).toEqual([2, FALLBACK]);
    }
    const stalled = outcomes.get("stream-stall")!.filter((r) => r.attempts[0]!.target === PRIMARY);
    expect(new Set(stalled.map((r) => r.attempts[0]!.ms))).toEqual(new Set([GATEWAY_DEFAULTS.attempt_timeout_ms]));
    const cut = outcomes.get("stream-cut")!.filter((r) => r.attempts[0]!.target === PRIMARY);
    expect(cut.every((r) => r.attempts[0]!.error === "malformed completion body")).toBe(true);
  });
});

const CALLERS = { id: "eu-web", region: "eu-west", jurisdiction: "EU" as const, model: "chat-large", rate_per_s: 2, consent_share: 0, high_risk_share: 0, clients: 5, bad_tokens: { "wrong-key": 0, expired: 0, "wrong-audience": 0 } };

describe("the retry budget", () => {
  it("is given back when a retry granted on the last attempt never runs, so later requests may still retry", async () => {
    // A lone target answering 500, with circuits that never open: every request may try it three times, and
    // three retries may run at once. A retry slot kept by each request would leave none after the third.
    const scenario = conductScenario(onPrimary("server-error"), { longContext: false });
    const lone = {
      ...scenario,
      topology: { ...scenario.topology, models: [{ ...scenario.topology.models[0]!, equivalents: [] }] },
      health: { ...scenario.health, circuit: { ...scenario.health.circuit, consecutive_failures: 1_000 }, passive: { ...scenario.health.passive, error_rate_threshold: 1 } },
    };
    const results = await calls(lone, Array.from({ length: 6 }, (_, i) => ({ at: 1_000 + i * 2_000, body: ask() })), 30_000);
    expect(results.map((r) => attemptsOf(r).length)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(results.every((r) => r.outcome.kind === "error")).toBe(true);
  });
});
