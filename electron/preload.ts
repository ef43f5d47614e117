/**
 * The sandboxed preload: exposes `window.lab`, one method per command plus `subscribe`, and nothing
 * else. The page never sees `ipcRenderer` or a way to name a channel itself.
 *
 * Sandboxed preloads can `require` only "electron" (and a few Node shims), so this file is bundled to
 * CommonJS with the command names inlined from the zod-free contract (`engine/lab/contract.ts`), which
 * imports no other package. It exports nothing, so the bundle does not depend on the wrapper providing
 * `module`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import { COMMAND_NAMES, PUSH_CHANNEL, type CommandName, type CommandReply, type HostMessage, type LabApi } from "../engine/lab/contract";

type Commands = { readonly [K in CommandName]: LabApi[K] };

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

// Each method's input and result types are the contract's; the host validates the input either way.
const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, command(name)])) as unknown as Commands;

const api = { ...commands, subscribe } satisfies LabApi;

contextBridge.exposeInMainWorld("lab", api);
