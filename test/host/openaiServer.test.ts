/**
 * The OpenAI-compatible endpoint's HTTP layer, against a test double of the engine side: routing, errors in
 * OpenAI's shape, the Host check, JSON and SSE framing, and clients that go away. The real engine behind
 * it is exercised in `gatewayApi.test.ts`.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatCompletion, ChatCompletionChunk, ChatMeta, ChatOutcome, ChatSink, GatewayApiBackend, GatewayOffer, Unavailable } from "../../engine/lab/gatewayApi";
import { MAX_BODY_BYTES, PortInUseError, startOpenAiServer, type Exchange, type OpenAiServer } from "../../host/openaiServer";

const META: ChatMeta = { requestId: "ext-1", attempts: 2, elapsedMs: 840, servedBy: "openai-sim@eu-west/gpt-4o" };
const RECORD = {} as never;

/** The gateway restamps every chunk as its one completion, `chatcmpl-<request id>`. */
const chunk = (content: string, finish: string | null = null): ChatCompletionChunk => ({
  id: "chatcmpl-ext-1",
  object: "chat.completion.chunk",
  created: 0,
  model: "gpt-4o",
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

const completion: ChatCompletion = {
  id: "chatcmpl-ext-1",
  object: "chat.completion",
  created: 0,
  model: "gpt-4o",
  choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

type Script = (sink: ChatSink, body: unknown) => Promise<ChatOutcome | Unavailable>;

/** Answers as the test scripts it, and records what reached it. */
class FakeGateways implements GatewayApiBackend {
  offered: GatewayOffer | Unavailable = { scenario: "fake", regions: ["eu-west", "us-east"], models: ["chat-large", "chat-small"] };
  script: Script = async () => ({ kind: "completion", completion, meta: META, record: RECORD });
  readonly calls: { region: string; body: unknown }[] = [];

  offer() {
    return this.offered;
  }

  chat(region: string, body: unknown, sink: ChatSink) {
    this.calls.push({ region, body });
    return this.script(sink, body);
  }
}

/** Resolves when `release` is called: lets a test look at the wire between two chunks. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

let backend: FakeGateways;
let server: OpenAiServer;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  backend = new FakeGateways();
  server = await startOpenAiServer({ backend, port: 0, onExchange: (exchange) => exchanges.push(exchange) });
});
afterAll(() => server.close());
beforeEach(() => {
  backend.offered = new FakeGateways().offered;
  backend.script = new FakeGateways().script;
  backend.calls.length = 0;
  exchanges.length = 0;
});

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with full control of its headers (fetch will not send a forged Host). */
function raw(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port: server.port, method, path, headers: options.headers ?? {} }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (part: string) => (body += part));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on("error", reject);
    for (const part of options.chunks ?? []) request.write(part);
    request.end(options.body);
  });
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  raw("POST", path, { headers: { "content-type": "application/json", authorization: "Bearer anything", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

const CHAT = { model: "chat-large", messages: [{ role: "user", content: "hi" }] };

/** The error body must be OpenAI's shape exactly, with the named code. */
function expectError(response: Raw, status: number, code: string | null, message: RegExp): void {
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/json");
  const body = JSON.parse(response.body);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
}

describe("OpenAI-compatible endpoint: routes", () => {
  it("lists the base URL of every regional gateway at /", async () => {
    const response = await raw("GET", "/");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      scenario: "fake",
      gateways: { "eu-west": `${server.origin}/eu-west/v1`, "us-east": `${server.origin}/us-east/v1` },
      models: ["chat-large", "chat-small"],
    });
    expect(server.baseUrl("eu-west")).toBe(`http://127.0.0.1:${server.port}/eu-west/v1`);
  });

  it("lists the scenario's logical models in OpenAI's list shape", async () => {
    const response = await raw("GET", "/us-east/v1/models");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      object: "list",
      data: [
        { id: "chat-large", object: "model", created: 0, owned_by: "failover-lab" },
        { id: "chat-small", object: "model", created: 0, owned_by: "failover-lab" },
      ],
    });
  });

  it("hands a chat to the named gateway and answers JSON with the gateway's account in headers", async () => {
    const response = await post("/eu-west/v1/chat/completions", CHAT);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual(completion);
    expect(response.headers).toMatchObject({
      "x-request-id": "ext-1",
      "x-failover-lab-attempts": "2",
      "x-failover-lab-served-by": "openai-sim@eu-west/gpt-4o",
      "x-failover-lab-elapsed-ms": "840",
    });
    expect(backend.calls).toEqual([{ region: "eu-west", body: CHAT }]);
    expect(exchanges).toMatchObject([{ region: "eu-west", status: 200, clientGone: false, outcome: { kind: "completion" } }]);
  });

  it("passes the gateway's own error on with its status", async () => {
    backend.script = async () => ({ kind: "error", status: 404, streamed: false, meta: META, record: null, error: { message: 'unknown model "x"', type: "not_found_error", param: "model", code: "model_not_found" } });
    const response = await post("/eu-west/v1/chat/completions", { ...CHAT, model: "x" });
    expectError(response, 404, "model_not_found", /unknown model "x"/);
    expect(response.headers["x-request-id"]).toBe("ext-1");
  });
});

