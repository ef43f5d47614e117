import { beforeEach, describe, expect, it, vi } from "vitest";
import { COMMAND_NAMES, PUSH_CHANNEL as MAIN_PUSH_CHANNEL, type HostMessage, type LabApi } from "../../engine/lab/contract";

const electron = await vi.hoisted(async () => {
  // vi.hoisted runs before the static imports, so it loads what it needs itself.
  const { EventEmitter } = await import("node:events");
  const exposed = new Map<string, unknown>();
  const replies = new Map<string, unknown>();
  const invocations: unknown[][] = [];
  // An EventEmitter behaves like ipcRenderer's on/removeListener; invoke answers from `replies`.
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: async (channel: string, ...args: unknown[]) => {
      invocations.push([channel, ...args]);
      return replies.get(channel) ?? { ok: true, result: undefined };
    },
  });
  return { exposed, replies, invocations, ipcRenderer, contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) } };
});

vi.mock("electron", () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

await import("../../electron/preload");
const lab = electron.exposed.get("lab") as LabApi;

beforeEach(() => {
  electron.replies.clear();
  electron.invocations.length = 0;
});

describe("preload", () => {
  it("exposes only window.lab: one function per command of the protocol, in its order, plus subscribe", () => {
    expect([...electron.exposed.keys()]).toEqual(["lab"]);
    // The preload's literal command list, which must track COMMAND_NAMES, is exactly what it exposes.
    expect(Object.keys(lab)).toEqual([...COMMAND_NAMES, "subscribe"]);
    for (const value of Object.values(lab)) expect(typeof value).toBe("function");
    expect(lab).not.toHaveProperty("invoke");
    expect(lab).not.toHaveProperty("ipcRenderer");
    expect(Object.values(lab)).not.toContain(electron.ipcRenderer);
  });

  it("sends each command on its own channel with its input and unwraps the result", async () => {
    electron.replies.set("lab:step", { ok: true, result: { advancedTo: 2500 } });
    await expect(lab.step({})).resolves.toEqual({ advancedTo: 2500 });
    await lab.setSpeed({ speed: 10 });
    expect(electron.invocations).toEqual([
      ["lab:step", {}],
      ["lab:setSpeed", { speed: 10 }],
    ]);
  });

  it("throws the host's error message when the reply is not ok", async () => {
    electron.replies.set("lab:setSpeed", { ok: false, error: "invalid setSpeed payload: speed: Too big: expected number to be <=100" });
    await expect(lab.setSpeed({ speed: 1e9 })).rejects.toThrow("invalid setSpeed payload: speed: Too big");
  });

  it("delivers pushes without the IPC event, and stops after unsubscribing", () => {
    const received: HostMessage[] = [];
    const unsubscribe = lab.subscribe((message) => received.push(message));
    const message: HostMessage = { type: "error", message: "engine stalled" };
    // The channel the main process pushes on.
    electron.ipcRenderer.emit(MAIN_PUSH_CHANNEL, { sender: electron.ipcRenderer }, message);
    expect(received).toEqual([message]);

    unsubscribe();
    electron.ipcRenderer.emit(MAIN_PUSH_CHANNEL, { sender: electron.ipcRenderer }, message);
    expect(received).toHaveLength(1);
    expect(electron.ipcRenderer.listenerCount(MAIN_PUSH_CHANNEL)).toBe(0);
  });
});
