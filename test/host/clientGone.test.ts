/**
 * A client that goes away cancels its call. The official openai client reads part of a stream whose
 * primary then stalls, and stops reading (which closes its connection): the gateway must not go on to the
 * fallback, and the audit must say the call was cancelled, with what had reached the client.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LabController } from "../../engine/lab/controller";
import { startOpenAiServer, type Exchange, type OpenAiServer } from "../../host/openaiServer";
import { scenarioFolder } from "../../host/scenarioLibrary";
import { conductScenario, FALLBACK, onPrimary, PRIMARY } from "../gateway/conduct";

const scenarios = join(import.meta.dirname, "../../scenarios");

let lab: LabController;
let server: OpenAiServer;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  lab = new LabController({
    scenarios: scenarioFolder(scenarios),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  server = await startOpenAiServer({ backend: lab.gatewayApi, port: 0, onExchange: (exchange) => exchanges.push(exchange) });
  // The primary stalls, silent and open, after three content chunks; the fallback could continue the answer.
  await lab.open(conductScenario(onPrimary("stream-stall", { after_chunks: 3 })), readFileSync(join(scenarios, "request-faults.yaml"), "utf8"), "request-faults.yaml");
  // 20×: the gateway's 5 s stream-idle limit, after which it would fail over, passes in 250 ms.
  await lab.execute("setSpeed", { speed: 20 });
  await lab.execute("play", {});
});
afterAll(async () => {
  await lab.close();
  await server.close();
});

const wallSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A streaming call over a plain HTTP connection, as any client makes one: reads `n` chunks, then destroys
 * the connection. Answers the request id the response named and what the chunks carried.
 */
function readThenHangUp(baseUrl: string, n: number): Promise<{ requestId: string; chunks: number; characters: number }> {
  const body = JSON.stringify({ model: "chat-large", messages: [{ role: "user", content: "What is a failover drill?" }], stream: true });
  return new Promise((resolve, reject) => {
    const call = request(`${baseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" } }, (response) => {
      let buffered = "";
      let chunks = 0;
      let characters = 0;
      response.setEncoding("utf8");
      response.on("data", (text: string) => {
        buffered += text;
        let end: number;
        while (chunks < n && (end = buffered.indexOf("\n\n")) >= 0) {
          const event = JSON.parse(buffered.slice(0, end).replace(/^data: /, "")) as { choices: { delta: { content?: string } }[] };
          buffered = buffered.slice(end + 2);
          chunks++;
          characters += event.choices[0]?.delta.content?.length ?? 0;
        }
        if (chunks === n) {
          call.destroy();
          resolve({ requestId: String(response.headers["x-request-id"]), chunks, characters });
        }
      });
    });
    call.on("error", (error) => (call.destroyed ? undefined : reject(error)));
    call.end(body);
  });
}

describe("a client that disconnects mid-stream", () => {
  it("cancels its call: no fallback is called, and the audit says cancelled with what the client had received", async () => {
    // The role's chunk and three of content: all the primary sends before it stalls.
    const { requestId, chunks, characters } = await readThenHangUp(server.baseUrl("eu-west"), 4);
    expect(characters).toBeGreaterThan(0);

    // Long enough for the stall to be noticed and the fallback tried, had the call gone on: 10 s of the run.
    await wallSleep(500);
    const rows = (await lab.execute("auditPage", { filter: { requestId }, offset: 0, limit: 10 })).rows;
    expect(rows).toEqual([expect.objectContaining({ kind: "request", summary: "cancelled: the client closed the connection" })]);
    const cancelled = await lab.execute("auditPage", { filter: { outcome: "cancelled" }, offset: 0, limit: 10 });
    expect(cancelled.rows.map((r) => r.requestId)).toEqual([requestId]);
    const { body } = await lab.execute("auditEntry", { seq: rows[0]!.seq, store: rows[0]!.store });
    expect(body).toMatchObject({ outcome: "cancelled", reason: "the client closed the connection", sent: { chunks, characters } });
    expect(body).not.toHaveProperty("servedBy");
    expect((body as { attempts: { target: string; error?: string }[] }).attempts).toEqual([
      expect.objectContaining({ target: PRIMARY, error: "cancelled: the client closed the connection" }),
    ]);

    expect(lab.providerCompletions().get(PRIMARY)).toBe(1);
    expect(lab.providerCompletions().get(FALLBACK) ?? 0).toBe(0);
    // The drill's recorder counts it among the requests, as none of served, failed or refused.
    expect((await lab.execute("getSnapshot", {})).totals).toEqual({ requests: 1, ok: 0, errors: 0, rejected: 0 });
    expect(exchanges).toEqual([expect.objectContaining({ region: "eu-west", clientGone: true, outcome: expect.objectContaining({ kind: "error", status: 499 }) })]);
  });
});
