import { describe, expect, it } from "vitest";
import { PUSH_CHANNEL } from "../../engine/lab/contract";
import { channelFor, forwardPushes, registerLabIpc, type InvokeEventLike, type IpcMainLike } from "../../electron/ipc";
import { COMMAND_NAMES, type CommandReply, type HostMessage, type LabBackend } from "../../engine/lab/contract";

const INDEX_URL = "app://lab/index.html";
const appFrame: InvokeEventLike = { senderFrame: { url: INDEX_URL } };

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<CommandReply>;

/** An ipcMain that records handlers, and a backend that records what reached it. */
function setup() {
  const handlers = new Map<string, Handler[]>();
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      handlers.set(channel, [...(handlers.get(channel) ?? []), listener]);
    },
  };
  const calls: { name: string; input: unknown }[] = [];
  const listeners = new Set<(message: HostMessage) => void>();
  const backend: LabBackend = {
    async execute(name, input) {
      calls.push({ name, input });
      if (name === "step") return { advancedTo: 1000 } as never;
      if (name === "heal") throw new Error("no fault u9 to heal");
      return undefined as never;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  registerLabIpc(ipcMain, backend, (frame) => frame?.url === INDEX_URL);
  const invoke = (channel: string, event: InvokeEventLike, ...args: unknown[]) => {
    const handler = handlers.get(channel)?.[0];
    if (!handler) throw new Error(`no handler on ${channel}`);
    return handler(event, ...args);
  };
  return { handlers, calls, listeners, backend, invoke };
}

describe("registerLabIpc", () => {
  it("registers exactly one handler per command, on lab:<command>, and nothing else", () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual(COMMAND_NAMES.map((name) => `lab:${name}`).sort());
    for (const list of handlers.values()) expect(list).toHaveLength(1);
    expect(channelFor("setSpeed")).toBe("lab:setSpeed");
  });

  it("passes a valid payload to the backend as parsed (defaults filled in) and returns its result", async () => {
    const { calls, invoke } = setup();
    const reply = await invoke("lab:injectFault", appFrame, { fault: { kind: "region-outage", region: "eu-west" } });
    expect(reply).toEqual({ ok: true, result: undefined });
    expect(calls).toEqual([{ name: "injectFault", input: { fault: { kind: "region-outage", region: "eu-west", behaviour: "error-503" } } }]);

    expect(await invoke("lab:step", appFrame)).toEqual({ ok: true, result: { advancedTo: 1000 } });
    expect(calls.at(-1)).toEqual({ name: "step", input: {} });
  });

  it("turns a backend error into { ok: false, error }", async () => {
    const { invoke } = setup();
    expect(await invoke("lab:heal", appFrame, { faultId: "u9" })).toEqual({ ok: false, error: "no fault u9 to heal" });
  });

  it.each([
    ["another page", { senderFrame: { url: "https://evil.example/index.html" } }],
    ["another local file", { senderFrame: { url: "file:///tmp/index.html" } }],
    ["a frame that is gone", { senderFrame: null }],
  ])("refuses a command from %s without reaching the backend", async (_what, event) => {
    const { calls, invoke } = setup();
    const reply = await invoke("lab:play", event, {});
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error).toMatch(/lab:play refused: the sender is not the app's page/);
    expect(calls).toEqual([]);
  });

  it.each([
    ["a wrong type", "lab:setSpeed", { speed: "fast" }, /invalid setSpeed payload: speed: .*expected number/],
    ["an absurd speed", "lab:setSpeed", { speed: 1e9 }, /invalid setSpeed payload: speed: Too big/],
    ["an extra field", "lab:setSpeed", { speed: 2, admin: true }, /invalid setSpeed payload: .*"admin"/],
    ["an extra field on a command without input", "lab:play", { force: true }, /invalid play payload: .*"force"/],
    ["an unknown fault kind", "lab:injectFault", { fault: { kind: "meteor-strike", region: "eu-west" } }, /invalid injectFault payload: fault\.kind: /],
    ["a fault field of the wrong shape", "lab:injectFault", { fault: { kind: "latency", from: "eu", to: "us", added_ms: -5 } }, /fault\.added_ms: /],
    ["a path instead of a library file name", "lab:loadScenario", { source: "library", name: "../../etc/passwd" }, /invalid loadScenario payload: name: must be a file name/],
    ["a negative audit offset", "lab:auditPage", { filter: {}, offset: -1, limit: 10 }, /invalid auditPage payload: offset: /],
  ])("rejects %s, naming the field, without reaching the backend", async (_what, channel, payload, error) => {
    const { calls, invoke } = setup();
    const reply = await invoke(channel, appFrame, payload);
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error).toMatch(error);
    expect(calls).toEqual([]);
  });

  it("rejects extra arguments beyond the one payload", async () => {
    const { calls, invoke } = setup();
    const reply = await invoke("lab:setSpeed", appFrame, { speed: 2 }, "smuggled");
    expect(reply).toEqual({ ok: false, error: "lab:setSpeed refused: expected one payload, got 2 arguments" });
    expect(calls).toEqual([]);
  });

  it("has no handler for an unknown command, so no payload for it reaches anything", () => {
    const { handlers, invoke } = setup();
    expect(handlers.has("lab:dropTables")).toBe(false);
    expect(handlers.has("lab:execute")).toBe(false);
    expect(() => invoke("lab:dropTables", appFrame, {})).toThrow(/no handler/);
  });
});

describe("forwardPushes", () => {
  const snapshotless: HostMessage = { type: "error", message: "engine stalled" };

  it("sends each backend message on lab:push and stops after unsubscribing", () => {
    const { backend, listeners } = setup();
    const sent: [string, HostMessage][] = [];
    const stop = forwardPushes(backend, { send: (channel, message) => sent.push([channel, message]), isDestroyed: () => false });
    expect(listeners.size).toBe(1);
    for (const listener of listeners) listener(snapshotless);
    expect(sent).toEqual([[PUSH_CHANNEL, snapshotless]]);
    expect(PUSH_CHANNEL).toBe("lab:push");

    stop();
    expect(listeners.size).toBe(0);
  });

  it("does not send to a destroyed window", () => {
    const { backend, listeners } = setup();
    const sent: unknown[] = [];
    forwardPushes(backend, { send: (_channel, message) => sent.push(message), isDestroyed: () => true });
    for (const listener of listeners) listener(snapshotless);
    expect(sent).toEqual([]);
  });
});
