/**
 * What the engine's thread tells the audit writer thread, and how the two keep count. Shared by both sides
 * (engine/audit/writer.ts, engine/audit/writerThread.ts); types and constants only, so the writer thread
 * loads nothing of the engine it does not run.
 */
import type { MessagePort } from "node:worker_threads";
import type { AuditRecord } from "./AuditLog";

/** Stores are numbered by the engine's thread; the writer thread knows them by that number. */
export type WriterOp =
  /** Opens an existing store (its schema made by the engine's thread) as the one connection that appends. */
  | { readonly op: "open"; readonly store: number; readonly file: string; readonly nativeBinding?: string; readonly buffer: boolean }
  | { readonly op: "append"; readonly store: number; readonly record: AuditRecord }
  /**
   * Appends every entry of buffer `from` not yet forwarded to `to`, each with `buffer: { seq, flushedAt }`;
   * `throughSeq` is the buffer's head as the engine's thread counts it, and must match.
   */
  | { readonly op: "forward"; readonly from: number; readonly to: number; readonly throughSeq: number; readonly flushedAt: number }
  /** Appends buffer `from`'s latest entry, which must be `seq`, to `to` with `replicaOf: { region, seq }`. */
  | { readonly op: "replicate"; readonly from: number; readonly to: number; readonly region: string; readonly seq: number }
  /** Commits every store with uncommitted appends. */
  | { readonly op: "commit" }
  | { readonly op: "close"; readonly store: number };

/** What the writer thread is started with. */
export interface WriterData {
  /** Int32 slots, see {@link DONE} and {@link FAILED}. */
  readonly state: SharedArrayBuffer;
  /** Where the writer thread reports why it failed; read with `receiveMessageOnPort`. */
  readonly errors: MessagePort;
  /** URL of the writer thread's module, which writerBoot.mjs loads. */
  readonly entry: string;
}

/** Slot of the number of the last batch of ops the writer thread has applied. */
export const DONE = 0;
/** Slot set to 1 once the writer thread has failed; it then applies nothing more. */
export const FAILED = 1;
