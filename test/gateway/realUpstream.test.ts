/**
 * A provider deployment marked `real` is a server outside the simulation: its requests are not
 * intercepted, carry its API key and none of the simulation's headers, and follow the wall clock.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatCompletionChunk, ChatOutcome } from "../../engine/chat";
import { VirtualClock } from "../../engine/clock";
import { needsRealTime, runDrill } from "../../engine/drill";
import { seededRandom } from "../../engine/random";
import { scenarioSchema, type Scenario } from "../../engine/scenario/schema";
import { EngineSession } from "../../engine/session";
import { WORLD_HEADER } from "../../engine/labHeaders";
import { startMisbehavingUpstream, type MisbehavingUpstream } from "../fixtures/misbehavingUpstream";
import { ask, conductScenario, FALLBACK } from "./conduct";

const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
let failing = false;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ path: req.url ?? "", headers: req.headers, body });
      if (req.url === "/v1/models") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [{ id: "local-model", object: "model" }] }));
      if (failing) return res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "down for the test", type: "server_error", code: "down" } }));
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: "real-1", object: "chat.completion.chunk", created: 1, model: "local-model", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: "assistant", content: "Hello " }, null));
      res.write(chunk({ content: "from a real server." }, null));
      res.end(chunk({}, "stop") + "data: [DONE]\n\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function withRealPrimary(endpoint = baseUrl, gateway: Partial<Scenario["gateway"]> = {}): Scenario {
  const base = conductScenario();
  const [openai, anthropic] = base.topology.providers;
  return scenarioSchema.parse({
    ...base,
    faults: [],
    gateway: { ...base.gateway, ...gateway },
    topology: {
      ...base.topology,
      providers: [
        { ...openai!, id: "local", deployments: [{ region: "eu-west", endpoint, models: ["local-model"], real: true, api_key_env: "LAB_TEST_KEY" }] },
        anthropic!,
      ],
      models: [{ ...base.topology.models[0]!, serves: [{ provider: "local", model: "local-model" }], long_context: [] }],
    },
  });
}

/** Plays the scenario in real time until `end` is called, which closes the session. */
function playInRealTime(scenario: Scenario): { session: EngineSession; end: () => Promise<void> } {
  const clock = new VirtualClock();
  const session = new EngineSession(scenario, { clock, random: seededRandom(1), env: (name) => (name === "LAB_TEST_KEY" ? "sk-lab-test" : undefined) });
  session.start();
  let stop = false;
  const playing = clock.runPaced({ speed: () => 1, wallNow: () => performance.now(), shouldStop: () => stop, waitWallMs: (ms) => new Promise((r) => setTimeout(r, ms)) });
  return {
    session,
    end: async () => {
      stop = true;
      await playing;
      session.close();
      session.audit.close();
    },
  };
}

/** Plays the scenario in real time while one call goes through the eu-west gateway. */
async function callInRealTime(scenario: Scenario): Promise<{ outcome: ChatOutcome; chunks: ChatCompletionChunk[] }> {
  const { session, end } = playInRealTime(scenario);
  const chunks: ChatCompletionChunk[] = [];
  try {
    const outcome = await session.chat("eu-west", ask(true), { chunk: (c) => chunks.push(c) });
    return { outcome, chunks };
  } finally {
    await end();
  }
}

/** Waits up to `ms` of wall time for `condition`; answers whether it held. */
async function within(ms: number, condition: () => boolean): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}

describe("a real upstream", () => {
  it("is called over the network with its API key and without the simulation's headers, and its stream reaches the caller", async () => {
    seen.length = 0;
    const { outcome, chunks } = await callInRealTime(withRealPrimary());
    expect(outcome.kind).toBe("stream-complete");
    expect(outcome.meta.servedBy).toBe("local@eu-west/local-model");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello from a real server.");
    const call = seen.find((s) => s.path === "/v1/chat/completions")!;
    expect(call.headers.authorization).toBe("Bearer sk-lab-test");
    expect(call.headers[WORLD_HEADER]).toBeUndefined();
    expect(JSON.parse(call.body)).toMatchObject({ model: "local-model", stream: true });
  });

  it("whose endpoint is written as an OpenAI base URL, ending in /v1, is called at /v1/chat/completions, not /v1/v1/…", async () => {
    const scenario = withRealPrimary(`${baseUrl}/v1/`);
    expect(scenario.topology.providers[0]!.deployments[0]!.endpoint).toBe(baseUrl);
    seen.length = 0;
    const { outcome } = await callInRealTime(scenario);
    expect(outcome.kind).toBe("stream-complete");
    expect(outcome.meta.servedBy).toBe("local@eu-west/local-model");
    expect(seen.map((s) => s.path)).toContain("/v1/chat/completions");
    expect(seen.filter((s) => s.path.startsWith("/v1/v1/"))).toEqual([]);
  });

  it("that fails is failed over to the simulated fallback like any target", async () => {
    failing = true;
    try {
      const { outcome } = await callInRealTime(withRealPrimary());
      expect(outcome.kind).toBe("stream-complete");
      expect(outcome.meta.servedBy).toBe(FALLBACK);
      expect(outcome.record!.attempts.map((a) => a.status)).toEqual([503, 200]);
    } finally {
      failing = false;
    }
  });

  it("cannot run as a drill in virtual time, and says why", async () => {
    expect(needsRealTime(withRealPrimary())).toBe("local@eu-west is a real server, which answers in wall time");
    await expect(runDrill(withRealPrimary(), {})).rejects.toThrow(/^local@eu-west is a real server, which answers in wall time: a drill runs in virtual time/);
    expect(needsRealTime(conductScenario())).toBeUndefined();
  });
});