describe("OpenAI-compatible endpoint: refusals, in OpenAI's error shape", () => {
  it("unknown region: 404 naming the scenario's gateways", async () => {
    expectError(await post("/mars-1/v1/chat/completions", CHAT), 404, "unknown_region", /no regional gateway "mars-1" in scenario "fake"; its gateways are eu-west, us-east/);
    expectError(await raw("GET", "/mars-1/v1/models"), 404, "unknown_region", /eu-west, us-east/);
    expectError(await raw("GET", "/%E0%A4%A/v1/models"), 404, "unknown_region", /no regional gateway/);
    expect(backend.calls).toEqual([]);
  });

  it("unknown route: 404 naming the routes", async () => {
    for (const path of ["/v1/chat/completions", "/eu-west/v1/embeddings", "/eu-west/v2/models", "/eu-west/v1/chat/completions/extra"])
      expectError(await raw("GET", path), 404, "unknown_route", /this host serves GET \/, GET \/<region>\/v1\/models and POST \/<region>\/v1\/chat\/completions/);
  });

  it("wrong method: 405 with Allow", async () => {
    const get = await raw("GET", "/eu-west/v1/chat/completions");
    expectError(get, 405, "method_not_allowed", /GET is not allowed on \/eu-west\/v1\/chat\/completions; use POST/);
    expect(get.headers.allow).toBe("POST");
    expect((await post("/eu-west/v1/models", {})).headers.allow).toBe("GET");
    expectError(await raw("DELETE", "/"), 405, "method_not_allowed", /use GET/);
  });

  it("invalid JSON, an empty body or bytes that are not UTF-8: 400 saying which", async () => {
    expectError(await post("/eu-west/v1/chat/completions", '{"model": "chat-large",'), 400, "invalid_json", /not valid JSON: .*JSON/);
    expectError(await post("/eu-west/v1/chat/completions", ""), 400, "invalid_json", /body is empty/);
    expectError(await raw("POST", "/eu-west/v1/chat/completions", { headers: { "content-type": "application/json" }, body: Buffer.from([0x7b, 0xff, 0x7d]) }), 400, "invalid_json", /not valid UTF-8/);
    expect(backend.calls).toEqual([]);
  });

  it("a body over the cap: 413, whether declared up front or streamed without a length", async () => {
    // Declared too large, the answer comes before the body is sent.
    const declared = await raw("POST", "/eu-west/v1/chat/completions", { headers: { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) }, chunks: [Buffer.from("{")] });
    expectError(declared, 413, "request_too_large", /over the 4 MiB/);
    const streamed = await raw("POST", "/eu-west/v1/chat/completions", { headers: { "content-type": "application/json" }, chunks: Array.from({ length: 5 }, () => Buffer.alloc(1024 * 1024, 0x20)) });
    expectError(streamed, 413, "request_too_large", /over the 4 MiB this endpoint takes/);
    expect(streamed.headers.connection).toBe("close");
    expect(backend.calls).toEqual([]);
    expect((await raw("GET", "/")).status).toBe(200);
  });

  it("a body that is not declared as JSON: 415", async () => {
    expectError(await post("/eu-west/v1/chat/completions", CHAT, { "content-type": "text/plain" }), 415, "unsupported_media_type", /got "text\/plain"/);
    expectError(await raw("POST", "/eu-west/v1/chat/completions", { body: JSON.stringify(CHAT) }), 415, "unsupported_media_type", /no content-type/);
    expect((await post("/eu-west/v1/chat/completions", CHAT, { "content-type": "application/json; charset=utf-8" })).status).toBe(200);
  });

  it("no scenario, or a world that is not playing: 503 with the reason, and the openai client told not to retry", async () => {
    backend.offered = { kind: "unavailable", message: "no scenario is loaded" };
    const models = await raw("GET", "/eu-west/v1/models");
    expectError(models, 503, "scenario_not_playing", /no scenario is loaded/);
    expect(models.headers["x-should-retry"]).toBe("false");
    expect(JSON.parse((await raw("GET", "/")).body)).toEqual({ scenario: null, gateways: {}, note: "no scenario is loaded" });
    backend.offered = new FakeGateways().offered;
    backend.script = async () => ({ kind: "unavailable", message: "scenario paused: press play" });
    expectError(await post("/eu-west/v1/chat/completions", CHAT), 503, "scenario_not_playing", /scenario paused: press play/);
    expect(exchanges).toMatchObject([{ status: 503, outcome: { kind: "unavailable" } }]);
  });

  it("checks Host against DNS rebinding, accepts localhost and any API key, and sends no CORS headers", async () => {
    const rebound = await raw("GET", "/eu-west/v1/models", { headers: { host: `attacker.example:${server.port}` } });
    expectError(rebound, 421, "wrong_host", /Host header must be 127\.0\.0\.1:\d+ or localhost:\d+/);
    expectError(await raw("GET", "/", { headers: { host: "127.0.0.1:1" } }), 421, "wrong_host", /got "127\.0\.0\.1:1"/);
    const local = await raw("GET", "/eu-west/v1/models", { headers: { host: `localhost:${server.port}`, origin: "https://evil.example", authorization: "Bearer sk-whatever" } });
    expect(local.status).toBe(200);
    expect(Object.keys(local.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
    expectError(await raw("OPTIONS", "/eu-west/v1/chat/completions", { headers: { origin: "https://evil.example" } }), 405, "method_not_allowed", /OPTIONS/);
  });

  it("says clearly when the port is taken", async () => {
    await expect(startOpenAiServer({ backend, port: server.port })).rejects.toThrow(new PortInUseError(server.port));
    await expect(startOpenAiServer({ backend, port: server.port })).rejects.toThrow(`port ${server.port} on 127.0.0.1 is already in use by another program`);
  });
});

/** Reads an SSE response as it arrives: its status and headers at once, then its text as the test asks. */
function openStream(body: unknown) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; text: () => string; ended: Promise<void>; destroy: () => void }>((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port: server.port, method: "POST", path: "/eu-west/v1/chat/completions", headers: { "content-type": "application/json" } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (part: string) => (text += part));
        const ended = new Promise<void>((done) => response.on("end", done));
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: () => text, ended, destroy: () => request.destroy() });
      },
    );
    request.on("error", (error) => (error.message === "socket hang up" ? undefined : reject(error)));
    request.end(JSON.stringify(body));
  });
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe("OpenAI-compatible endpoint: streaming", () => {
  it("sends headers with the first chunk (the request id known by then), each chunk as an SSE event, and ends with [DONE]", async () => {
    const between = gate();
    backend.script = async (sink) => {
      sink.chunk(chunk("Hel"));
      await between.opened;
      sink.chunk(chunk("lo", "stop"));
      return { kind: "stream-complete", meta: META, record: RECORD };
    };
    const stream = await openStream({ ...CHAT, stream: true });
    // Headers and the first chunk are on the wire while the gateway still works on the rest.
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(stream.headers["x-request-id"]).toBe("ext-1");
    await until(() => stream.text().length > 0);
    expect(stream.text()).toBe(`data: ${JSON.stringify(chunk("Hel"))}\n\n`);
    between.release();
    await stream.ended;
    expect(stream.text()).toBe(`data: ${JSON.stringify(chunk("Hel"))}\n\ndata: ${JSON.stringify(chunk("lo", "stop"))}\n\ndata: [DONE]\n\n`);
  });

  it("answers an error that comes before any chunk as JSON with its status", async () => {
    backend.script = async () => ({ kind: "error", status: 502, streamed: false, meta: META, record: RECORD, error: { message: "every attempt failed", type: "server_error", param: null, code: "upstream_failed" } });
    const response = await post("/eu-west/v1/chat/completions", { ...CHAT, stream: true });
    expectError(response, 502, "upstream_failed", /every attempt failed/);
    expect(response.headers["x-failover-lab-attempts"]).toBe("2");
  });

  it("ends with an error event and no [DONE] when the answer breaks after chunks, and the openai client throws", async () => {
    const error = { message: "the stream broke off and no fallback could finish it", type: "server_error", param: null, code: "stream_interrupted" } as const;
    backend.script = async (sink) => {
      sink.chunk(chunk("Hel"));
      return { kind: "error", status: 502, streamed: true, meta: META, record: RECORD, error };
    };
    const stream = await openStream({ ...CHAT, stream: true });
    await stream.ended;
    expect(stream.status).toBe(200);
    expect(stream.text()).toBe(`data: ${JSON.stringify(chunk("Hel"))}\n\ndata: ${JSON.stringify({ error })}\n\n`);

    const client = new OpenAI({ baseURL: server.baseUrl("eu-west"), apiKey: "anything", maxRetries: 0 });
    const received: string[] = [];
    const reading = (async () => {
      for await (const part of await client.chat.completions.create({ model: "chat-large", messages: [{ role: "user", content: "hi" }], stream: true })) received.push(part.choices[0]?.delta.content ?? "");
    })();
    await expect(reading).rejects.toBeInstanceOf(APIError);
    await expect(reading).rejects.toThrow(/stream broke off/);
    expect(received).toEqual(["Hel"]);
  });

  it("turns a call given up on mid-stream (the scenario closed) into an error event", async () => {
    backend.script = async (sink) => {
      sink.chunk(chunk("Hel"));
      return { kind: "unavailable", message: "the scenario was closed before the gateway answered" };
    };
    const stream = await openStream({ ...CHAT, stream: true });
    await stream.ended;
    expect(stream.text()).toMatch(/^data: .*\n\ndata: \{"error":\{"message":"the scenario was closed before the gateway answered","type":"server_error","param":null,"code":"scenario_not_playing"\}\}\n\n$/);
    expect(stream.text()).not.toContain("[DONE]");
  });

  it("answers 500 when the engine side fails, and cuts a stream that has begun rather than leave it open", async () => {
    backend.script = async () => {
      throw new Error("engine bug");
    };
    expectError(await post("/eu-west/v1/chat/completions", CHAT), 500, null, /the host failed: engine bug/);
    backend.script = async (sink) => {
      sink.chunk(chunk("Hel"));
      throw new Error("engine bug");
    };
    await expect(post("/eu-west/v1/chat/completions", { ...CHAT, stream: true })).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
  });

  it("survives a client that disconnects mid-stream, and reports it", async () => {
    const between = gate();
    let gatewayDone = false;
    backend.script = async (sink) => {
      sink.chunk(chunk("Hel"));
      await between.opened;
      // The gateway goes on releasing chunks to a client that is gone.
      for (let i = 0; i < 50; i++) sink.chunk(chunk("lo"));
      gatewayDone = true;
      return { kind: "stream-complete", meta: META, record: RECORD };
    };
    const stream = await openStream({ ...CHAT, stream: true });
    await until(() => stream.text().length > 0);
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    between.release();
    await until(() => exchanges.length === 1);
    expect(gatewayDone).toBe(true);
    expect(exchanges[0]).toMatchObject({ status: 200, clientGone: true, outcome: { kind: "stream-complete" } });
    expect((await post("/eu-west/v1/chat/completions", CHAT)).status).toBe(200);
  });
});
