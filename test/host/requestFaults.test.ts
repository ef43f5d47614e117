/**
 * One test per request-level fault class (failoverbench's sixteen: shared/ANCHORS.md), driven through the
 * gateways' OpenAI-compatible HTTP endpoint by the official openai client. Each test plays
 * scenarios/request-faults.yaml at 20× real time with the fault on the primary (gpt-4o at openai-sim) and
 * checks what the simulated providers saw, the elapsed virtual time the gateway reports, and the outcome.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI, { APIError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile, type Fault } from "../../engine";
import { LabController } from "../../engine/lab/controller";
import { GATEWAY_DEFAULTS, REQUEST_FAULT_DEFAULTS, type RequestFaultClass } from "../../engine/scenario/schema";
import { startOpenAiServer, type OpenAiServer } from "../../host/openaiServer";
import { scenarioFolder } from "../../host/scenarioLibrary";

const SCENARIO = join(import.meta.dirname, "../../scenarios/request-faults.yaml");
const SPEED = 20;
const PRIMARY = "openai-sim@eu-west/gpt-4o";
const FALLBACK = "anthropic-sim@eu-west/claude-sonnet";
const LONG = "openai-sim@eu-west/gpt-4o-long";
const WHOLE = 'Simulated answer to "What is a failover drill?": the gateway routed this request and a model in the lab answered it in full.';
const question = { model: "chat-large", messages: [{ role: "user" as const, content: "What is a failover drill?" }] };

/**
 * The client's own fetch, taken before the simulation's MSW server patches the global one: a real client runs
 * in a process of its own. (Intercepted in passing, a stream that ends in an error event never reached it.)
 */
const clientFetch = globalThis.fetch;

let open: { lab: LabController; server: OpenAiServer } | undefined;
afterEach(async () => {
  await open?.lab.close();
  await open?.server.close();
  open = undefined;
});

/** The scenario with these faults, playing at 20×, and an openai client for its eu-west gateway. */
async function gatewayWith(faults: Fault[]) {
  const lab = new LabController({
    scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    evidence: { folder: "", newDir: () => expect.unreachable(), key: () => expect.unreachable(), wallDate: () => expect.unreachable() },
  });
  const server = await startOpenAiServer({ backend: lab.gatewayApi, port: 0 });
  open = { lab, server };
  await lab.open({ ...loadScenarioFile(SCENARIO), faults }, readFileSync(SCENARIO, "utf8"), "request-faults.yaml");
  await lab.execute("setSpeed", { speed: SPEED });
  await lab.execute("play", {});
  // A silent attempt lasts 5 virtual seconds, a quarter of a wall second at 20×: ten wall seconds is a hang.
  const client = new OpenAI({ baseURL: server.baseUrl("eu-west"), apiKey: "any", maxRetries: 0, timeout: 10_000, fetch: clientFetch });
  const seen = (target: string) => lab.providerCompletions().get(target) ?? 0;
  return { client, seen, lab };
}

function onPrimary(cls: RequestFaultClass, extra: Partial<Extract<Fault, { kind: "request-fault" }>> = {}): Extract<Fault, { kind: "request-fault" }> {
  return { kind: "request-fault", at_s: 0, region: "eu-west", provider: "openai-sim", model: "gpt-4o", class: cls, ...REQUEST_FAULT_DEFAULTS, ...extra };
}

/** A non-streamed call: the answer and the gateway's account of it from the headers. */
async function ask(client: OpenAI) {
  const { data, response } = await client.chat.completions.create(question).withResponse();
  return { data, servedBy: response.headers.get("x-failover-lab-served-by"), elapsedMs: Number(response.headers.get("x-failover-lab-elapsed-ms")) };
}

/** A streamed call read to its end. */
async function askStreaming(client: OpenAI) {
  const stream = await client.chat.completions.create({ ...question, stream: true, stream_options: { include_usage: true } });
  const parts: string[] = [];
  let finish: string | null = null;
  let model = "";
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    parts.push(chunk.choices[0]?.delta.content ?? "");
    finish = chunk.choices[0]?.finish_reason ?? finish;
    model = chunk.model || model;
    usage = chunk.usage ?? usage;
  }
  return { text: parts.join(""), finish, model, usage };
}

