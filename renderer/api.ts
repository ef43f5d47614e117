/**
 * The renderer's one way to the engine. Inside Electron the preload has put `window.lab` in place; in a
 * browser the same `LabApi` is built over the host's WebSocket, with the token the host printed in the URL.
 * Components receive a `LabApi` and cannot tell which transport carries it.
 */
import { COMMAND_NAMES, type CommandName, type CommandReply, type HostMessage, type LabApi } from "../engine/lab/contract";

declare global {
  interface Window {
    readonly lab?: LabApi;
  }
}

type HostFrame = { id: number | null; reply: CommandReply } | { push: HostMessage };

export type ConnectionState = "connecting" | "open" | "closed";

export interface LabConnection {
  readonly api: LabApi;
  /** Reports the transport's state; Electron's IPC is open from the start. */
  onState(listener: (state: ConnectionState, detail?: string) => void): () => void;
}

export function connectLab(): LabConnection {
  if (window.lab) {
    const api = window.lab;
    return { api, onState: (listener) => (listener("open"), () => undefined) };
  }
  return connectWebSocket(new URLSearchParams(window.location.search).get("token") ?? "");
}

function connectWebSocket(token: string): LabConnection {
  const socket = new WebSocket(`${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/lab?token=${encodeURIComponent(token)}`);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Set<(message: HostMessage) => void>();
  const stateListeners = new Set<(state: ConnectionState, detail?: string) => void>();
  let state: ConnectionState = "connecting";
  let detail: string | undefined;
  const setState = (next: ConnectionState, why?: string) => {
    state = next;
    detail = why;
    for (const listener of stateListeners) listener(next, why);
  };
  const queue: string[] = [];
  let nextId = 1;

  socket.addEventListener("open", () => {
    setState("open");
    for (const frame of queue.splice(0)) socket.send(frame);
  });
  socket.addEventListener("close", (event) => {
    setState("closed", event.reason || (token ? "the host closed the connection" : "no token in the URL: open the address the host printed"));
    for (const { reject } of pending.values()) reject(new Error("disconnected from the engine host"));
    pending.clear();
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data)) as HostFrame;
    if ("push" in frame) {
      for (const listener of listeners) listener(frame.push);
      return;
    }
    if (frame.id === null) return;
    const call = pending.get(frame.id);
    if (!call) return;
    pending.delete(frame.id);
    if (frame.reply.ok) call.resolve(frame.reply.result);
    else call.reject(new Error(frame.reply.error));
  });

  const call = (command: CommandName, payload: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      if (state === "closed") return reject(new Error("disconnected from the engine host"));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const frame = JSON.stringify({ id, command, payload });
      if (state === "open") socket.send(frame);
      else queue.push(frame);
    });
  const api = Object.fromEntries([
    ...COMMAND_NAMES.map((name) => [name, (payload: unknown) => call(name, payload)] as const),
    [
      "subscribe",
      (listener: (message: HostMessage) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    ],
  ]) as unknown as LabApi;
  return {
    api,
    onState: (listener) => {
      stateListeners.add(listener);
      listener(state, detail);
      return () => stateListeners.delete(listener);
    },
  };
}
