/**
 * The audit writer thread: applies, in order, the ops the engine's thread posts (engine/audit/writer.ts),
 * so canonical JSON, SHA-256 and SQLite inserts — two chained appends per request once buffers flush, a
 * tenth of a drill's time — run beside the simulation on the machine's other core. Applying the same ops in
 * the same order gives the same chains as appending on the engine's thread would.
 *
 * Every batch is acknowledged through shared memory (slot DONE), so the engine's thread can wait for it
 * with `Atomics.wait` and read the stores at once; a failure sets slot FAILED, posts the reason on the
 * error port, and stops the thread from applying anything more, so no store gets entries out of order.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { AuditLog, type AuditRecord } from "./AuditLog";
import { DONE, FAILED, type WriterData, type WriterOp } from "./writerProtocol";

/** Records held in memory per buffer for the next forward; beyond this a forward reads the buffer store. */
const MAX_QUEUED = 20_000;

interface Store {
  readonly file: string;
  readonly log: AuditLog;
  dirty: boolean;
  /** For a region's buffer: what its next forward sends. */
  readonly buffer?: BufferQueue;
}

interface BufferQueue {
  forwardedSeq: number;
  /**
   * The records not yet forwarded, as they were appended, so a forward need not read back and parse what was
   * just written. Past {@link MAX_QUEUED} — a long partition — the queue is dropped and the next forward
   * reads the buffer store instead, so memory stays bounded.
   */
  queue: AuditRecord[];
  spilled: boolean;
  /** The latest record and its seq: what a high-risk commit copies to replica stores. */
  last: { record: AuditRecord; seq: number } | undefined;
}

function serve({ state, errors }: WriterData): void {
  const slots = new Int32Array(state);
  const stores = new Map<number, Store>();
  const storeOf = (id: number): Store => {
    const store = stores.get(id);
    if (!store) throw new Error(`audit writer: no open store ${id}`);
    return store;
  };
  const append = (store: Store, record: AuditRecord): number => {
    store.dirty = true;
    return store.log.append(record).seq;
  };

  const apply = (op: WriterOp): void => {
    switch (op.op) {
      case "open": {
        const log = AuditLog.open(op.file, op.nativeBinding === undefined ? {} : { nativeBinding: op.nativeBinding });
        stores.set(op.store, { file: op.file, log, dirty: false, ...(op.buffer ? { buffer: { forwardedSeq: 0, queue: [], spilled: false, last: undefined } } : {}) });
        return;
      }
      case "append": {
        const store = storeOf(op.store);
        const seq = append(store, op.record);
        const buffer = store.buffer;
        if (!buffer) return;
        buffer.last = { record: op.record, seq };
        if (buffer.spilled) return;
        buffer.queue.push(op.record);
        if (buffer.queue.length > MAX_QUEUED) {
          buffer.queue = [];
          buffer.spilled = true;
        }
        return;
      }
      case "forward":
        return forward(storeOf(op.from), storeOf(op.to), op.throughSeq, op.flushedAt);
      case "replicate": {
        const from = storeOf(op.from);
        const last = from.buffer?.last;
        if (last?.seq !== op.seq) throw new Error(`audit writer: ${from.file} has no entry ${op.seq} to replicate (latest: ${last?.seq ?? "none"})`);
        append(storeOf(op.to), { ...last.record, replicaOf: { region: op.region, seq: op.seq } });
        return;
      }
      case "commit":
        for (const store of stores.values()) {
          if (!store.dirty) continue;
          store.log.flush();
          store.dirty = false;
        }
        return;
      case "close":
        storeOf(op.store).log.close();
        stores.delete(op.store);
        return;
    }
  };

  const forward = (from: Store, to: Store, throughSeq: number, flushedAt: number): void => {
    const buffer = from.buffer;
    if (!buffer) throw new Error(`audit writer: ${from.file} is not a buffer`);
    const forwardOne = (record: AuditRecord, bufferSeq: number) => {
      append(to, { ...record, buffer: { seq: bufferSeq, flushedAt } });
      buffer.forwardedSeq = bufferSeq;
    };
    if (buffer.spilled) {
      // Parsed back from the canonical bytes: the same record, so the destination entry is byte-identical.
      for (const entry of from.log.entries({ fromSeq: buffer.forwardedSeq + 1 })) {
        const { seq: _bufferSeq, ...record } = JSON.parse(entry.body) as AuditRecord & { seq: number };
        forwardOne(record, entry.seq);
      }
      buffer.spilled = false;
    } else {
      for (const record of buffer.queue) forwardOne(record, buffer.forwardedSeq + 1);
    }
    buffer.queue = [];
    if (buffer.forwardedSeq !== throughSeq) throw new Error(`audit writer: ${from.file} forwarded through seq ${buffer.forwardedSeq}, expected ${throughSeq}`);
  };

  let failed = false;
  const fail = (error: unknown) => {
    failed = true;
    errors.postMessage((error as Error)?.message ?? String(error));
    Atomics.store(slots, FAILED, 1);
  };
  parentPort!.on("message", ({ n, ops }: { n: number; ops: WriterOp[] }) => {
    if (!failed) {
      try {
        for (const op of ops) apply(op);
      } catch (error) {
        fail(error);
      }
    }
    Atomics.store(slots, DONE, n);
    Atomics.notify(slots, DONE);
  });
}

// Loaded by writerBoot.mjs in the writer thread.
if (!isMainThread && (workerData as Partial<WriterData> | undefined)?.state instanceof SharedArrayBuffer) serve(workerData as WriterData);