describe("each request-level fault class through the HTTP endpoint, with the official openai client", () => {
  it("429 with Retry-After: waits it out and the primary answers on the retry", async () => {
    const { client, seen } = await gatewayWith([onPrimary("rate-limit-retry-after", { retry_after_s: 2, times: 1 })]);
    const answer = await ask(client);
    expect(answer.data.model).toBe("gpt-4o");
    expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([2, 0]);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(2_000);
    expect(answer.elapsedMs).toBeLessThan(5_000);
  });

  it("429 without Retry-After, persistent: one backed-off retry, then the fallback", async () => {
    const { client, seen } = await gatewayWith([onPrimary("rate-limit")]);
    const answer = await ask(client);
    expect(answer.servedBy).toBe(FALLBACK);
    expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([2, 1]);
    expect(answer.elapsedMs).toBeLessThan(5_000);
  });

  it("500 once, then healthy: the same provider is retried and answers", async () => {
    const { client, seen } = await gatewayWith([onPrimary("server-error", { times: 1 })]);
    const answer = await ask(client);
    expect(answer.servedBy).toBe(PRIMARY);
    expect(seen(PRIMARY)).toBe(2);
    expect(answer.elapsedMs).toBeLessThan(5_000);
  });

  it("503 persistent: failed over at once", async () => {
    const { client, seen } = await gatewayWith([onPrimary("unavailable")]);
    const answer = await ask(client);
    expect(answer.servedBy).toBe(FALLBACK);
    expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([1, 1]);
    expect(answer.elapsedMs).toBeLessThan(5_000);
  });

  it("connection reset before headers: one retry, then the fallback", async () => {
    const { client, seen } = await gatewayWith([onPrimary("connection-reset")]);
    const answer = await ask(client);
    expect(answer.servedBy).toBe(FALLBACK);
    expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([2, 1]);
  });

  it("no response at all: the default limits end the silent attempt and the fallback answers within 12 s", async () => {
    const { client, seen } = await gatewayWith([onPrimary("no-response")]);
    const answer = await ask(client);
    expect(answer.data.choices[0]!.message.content).toBe(WHOLE);
    expect(answer.servedBy).toBe(FALLBACK);
    // The silent route is not tried again.
    expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([1, 1]);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(GATEWAY_DEFAULTS.first_token_timeout_ms);
    expect(answer.elapsedMs).toBeLessThan(12_000);
  });

  it("slow first token: the first-token limit fails over, streaming", async () => {
    const { client, seen } = await gatewayWith([onPrimary("slow-first-token")]);
    const answer = await askStreaming(client);
    expect([answer.text, answer.finish, answer.model]).toEqual([WHOLE, "stop", "claude-sonnet"]);
    expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([1, 1]);
  });

  for (const cls of ["stream-cut", "stream-stall", "malformed-chunk"] as const) {
    it(`${cls}: the fallback continues from what the client already has, and the client reads one whole answer`, async () => {
      const { client, seen } = await gatewayWith([onPrimary(cls, { after_chunks: 3 })]);
      const answer = await askStreaming(client);
      expect([answer.text, answer.finish]).toEqual([WHOLE, "stop"]);
      expect(answer.usage?.completion_tokens).toBeGreaterThan(0);
      expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([1, 1]);
    });
  }

  it("stream without data: [DONE]: whole after its finish reason, and the client's stream still ends", async () => {
    const { client, seen } = await gatewayWith([onPrimary("no-done")]);
    const answer = await askStreaming(client);
    expect([answer.text, answer.finish, answer.model]).toEqual([WHOLE, "stop", "gpt-4o"]);
    expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([1, 0]);
  });

  it("400 context_length_exceeded: never retried on the same model; the long-context model answers", async () => {
    const { client, seen } = await gatewayWith([onPrimary("context-length")]);
    const answer = await ask(client);
    expect(answer.data.model).toBe("gpt-4o-long");
    expect([seen(PRIMARY), seen(LONG), seen(FALLBACK)]).toEqual([1, 1, 0]);
  });

  it("400 content_policy_violation: never retried or failed over; the client hears the provider's reason", async () => {
    const { client, seen } = await gatewayWith([onPrimary("content-policy")]);
    const refused = await ask(client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(APIError);
    expect(refused).toMatchObject({ status: 400, code: "content_policy_violation", type: "invalid_request_error" });
    expect([seen(PRIMARY), seen(LONG), seen(FALLBACK)]).toEqual([1, 0, 0]);
  });

  it("a fallback that rejects the assistant prefill: the client gets an error naming the cut, not the prefill refusal, and no [DONE]", async () => {
    const { client, seen } = await gatewayWith([
      onPrimary("stream-cut", { after_chunks: 3 }),
      { kind: "request-fault", at_s: 0, region: "eu-west", provider: "anthropic-sim", class: "rejects-prefill", ...REQUEST_FAULT_DEFAULTS },
    ]);
    const failed = await askStreaming(client).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(APIError);
    expect((failed as APIError).message).toMatch(/first: openai-sim@eu-west\/gpt-4o: stream ended after \d+ events without a finish reason/);
    expect([seen(PRIMARY), seen(FALLBACK)]).toEqual([1, 1]);
  });

  it("a primary that flaps (503 for a minute): fallback while the circuit is open, then the primary again", async () => {
    const { client, seen, lab } = await gatewayWith([onPrimary("unavailable", { heal_s: 60 })]);
    const calls: { servedBy: string | null; attempts: number }[] = [];
    const clock = async () => (await lab.execute("getSnapshot", {})).nowMs;
    while ((await clock()) < 150_000) {
      const { response } = await client.chat.completions.create(question).withResponse();
      calls.push({ servedBy: response.headers.get("x-failover-lab-served-by"), attempts: Number(response.headers.get("x-failover-lab-attempts")) });
      await new Promise((resolve) => setTimeout(resolve, 3_000 / SPEED));
    }
    expect(calls[0]).toEqual({ servedBy: FALLBACK, attempts: 2 });
    // Open, the circuit sends calls straight to the fallback: one attempt, the primary spared.
    expect(calls.filter((c) => c.servedBy === FALLBACK && c.attempts === 1).length).toBeGreaterThan(3);
    // Healed, probed and closed: the primary answers again.
    expect(calls.at(-1)).toEqual({ servedBy: PRIMARY, attempts: 1 });
    expect(seen(PRIMARY)).toBeLessThan(calls.length);
  });

  it("accounting: the answer names the model that answered and its usage; the failed attempt is audited, not billed", async () => {
    const { client, lab } = await gatewayWith([onPrimary("unavailable")]);
    const { data, request_id } = await client.chat.completions.create(question).withResponse();
    expect(data.model).toBe("claude-sonnet");
    expect(data.usage).toMatchObject({ completion_tokens: Math.round(WHOLE.length / 4), prompt_tokens: expect.any(Number) });
    const [row] = (await lab.execute("auditPage", { filter: { requestId: request_id! }, offset: 0, limit: 1 })).rows;
    const entry = await lab.execute("auditEntry", { seq: row!.seq, store: row!.store });
    expect(entry).toMatchObject({ body: { attempts: [{ target: PRIMARY, status: 503 }, { target: FALLBACK, status: 200 }], usage: { completion_tokens: data.usage!.completion_tokens } } });
  });
});
