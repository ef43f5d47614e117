/**
 * The main-process end of the Electron transport: one `ipcMain.handle` per command, each checking who
 * sent it and what it carries before the engine sees it. Only structural types of Electron are used here,
 * so tests drive it with fakes and never load Electron.
 */
import { COMMAND_NAMES, PUSH_CHANNEL, type CommandName, type CommandReply, type HostMessage, type LabBackend } from "../engine/lab/contract";
import { serveCommand } from "../engine/lab/validation";

/** The part of an `IpcMainInvokeEvent` the handlers read. `senderFrame` is null once the frame is gone. */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's `ipcMain` used to register handlers. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<CommandReply>): void;
}

/** Where pushes go: a `WebContents`, which must not be sent to once destroyed (Electron throws). */
export interface PushSinkLike {
  send(channel: typeof PUSH_CHANNEL, message: HostMessage): void;
  isDestroyed(): boolean;
}

/** The fixed IPC channel of a command. */
export function channelFor<K extends CommandName>(name: K): `lab:${K}` {
  return `lab:${name}`;
}

/**
 * Registers one handler per command. Each replies `{ ok: false, error }` without touching the backend
 * when the sending frame is not trusted or the payload fails the command's schema; otherwise it replies
 * with the backend's result (or its error). Handlers never throw, so the renderer always gets a reply
 * it can unwrap rather than Electron's generic "Error invoking remote method".
 */
export function registerLabIpc(ipcMain: IpcMainLike, backend: LabBackend, isTrustedSender: (frame: { url: string } | null) => boolean): void {
  for (const name of COMMAND_NAMES) {
    const channel = channelFor(name);
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event.senderFrame)) return { ok: false, error: `${channel} refused: the sender is not the app's page` };
      // The preload sends exactly one payload; anything else did not come from it.
      if (args.length > 1) return { ok: false, error: `${channel} refused: expected one payload, got ${args.length} arguments` };
      return serveCommand(backend, name, args[0]);
    });
  }
}

/** Forwards every message the backend publishes to `sink` while it lives. Returns the unsubscribe. */
export function forwardPushes(backend: Pick<LabBackend, "subscribe">, sink: PushSinkLike): () => void {
  return backend.subscribe((message) => {
    if (!sink.isDestroyed()) sink.send(PUSH_CHANNEL, message);
  });
}
