/**
 * The app's engine side of the gateways' OpenAI endpoint: calls from outside go through only while the
 * world plays, the snapshot shows the base URLs, `npm run serve` plays past the scenario's end and keeps its
 * audit stores. The calls themselves, through HTTP and the real engine, are in test/host/gatewayApi.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../engine";
import { LabController, type LabControllerOptions } from "../../engine/lab/controller";
import type { LabSnapshot } from "../../engine/lab/contract";
import { scenarioFolder } from "../../host/scenarioLibrary";

const fixture = join(import.meta.dirname, "../fixtures/short-drill.yaml");
const dirs = mkdtempSync(join(tmpdir(), "lab-external-"));
afterAll(() => rmSync(dirs, { recursive: true, force: true }));

/** Paced by a wall clock that moves only when the controller waits, so playing is instant. */
function controller(options: Partial<LabControllerOptions> = {}) {
  let wall = 0;
  const lab = new LabController({
    scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")),
    wallNow: () => wall,
    waitWallMs: async (ms) => {
      wall += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
    ...options,
  });
  const snapshots: LabSnapshot[] = [];
  lab.subscribe((message) => message.type === "snapshot" && snapshots.push(message.snapshot));
  const openFixture = () => lab.open(loadScenarioFile(fixture), readFileSync(fixture, "utf8"), "short-drill.yaml");
  return { lab, latest: () => snapshots.at(-1)!, openFixture };
}

const noSink = { chunk: () => undefined };
const CHAT = { model: "chat-large", messages: [{ role: "user", content: "hi" }] };

let open: LabController | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe("calls from outside, in the app's engine", () => {
  it("are refused with the reason, 503, unless the world plays: no scenario, not started, paused, finished", async () => {
    const { lab, openFixture } = controller();
    open = lab;
    const refusal = async () => lab.gatewayApi.chat("eu-west", CHAT, noSink);
    expect(lab.gatewayApi.offer()).toEqual({ kind: "unavailable", message: expect.stringMatching(/^no scenario is loaded/) });
    expect(await refusal()).toEqual({ kind: "unavailable", message: expect.stringMatching(/^no scenario is loaded/) });
    await openFixture();
    expect(lab.gatewayApi.offer()).toEqual({ scenario: "short drill", regions: ["eu-west", "us-east"], models: ["chat-large"] });
    expect(await refusal()).toMatchObject({ kind: "unavailable", message: expect.stringMatching(/^the scenario has not started: press play/) });
    await lab.execute("runTo", { ms: 5_000 });
    expect(await refusal()).toMatchObject({ kind: "unavailable", message: expect.stringMatching(/^scenario paused: press play/) });
    await lab.execute("runTo", { ms: 60_000 });
    expect(await refusal()).toMatchObject({ kind: "unavailable", message: expect.stringMatching(/^the scenario has reached its end: reset it and press play/) });
  });

  it("the snapshot lists a base URL per regional gateway once the host serves the endpoint, and whether calls go through", async () => {
    const { lab, latest, openFixture } = controller();
    open = lab;
    expect(latest().gatewayApi).toBeNull();
    lab.serveGatewayApiAt("http://127.0.0.1:8787");
    expect(latest().gatewayApi).toEqual({ baseUrls: [], models: [], calls: 0, refusal: expect.stringMatching(/^no scenario is loaded/) });
    await openFixture();
    expect(latest().gatewayApi).toEqual({
      baseUrls: [
        { region: "eu-west", url: "http://127.0.0.1:8787/eu-west/v1" },
        { region: "us-east", url: "http://127.0.0.1:8787/us-east/v1" },
      ],
      models: ["chat-large"],
      calls: 0,
      refusal: expect.stringMatching(/^the scenario has not started/),
    });
    await lab.execute("play", {});
    expect(latest().gatewayApi?.refusal).toBeNull();
  });

  it("the app stops at the scenario's end; with playPastEnd (npm run serve) time goes on, the callers silent, and calls still go through", async () => {
    const app = controller();
    open = app.lab;
    await app.openFixture();
    await app.lab.execute("setSpeed", { speed: 100 });
    await app.lab.execute("play", {});
    while (app.latest().status === "playing") await new Promise((resolve) => setTimeout(resolve, 5));
    expect(app.latest()).toMatchObject({ status: "finished", nowMs: 60_000 });
    await app.lab.close();

    const serve = controller({ playPastEnd: true });
    open = serve.lab;
    await serve.openFixture();
    await serve.lab.execute("setSpeed", { speed: 100 });
    await serve.lab.execute("play", {});
    while (serve.latest().nowMs < 62_000) await new Promise((resolve) => setTimeout(resolve, 5));
    const atEnd = serve.latest().totals.requests;
    while (serve.latest().nowMs < 90_000) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(serve.latest().status).toBe("playing");
    // Requests in flight at the end may still land; no caller sends a new one.
    expect(serve.latest().totals.requests - atEnd).toBeLessThan(5);
    expect(serve.lab.gatewayApi.offer()).toMatchObject({ regions: ["eu-west", "us-east"] });
  });

  it("close returns the chain as verified at the end; a kept run's audit stores stay where it says", async () => {
    const kept = controller({ keepRunIn: () => mkdtempSync(join(dirs, "run-")) });
    await kept.openFixture();
    await kept.lab.execute("runTo", { ms: 10_000 });
    const closed = await kept.lab.close();
    expect(closed?.chain).toMatchObject({ ok: true, head: expect.stringMatching(/^[0-9a-f]{64}$/), stores: 3 });
    expect(closed?.chain.entries).toBeGreaterThan(50);
    expect(existsSync(join(closed!.auditStoresDir!, "canonical.db"))).toBe(true);

    const temporary = controller();
    await temporary.openFixture();
    const gone = await temporary.lab.close();
    expect(gone?.auditStoresDir).toBeNull();
    expect(await controller().lab.close()).toBeUndefined();
  });
});
