/**
 * Issue 18's probes of the app's host, items 1-3, sent to browser mode over a real engine, and then the app
 * used as a person would: every probe gets an answer or a closed socket of its own, and the host, the session
 * and the run go on as if nothing had happened.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { LabController } from "../../engine/lab/controller";
import { startBrowserHost, type BrowserHost } from "../../host/browserHost";
import { scenarioFolder } from "../../host/scenarioLibrary";

let host: BrowserHost;
let controller: LabController;

beforeAll(async () => {
  controller = new LabController({
    scenarios: scenarioFolder(join(import.meta.dirname, "..", "..", "scenarios")),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  host = await startBrowserHost({ backend: controller, rendererDir: join(import.meta.dirname, "..", "fixtures"), token: "probe-token" });
});
afterAll(async () => {
  await host.close();
  await controller.close();
});

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/lab?token=probe-token`, { headers: { Origin: `http://127.0.0.1:${host.port}` } });
    socket.on("open", () => resolve(socket));
    socket.on("error", reject);
  });
}

/** The reply to one command, skipping pushes; or the close code if the host closed the socket instead. */
function send(socket: WebSocket, id: number, command: string, payload: unknown): Promise<{ ok: boolean; result?: unknown; error?: string } | { closed: number }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString());
      if ("push" in frame || frame.id !== id) return;
      socket.off("message", onMessage);
      resolve(frame.reply);
    };
    socket.on("message", onMessage);
    socket.once("close", (code) => resolve({ closed: code }));
    socket.send(JSON.stringify({ id, command, payload }));
  });
}

describe("the browser-mode host under issue 18's probes", () => {
  it("answers or closes one socket for each probe, then serves a person using the app as usual", async () => {
    // 1. What an <img src> on any web page can send: a path that is not valid percent-encoding.
    expect((await fetch(`http://127.0.0.1:${host.port}/%C0`)).status).toBe(400);

    const socket = await connect();
    // 2. A user's own Open from disk of a 2.5 MB file reaches validation and is refused in words, on the same socket.
    expect(await send(socket, 1, "loadScenario", { source: "text", fileName: "big.yaml", text: "x".repeat(2_500_000) })).toEqual({
      ok: false,
      error: "invalid loadScenario payload: text: the file is 2.5 million characters; the app opens files of at most 1 MB",
    });
    // 900,000 × "€" is 2.7 MB on the wire but under the character limit: the scenario reader refuses it by its size in UTF-8.
    expect(await send(socket, 2, "loadScenario", { source: "text", fileName: "euro.yaml", text: "€".repeat(900_000) })).toMatchObject({
      ok: true,
      result: { ok: false, problems: [expect.objectContaining({ file: "euro.yaml", line: 1, message: "the file is 2,700,000 bytes; a scenario is at most 0.5 MiB (524,288 bytes)" })] },
    });
    // 40,000 unknown keys: a linear duplicate check and a cap on the problems listed, not a frozen host.
    const manyKeys = `revision: 1\n${Array.from({ length: 40_000 }, (_, i) => `unknown_key_${i}: ${i}`).join("\n")}\n`;
    const refused = await send(socket, 3, "loadScenario", { source: "text", fileName: "keys.yaml", text: manyKeys });
    expect(refused).toMatchObject({ ok: true, result: { ok: false } });
    expect((refused as { result: { problems: unknown[] } }).result.problems.length).toBeLessThanOrEqual(100);
    // 3. A null payload is refused, not read as {}.
    expect(await send(socket, 4, "play", null)).toEqual({ ok: false, error: expect.stringMatching(/^invalid play payload/) });
    // A message over the host's limit closes that socket alone.
    const oversized = await connect();
    const closed = new Promise<number>((resolve) => oversized.on("close", resolve));
    oversized.send("x".repeat(8 * 1024 * 1024 + 1));
    expect(await closed).toBe(1009);

    // The session lives on: the library lists, a scenario loads and plays, the first socket still answers.
    const listed = await send(socket, 5, "listScenarios", {});
    expect((listed as { result: { scenarios: { file: string }[] } }).result.scenarios.map((s) => s.file)).toContain("eu-outage-reject.yaml");
    expect(await send(socket, 6, "loadScenario", { source: "library", name: "eu-outage-reject.yaml" })).toEqual({ ok: true, result: { ok: true } });
    expect(await send(socket, 7, "runTo", { ms: 30_000 })).toEqual({ ok: true, result: { advancedTo: 30_000 } });
    const snapshot = (await send(socket, 8, "getSnapshot", {})) as { result: { nowMs: number; questions: { audit: { entries: number } } } };
    expect(snapshot.result.nowMs).toBe(30_000);
    expect(snapshot.result.questions.audit.entries).toBeGreaterThan(100);
    socket.close();
  }, 60_000);
});
