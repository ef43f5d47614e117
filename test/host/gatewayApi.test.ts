/**
 * End to end: the official openai client against the app's engine, a real scenario played at 20× real
 * time behind the OpenAI-compatible endpoint. What the answers say, what the headers say, and that the
 * audit log holds each call under the id the client was given.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../engine";
import { LabController } from "../../engine/lab/controller";
import { startOpenAiServer, type OpenAiServer } from "../../host/openaiServer";
import { scenarioFolder } from "../../host/scenarioLibrary";

const fixture = join(import.meta.dirname, "../fixtures/short-drill.yaml");
const question = { model: "chat-large", messages: [{ role: "user" as const, content: "Which region answers me?" }] };

let lab: LabController;
let server: OpenAiServer;
let client: OpenAI;

beforeAll(async () => {
  lab = new LabController({
    scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Never reached: a run that answered calls from outside is refused before anything is written.
    evidence: { folder: "", newDir: () => expect.unreachable(), key: () => expect.unreachable(), wallDate: () => expect.unreachable() },
  });
  server = await startOpenAiServer({ backend: lab.gatewayApi, port: 0 });
  lab.serveGatewayApiAt(server.origin);
  // Without its outage, so that eu-west answers whenever a test calls it.
  await lab.open({ ...loadScenarioFile(fixture), faults: [] }, readFileSync(fixture, "utf8"), "short-drill.yaml");
  await lab.execute("setSpeed", { speed: 20 });
  client = new OpenAI({ baseURL: server.baseUrl("eu-west"), apiKey: "any key will do", maxRetries: 0 });
});
afterAll(async () => {
  await lab.close();
  await server.close();
});

/** The audit rows of one request, wherever it is now (its region's buffer or the destination log). */
async function audited(requestId: string) {
  return (await lab.execute("auditPage", { filter: { requestId }, offset: 0, limit: 10 })).rows;
}

describe("an OpenAI client against the gateways", () => {
  it("is told to press play before the scenario plays, and is not retried", async () => {
    const refused = await client.chat.completions.create(question).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(APIError);
    expect(refused).toMatchObject({ status: 503, code: "scenario_not_playing", message: expect.stringContaining("press play") });
    await lab.execute("play", {});
  });

  it("lists the scenario's logical models", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["chat-large"]);
  });

  it("gets a whole answer, with the gateway's account in the headers and the call in the audit log under its id", async () => {
    const { data, response, request_id } = await client.chat.completions.create(question).withResponse();
    expect(data.choices[0]!.message.content).not.toBe("");
    expect(data.model).toBe("gpt-4o");
    expect(request_id).toMatch(/^ext-\d+$/);
    expect(response.headers.get("x-failover-lab-attempts")).toBe("1");
    expect(response.headers.get("x-failover-lab-served-by")).toBe("openai-sim@eu-west/gpt-4o");
    expect(Number(response.headers.get("x-failover-lab-elapsed-ms"))).toBeGreaterThan(0);
    const rows = await audited(request_id!);
    expect(rows).toEqual([expect.objectContaining({ kind: "request", region: "eu-west", requestId: request_id, summary: expect.stringMatching(/^ok via openai-sim@eu-west/) })]);
  });

  it("streams an answer chunk by chunk to its end, recorded like any request", async () => {
    const { data: stream, request_id } = await client.chat.completions.create({ ...question, stream: true }).withResponse();
    const parts: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      parts.push(chunk.choices[0]?.delta.content ?? "");
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join("")).not.toBe("");
    expect(finish).toBe("stop");
    expect(request_id).toMatch(/^ext-\d+$/);
    expect(await audited(request_id!)).toEqual([expect.objectContaining({ kind: "request", region: "eu-west", summary: expect.stringMatching(/^ok/) })]);
    expect((await lab.execute("getSnapshot", {})).gatewayApi?.calls).toBe(2);
  });

  it("hears the gateway's refusal of an unknown model as OpenAI's 404", async () => {
    const refused = await client.chat.completions.create({ ...question, model: "gpt-5" }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 404, code: "model_not_found" });
  });

  it("is told the scenario is paused once it is", async () => {
    await lab.execute("pause", {});
    const refused = await client.chat.completions.create({ ...question, stream: true }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 503, message: expect.stringContaining("scenario paused: press play") });
  });

  it("leaves a run that a re-run cannot replay, so its evidence export is refused", async () => {
    await expect(lab.execute("exportEvidence", {})).rejects.toThrow(/this run answered 2 calls from outside \(OpenAI clients\), which a re-run cannot replay/);
  });
});
