/**
 * What a drill's scenarios do not exercise: streamed answers and callers who give up. An OpenAI client's
 * streaming call, with each request fault on its primary target and with the client leaving mid-answer,
 * must end the same over the direct transport as over `fetch` through MSW: the same outcome, the same
 * chunks, the same audit head.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directTransport, EngineSession, globalFetch, loadScenarioFile, seededRandom, VirtualClock, type ChatCompletionChunk, type Fault, type Transport } from "../../engine";
import { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS } from "../../engine/scenario/schema";

const scenario = loadScenarioFile(join(import.meta.dirname, "../../scenarios/request-faults.yaml"));
const question = { model: "chat-large", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "What is a failover drill?" }] };

/** One streamed call at 5 virtual seconds, given up at `leaveAtMs` if set; everything it left behind, as text. */
async function streamedCall(transport: Transport, faults: Fault[], leaveAtMs?: number): Promise<string> {
  const clock = new VirtualClock();
  const session = new EngineSession({ ...scenario, faults, topology: { ...scenario.topology, callers: [] } }, { clock, random: seededRandom(scenario.seed), transport });
  const chunks: ChatCompletionChunk[] = [];
  const leaving = new AbortController();
  try {
    session.start();
    await clock.runUntil(5_000);
    if (leaveAtMs !== undefined) clock.setTimeout(() => leaving.abort("the client went away"), leaveAtMs - clock.now());
    const outcome = session.chat("eu-west", question, { chunk: (chunk) => chunks.push(chunk) }, leaving.signal);
    await clock.runUntil(120_000);
    const result = await outcome;
    session.close();
    return JSON.stringify({ result, chunks, heads: session.audit.destinations().map((store) => [...store.log.entries()].at(-1)?.hash) });
  } finally {
    session.audit.close();
  }
}

describe("streamed calls over both transports", () => {
  for (const cls of REQUEST_FAULT_CLASSES) {
    it(`${cls} on the primary`, async () => {
      const faults: Fault[] = [{ kind: "request-fault", at_s: 0, region: "eu-west", provider: "openai-sim", model: "gpt-4o", class: cls, ...REQUEST_FAULT_DEFAULTS }];
      expect(await streamedCall(directTransport, faults)).toBe(await streamedCall(globalFetch, faults));
    });
  }

  it("a client that leaves mid-answer", async () => {
    const direct = await streamedCall(directTransport, [], 5_400);
    expect(direct).toContain("cancelled");
    expect(direct).toBe(await streamedCall(globalFetch, [], 5_400));
  });
});

it("the direct transport sends a request without the world header to the network", async () => {
  const server = createServer((request, response) => response.writeHead(200, { "retry-after": "3" }).end(`real ${request.method} ${request.headers.authorization}`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await directTransport(`http://127.0.0.1:${port}/v1/chat/completions`, { method: "POST", headers: { authorization: "Bearer k" }, body: "{}" });
    expect({ status: response.status, retryAfter: response.headers.get("retry-after"), text: await response.text() }).toEqual({ status: 200, retryAfter: "3", text: "real POST Bearer k" });
  } finally {
    server.close();
  }
});
