/**
 * The sandboxed preload: exposes `window.lab`, one method per command plus `subscribe`, and nothing
 * else. The page never sees `ipcRenderer` or a way to name a channel itself.
 *
 * Sandboxed preloads can `require` only "electron" (and a few Node shims), so this file is bundled to
 * CommonJS with nothing but type imports from the engine: importing the protocol's values would pull zod
 * into the preload. It exports nothing, so the bundle does not depend on the wrapper providing `module`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import type { CommandName, CommandReply, HostMessage, LabApi } from "../engine/lab/protocol";

/** The protocol's `COMMAND_NAMES`, spelt out (a test keeps the two equal). */
const COMMANDS = [
  "getSnapshot",
  "listScenarios",
  "loadScenario",
  "play",
  "pause",
  "step",
  "runTo",
  "setSpeed",
  "reset",
  "injectFault",
  "heal",
  "saveScenario",
  "exportReport",
  "auditPage",
  "auditEntry",
  "auditProof",
  "verifyChain",
  "exportEvidence",
  "faultCatalog",
] as const satisfies readonly CommandName[];

/** `ipc.ts`'s `PUSH_CHANNEL`, spelt out for the same reason. */
const PUSH_CHANNEL = "lab:push";

type Commands = { readonly [K in (typeof COMMANDS)[number]]: LabApi[K] };

/** Sends one command on its own channel and unwraps the reply: the result, or the host's error thrown. */
function command(name: CommandName) {
  return async (input: unknown): Promise<unknown> => {
    const reply = (await ipcRenderer.invoke(`lab:${name}`, input)) as CommandReply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  };
}

function subscribe(listener: (message: HostMessage) => void): () => void {
  // The event is dropped on purpose: it carries `sender`, which is ipcRenderer itself.
  const onPush = (_event: IpcRendererEvent, message: HostMessage) => listener(message);
  ipcRenderer.on(PUSH_CHANNEL, onPush);
  return () => {
    ipcRenderer.removeListener(PUSH_CHANNEL, onPush);
  };
}

// Each method's input and result types are the protocol's; the host validates the input either way.
const commands = Object.fromEntries(COMMANDS.map((name) => [name, command(name)])) as unknown as Commands;

const api = { ...commands, subscribe } satisfies LabApi;

contextBridge.exposeInMainWorld("lab", api);