describe("a misbehaving real upstream is let go: its connection closes within a second of the gateway giving up on it", () => {
  /** Limits of 1 s, so the gateway gives up quickly; the upstream itself never closes a connection. */
  const LIMIT_MS = 1_000;
  const limits = { attempt_timeout_ms: LIMIT_MS, first_token_timeout_ms: LIMIT_MS, stream_idle_timeout_ms: LIMIT_MS };
  let upstream: MisbehavingUpstream;
  beforeAll(async () => {
    upstream = await startMisbehavingUpstream("silent");
  });
  afterAll(() => upstream.close());

  /**
   * Wall ms from the call's answer (the fallback's, so the gateway had given up on the upstream before it) to the
   * upstream's connection closing, negative when it closed before; undefined if it stayed open a second past the
   * answer. Timed from the answer rather than from the request's arrival: on a loaded machine the gateway may read
   * the stalled stream's first chunk late, which starts its idle timeout late, and that is not a connection held.
   */
  async function closedAfterAnswerMs(call: number, answeredAt: number): Promise<number | undefined> {
    const c = upstream.calls[call]!;
    await within(answeredAt + 1_000 - performance.now(), () => c.closedAt !== undefined);
    return c.closedAt === undefined ? undefined : c.closedAt - answeredAt;
  }

  it.each([
    ["silent", "no response headers"],
    ["stall", "stream silent"],
  ] as const)("%s: timed out, failed over to the fallback, and closed", async (mode, why) => {
    upstream.mode = mode;
    const before = upstream.calls.length;
    const { outcome } = await callInRealTime(withRealPrimary(upstream.baseUrl, limits));
    const answeredAt = performance.now();
    expect(outcome.kind).toBe("stream-complete");
    expect(outcome.meta.servedBy).toBe(FALLBACK);
    expect(outcome.record!.attempts[0]!.error).toContain(why);
    expect(upstream.calls.length).toBe(before + 1);
    const closed = await closedAfterAnswerMs(before, answeredAt);
    expect(closed, "the connection was still open a second after the gateway gave up on it").toBeDefined();
    expect(closed).toBeLessThanOrEqual(1_000);
  });

  it("stalled when its client goes away: closed at once, no fallback tried, and the call ends cancelled with what was sent", async () => {
    upstream.mode = "stall";
    const before = upstream.calls.length;
    const { session, end } = playInRealTime(withRealPrimary(upstream.baseUrl, { stream_idle_timeout_ms: 60_000 }));
    try {
      const client = new AbortController();
      const chunks: ChatCompletionChunk[] = [];
      // The client leaves once the stall's one chunk has reached it.
      const call = session.chat("eu-west", ask(true), { chunk: (c) => (chunks.push(c), client.abort("the client closed the connection")) }, client.signal);
      const outcome = await call;
      const leftAt = performance.now();
      expect(outcome).toMatchObject({ kind: "error", status: 499, error: { code: "cancelled" } });
      expect(outcome.record).toMatchObject({ outcome: "cancelled", reason: "the client closed the connection", sent: { chunks: 1, characters: "The first words, ".length } });
      expect(outcome.record!.attempts).toHaveLength(1);
      expect(session.providerCompletions.get(FALLBACK) ?? 0).toBe(0);
      const c = upstream.calls[before]!;
      expect(await within(1_000, () => c.closedAt !== undefined), "the connection was still open a second after the client left").toBe(true);
      expect(c.closedAt! - leftAt).toBeLessThanOrEqual(1_000);
    } finally {
      await end();
    }
  });

  it("in flight when the session closes: closed at once, and the call ends cancelled rather than waiting out its limit", async () => {
    upstream.mode = "silent";
    const before = upstream.calls.length;
    const { session, end } = playInRealTime(withRealPrimary(upstream.baseUrl, { attempt_timeout_ms: 60_000, first_token_timeout_ms: 60_000 }));
    const call = session.chat("eu-west", ask(true), { chunk: () => undefined });
    await upstream.arrived(before + 1);
    const closedAt = performance.now();
    await end();
    const c = upstream.calls[before]!;
    expect(await within(1_000, () => c.closedAt !== undefined), "the connection was still open a second after the session closed").toBe(true);
    expect(c.closedAt! - closedAt).toBeLessThanOrEqual(1_000);
    const outcome = await call;
    expect(outcome).toMatchObject({ kind: "error", status: 499, error: { code: "cancelled", message: "the session closed" } });
  });
});
