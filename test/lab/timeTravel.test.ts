/**
 * Time in the app's engine beyond play and step: stepping to the next state change, the scenario's fault
 * schedule known from t = 0, and rewinding, which must give exactly the run a straight run to the same time
 * gives (audit chain head included), with the faults made by hand replayed under the same ids.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../engine";
import type { LabSnapshot } from "../../engine/lab/contract";
import { LabController } from "../../engine/lab/controller";
import { handActionsBefore } from "../../engine/lab/playback";
import { serveCommand } from "../../engine/lab/validation";
import { scenarioFolder } from "../../host/scenarioLibrary";
import type { Fault } from "../../engine/scenario/schema";

const fixture = join(import.meta.dirname, "../fixtures/short-drill.yaml");
const opened: LabController[] = [];
afterEach(async () => {
  for (const controller of opened.splice(0)) await controller.close();
});

/** A controller on the 60 s fixture, paced by a wall clock that moves only when it waits, so playing is instant. */
async function lab() {
  let wall = 0;
  const controller = new LabController({
    scenarios: scenarioFolder(join(import.meta.dirname, "../fixtures")),
    wallNow: () => wall,
    waitWallMs: async (ms) => {
      wall += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  opened.push(controller);
  const snapshots: LabSnapshot[] = [];
  controller.subscribe((message) => message.type === "snapshot" && snapshots.push(message.snapshot));
  const call = async (name: string, payload: unknown = {}) => {
    const reply = await serveCommand(controller, name, payload);
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as never;
  };
  await controller.open(loadScenarioFile(fixture), readFileSync(fixture, "utf8"), "short-drill.yaml");
  return { controller, call, latest: () => snapshots.at(-1)!, snapshots };
}

/** What must be identical between a rewound run and a straight one. */
const state = (s: LabSnapshot) => ({
  nowMs: s.nowMs,
  status: s.status,
  chain: s.chain && { ok: s.chain.ok, head: s.chain.head, entries: s.chain.entries, stores: s.chain.stores },
  totals: s.totals,
  faults: s.faults.map((f) => ({ id: f.id, injectedAt: f.injectedAt, healedAt: f.healedAt })),
  timeline: s.timeline.map(({ t, kind, text }) => ({ t, kind, text })),
  regions: s.regions.map((r) => [r.id, r.gateway, r.health]),
});

describe("stepping to the next state change", () => {
  it("lands on a transition or fault, at its time, past the requests in between; at the end when there is none", async () => {
    const { call, latest } = await lab();
    const { advancedTo } = (await call("step", { until: "change" })) as { advancedTo: number };
    const last = latest().timeline.at(-1)!;
    expect(["transition", "fault"]).toContain(last.kind);
    expect(last.t).toBe(advancedTo);
    // The scheduled outage at 20 s is a change: stepping from just before it lands on it.
    await call("runTo", { ms: 19_999 });
    const outage = (await call("step", { until: "change" })) as { advancedTo: number };
    expect(outage.advancedTo).toBe(20_000);
    expect(latest().timeline.some((item) => item.kind === "fault" && item.t === 20_000 && item.text.startsWith("inject f1"))).toBe(true);
    expect(latest().status).toBe("paused");
    await expect(call("step", { until: "never" })).rejects.toThrow(/until/);
  });

  it("stops at the scenario's end when nothing changes before it", async () => {
    const { call, latest } = await lab();
    await call("runTo", { ms: 55_000 });
    const before = latest().timeline.length;
    const { advancedTo } = (await call("step", { until: "change" })) as { advancedTo: number };
    expect(latest().timeline.at(-1)!.t).toBeLessThan(55_000);
    expect(advancedTo).toBe(60_000);
    expect(latest()).toMatchObject({ status: "finished", nowMs: 60_000 });
    expect(latest().timeline).toHaveLength(before);
  });
});

describe("the fault schedule", () => {
  it("is in the snapshot from t = 0, with the ids the run will give the faults", async () => {
    const { latest } = await lab();
    expect(latest().nowMs).toBe(0);
    expect(latest().faults).toEqual([]);
    expect(latest().scheduledFaults).toEqual([{ id: "f1", kind: "region-outage", atMs: 20_000, healMs: 40_000, text: expect.stringContaining("eu-west") }]);
  });
});

describe("rewinding", () => {
  it("reproduces a straight run to the same time exactly, with the faults made by hand before it (one injected while playing)", async () => {
    const travelled = await lab();
    await travelled.call("setSpeed", { speed: 100 });
    await travelled.call("runTo", { ms: 12_000 });
    expect(await travelled.call("injectFault", { fault: { kind: "gateway-down", region: "us-east" } })).toEqual({ faultId: "u1" });
    await travelled.call("runTo", { ms: 25_000 });
    await travelled.call("heal", { faultId: "u1" });
    // Injected while playing: it must land where time rests, or no replay could land on it again.
    await travelled.call("play");
    while (travelled.latest().nowMs < 31_000) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(await travelled.call("injectFault", { fault: { kind: "gateway-down", region: "eu-west" } })).toEqual({ faultId: "u2" });
    expect(travelled.latest().status).toBe("playing");
    await travelled.call("pause");
    const u2At = travelled.latest().faults.find((f) => f.id === "u2")!.injectedAt;
    expect(u2At).toBeGreaterThanOrEqual(31_000);
    // Playing goes as fast as the paced clock lets it: the target is set from where u2 landed.
    const target = u2At + 3_000;
    await travelled.call("runTo", { ms: target + 2_000 });
    await travelled.call("injectFault", { fault: { kind: "gateway-down", region: "us-east" } });

    // Back: u1 and its heal, and u2 replayed; u3, made after the target, dropped.
    expect(await travelled.call("runTo", { ms: target })).toEqual({ advancedTo: target });
    const rewound = travelled.latest();
    expect(rewound.seekingTo).toBeNull();
    expect(rewound.faults.map((f) => f.id).sort()).toEqual(["f1", "u1", "u2"]);

    const straight = await lab();
    await straight.call("runTo", { ms: 12_000 });
    await straight.call("injectFault", { fault: { kind: "gateway-down", region: "us-east" } });
    await straight.call("runTo", { ms: 25_000 });
    await straight.call("heal", { faultId: "u1" });
    await straight.call("runTo", { ms: u2At });
    await straight.call("injectFault", { fault: { kind: "gateway-down", region: "eu-west" } });
    await straight.call("runTo", { ms: target });

    expect(rewound.chain?.entries).toBeGreaterThan(100);
    expect(state(rewound)).toEqual(state(straight.latest()));

    // The rewound run goes on as the straight one does.
    await travelled.call("runTo", { ms: target + 5_000 });
    await straight.call("runTo", { ms: target + 5_000 });
    expect(state(travelled.latest())).toEqual(state(straight.latest()));
  });

  it("refuses a run that answered calls from outside, which a re-run cannot replay", async () => {
    const { controller, call, latest } = await lab();
    await call("play");
    const answered = await controller.gatewayApi.chat("eu-west", { model: "chat-large", messages: [{ role: "user", content: "hi" }] }, { chunk: () => undefined });
    expect(answered).toMatchObject({ kind: "completion" });
    await call("pause");
    const at = latest().nowMs;
    await expect(call("runTo", { ms: 0 })).rejects.toThrow(/cannot rewind: this run answered 1 call from outside/);
    expect(latest().nowMs).toBe(at);
  });
});

describe("handActionsBefore", () => {
  const outage = (at_s: number, heal_s?: number) => ({ kind: "gateway-down", region: "eu-west", at_s, ...(heal_s === undefined ? {} : { heal_s }) }) as Fault;

  it("keeps what was done by hand up to the target, in time order, and an injection without its later heal", () => {
    const actions = handActionsBefore(
      [
        { id: "u1", fault: outage(10, 30.5) },
        { id: "u2", fault: outage(20) },
        { id: "u3", fault: outage(30.5, 50) },
        { id: "u4", fault: outage(45) },
      ],
      40_000,
    );
    expect(actions.map((a) => [a.atMs, a.faultId, a.heal])).toEqual([
      [10_000, "u1", false],
      [20_000, "u2", false],
      [30_500, "u1", true],
      [30_500, "u3", false],
    ]);
    expect(actions.find((a) => a.faultId === "u3" && !a.heal)).toMatchObject({ fault: { kind: "gateway-down", at_s: 30.5 } });
    expect(actions.some((a) => !a.heal && "heal_s" in a.fault)).toBe(false);
  });
});
