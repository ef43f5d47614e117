import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../engine/clock";
import { fetchOnClock, globalFetch } from "../../engine/http";
import { seededRandom } from "../../engine/random";
import { FaultBook } from "../../engine/faults/book";
import { SimulatedWorld } from "../../engine/sim/world";
import { Topology } from "../../engine/topology";
import { baseScenario } from "./helpers";

let world: SimulatedWorld | undefined;
afterEach(() => world?.close());

function setup() {
  const scenario = baseScenario();
  const clock = new VirtualClock();
  const faults = new FaultBook();
  world = new SimulatedWorld("world-test", new Topology(scenario), scenario, faults, clock, seededRandom(7), () => ({ ready: true, detail: "ok", served_p95_ms: null, degraded_providers: [] }));
  world.attach(globalFetch);
  let n = 0;
  /** Sends one request from eu-west at the current virtual time, the way a gateway does. */
  const send = (url: string, options: { method?: "GET" | "POST"; body?: unknown; timeoutMs?: number } = {}) => {
    const key = `caller-${++n}`;
    clock.work.open(key);
    return fetchOnClock(clock, {
      url,
      method: options.method ?? "GET",
      body: options.body,
      timeoutMs: options.timeoutMs ?? 10_000,
      callerKey: key,
      key: `${key}/http`,
      worldId: "world-test",
      transport: globalFetch,
      fromRegion: "eu-west",
    }).finally(() => clock.work.close(key));
  };
  return { clock, faults, send };
}

/** Runs the clock while a request is on its way and returns its result. */
async function settle<T>(clock: VirtualClock, pending: Promise<T>, untilMs = 600_000): Promise<T> {
  await clock.runUntil(untilMs);
  return pending;
}

const completion = { method: "POST" as const, body: { model: "gpt-4o", messages: [{ role: "user", content: "hello" }] } };

describe("SimulatedWorld over fetch", () => {
  it("answers an OpenAI-style chat completion after round trip plus service time, in virtual time", async () => {
    const { clock, send } = setup();
    const result = await settle(clock, send("https://openai-sim.eu-central.sim.test/v1/chat/completions", completion));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ object: "chat.completion", model: "gpt-4o", choices: [{ message: { role: "assistant" } }], usage: { total_tokens: expect.any(Number) } });
    // 25 ms round trip to eu-central plus a log-normal service time around the 900 ms median.
    expect(result.ms).toBeGreaterThan(25);
    expect(result.ms).toBeLessThan(20_000);
  });

  it("fails a region's provider with 503 during a region outage and recovers on heal", async () => {
    const { clock, faults, send } = setup();
    faults.inject("f1", { kind: "region-outage", at_s: 0, region: "eu-central", behaviour: "error-503" }, 0);
    const down = await settle(clock, send("https://openai-sim.eu-central.sim.test/v1/chat/completions", completion), 1_000);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: { code: "region_unavailable" } });
    faults.heal("f1", clock.now());
    const up = await settle(clock, send("https://openai-sim.eu-central.sim.test/v1/chat/completions", completion));
    expect(up.status).toBe(200);
  });

  it("times out a silent provider on the virtual clock, leaving no timer or running work behind", async () => {
    const { clock, faults, send } = setup();
    faults.inject("f1", { kind: "region-outage", at_s: 0, region: "us-east", behaviour: "no-response" }, 0);
    const result = await settle(clock, send("https://openai-sim.us-east.sim.test/v1/chat/completions", { ...completion, timeoutMs: 10_000 }), 60_000);
    expect(result).toMatchObject({ status: 0, error: "timeout after 10000 ms", ms: 10_000 });
    expect(clock.work.running).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("fails only the one model during a model outage", async () => {
    const { clock, faults, send } = setup();
    faults.inject("f1", { kind: "model-outage", at_s: 0, region: "eu-west", provider: "openai-sim", model: "gpt-4o" }, 0);
    const result = await settle(clock, send("https://openai-sim.eu-west.sim.test/v1/chat/completions", completion), 1_000);
    expect(result.body).toMatchObject({ error: { code: "model_unavailable" } });
    const probe = await settle(clock, send("https://openai-sim.eu-west.sim.test/health"), 2_000);
    expect(probe.status).toBe(200);
  });

  it("adds path latency between two regions", async () => {
    const { clock, faults, send } = setup();
    faults.inject("f1", { kind: "latency", at_s: 0, from: "eu-west", to: "us-east", added_ms: 5_000 }, 0);
    const slow = await settle(clock, send("https://openai-sim.us-east.sim.test/health"), 60_000);
    expect(slow.ms).toBe(75 + 5_000);
  });

  it("shows an outage on the provider's status page only after its lag, and its end late too", async () => {
    const { clock, faults, send } = setup();
    const statusAt = async (atMs: number) => {
      await clock.runUntil(atMs);
      const result = await settle(clock, send(new Topology(baseScenario()).statusPageUrls.get("openai-sim")!), atMs + 1_000);
      return (result.body as { components: { name: string; status: string }[] }).components.find((c) => c.name === "eu-west")!.status;
    };
    faults.inject("f1", { kind: "region-outage", at_s: 0, region: "eu-west", behaviour: "error-503" }, 0);
    expect(await statusAt(60_000)).toBe("operational");
    expect(await statusAt(125_000)).toBe("major_outage");
    faults.heal("f1", 200_000);
    expect(await statusAt(250_000)).toBe("major_outage");
    expect(await statusAt(330_000)).toBe("operational");
  });

  it("lets requests that are not tagged for a world pass through untouched", async () => {
    setup();
    await expect(fetch("http://127.0.0.1:9/unreachable")).rejects.toThrow();
  });
});

describe("SimulatedWorld and in-flight requests", () => {
  it("fails a request whose provider goes down while it is being answered", async () => {
    const { clock, faults, send } = setup();
    const pending = send("https://openai-sim.eu-central.sim.test/v1/chat/completions", completion);
    // Service takes at least the 25 ms round trip; the outage starts 10 ms in.
    clock.setTimeout(() => faults.inject("f1", { kind: "region-outage", at_s: 0, region: "eu-central", behaviour: "error-503" }, clock.now()), 10);
    const result = await settle(clock, pending);
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ error: { code: "failed_in_flight" } });
  });
});
