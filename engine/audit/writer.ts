/**
 * The engine's side of the audit writer thread (engine/audit/writerThread.ts): one per process, shared by
 * every audit system, started with the first. Appends are posted in batches and applied there in order;
 * {@link AuditWriter.settle} waits, blocking, until everything posted is applied and committed, which is
 * what a read of a store or a high-risk commit needs. Blocking keeps every read API synchronous, and the
 * wait is short: the writer thread does less per entry than the simulation does per request, so it keeps
 * up and has little left to do when asked.
 *
 * {@link AuditWriter.committed} is the same wait without blocking, for a thread that must go on serving
 * meanwhile (the OpenAI endpoint, whose answer's last bytes wait for its entry): it is a group commit, so
 * the calls that finish while one commit is on its way share the next.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { AuditRecord } from "./AuditLog";
import { DONE, FAILED, type WriterData, type WriterOp } from "./writerProtocol";

/** Ops held before they are posted: one structured clone per batch is cheaper than one per op. */
const BATCH_OPS = 64;
/**
 * How long {@link AuditWriter.settle} waits for the writer thread to apply anything at all before giving up:
 * generous for a loaded CI machine. Counted in waits that time out, so the engine reads no wall clock.
 */
const STALL_WAITS = 120;
const WAIT_MS = 1_000;

/** Loads the thread's code and reports if it cannot; a bundle keeps a copy of it beside itself. */
const BOOT = new URL("./writerBoot.mjs", import.meta.url);
let entry = new URL("./writerThread.ts", import.meta.url);

/**
 * Where the writer thread's code is, for a build that bundles it (Electron's main process); call before the
 * first audit system opens. From source it is writerThread.ts, loaded through tsx.
 */
export function useAuditWriterScript(url: URL): void {
  entry = url;
}

export class AuditWriter {
  private static shared: AuditWriter | undefined;
  private readonly worker: Worker;
  private readonly slots: Int32Array;
  private readonly errors: MessagePort;
  private outbox: WriterOp[] = [];
  /** Whether an op has been pushed since the last commit: a batch posted whole may still sit uncommitted there. */
  private uncommitted = false;
  private posted = 0;
  private nextStore = 1;
  private failure: string | undefined;
  /** The batch of the last commit {@link committed} posted: until the thread has applied it, the next waits. */
  private commitInFlight = 0;
  /** The next group commit, joined by every {@link committed} call made while one is in flight. */
  private nextGroup: Promise<void> | undefined;
  /** {@link committed}'s callers, with the batch each waits for. */
  private readonly waiters: { batch: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private watching = false;

  /** The process's writer thread, started on first use. */
  static get(): AuditWriter {
    AuditWriter.shared ??= new AuditWriter();
    return AuditWriter.shared;
  }

  private constructor() {
    const state = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    this.slots = new Int32Array(state);
    const { port1, port2 } = new MessageChannel();
    this.errors = port1;
    const workerData: WriterData = { state, errors: port2, entry: entry.href };
    this.worker = new Worker(BOOT, { workerData, transferList: [port2] });
    // Nothing the thread holds outlives a settle, and every audit system settles before it closes.
    this.worker.unref();
    this.errors.unref();
    this.worker.on("error", (error) => (this.failure ??= `audit writer thread crashed: ${error.message}`));
    this.worker.on("exit", (code) => (this.failure ??= `audit writer thread exited with code ${code}`));
  }

  openStore(file: string, options: { nativeBinding?: string; buffer: boolean }): number {
    const store = this.nextStore++;
    this.push({ op: "open", store, file, buffer: options.buffer, ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }) });
    return store;
  }

  append(store: number, record: AuditRecord): void {
    this.push({ op: "append", store, record });
  }

  forward(from: number, to: number, throughSeq: number, flushedAt: number): void {
    this.push({ op: "forward", from, to, throughSeq, flushedAt });
  }

  replicate(from: number, to: number, region: string, seq: number): void {
    this.push({ op: "replicate", from, to, region, seq });
  }

  /** Commits every store in the background; {@link settle} when the commit must be done before going on. */
  commit(): void {
    this.push({ op: "commit" });
    this.uncommitted = false;
    this.post();
  }

  closeStore(store: number): void {
    this.push({ op: "close", store });
  }

  /**
   * Returns once the writer thread has applied and committed everything posted so far; throws if it has
   * failed, with its reason.
   */
  settle(): void {
    this.check();
    if (!this.uncommitted && Atomics.load(this.slots, DONE) === this.posted) return;
    this.commit();
    let stalled = 0;
    for (;;) {
      const done = Atomics.load(this.slots, DONE);
      if (done === this.posted || Atomics.load(this.slots, FAILED) === 1) break;
      if (stalled === STALL_WAITS) throw new Error(`audit writer thread has applied nothing for ${(STALL_WAITS * WAIT_MS) / 1000} s (batch ${done} of ${this.posted} done)`);
      stalled = Atomics.wait(this.slots, DONE, done, WAIT_MS) === "timed-out" ? stalled + 1 : 0;
    }
    this.check();
  }

  /**
   * Resolves once the writer thread has applied and committed everything appended so far, without blocking
   * this thread; rejects if the thread has failed. A group commit: while a commit posted here is on its way,
   * later callers join one more, posted when it is done and carrying everything appended meanwhile, so a
   * burst of calls costs a few commits rather than one each.
   */
  committed(): Promise<void> {
    try {
      this.check();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (!this.uncommitted) return this.applied(this.posted);
    if (Atomics.load(this.slots, DONE) < this.commitInFlight) {
      this.nextGroup ??= this.applied(this.commitInFlight).then(() => {
        this.nextGroup = undefined;
        return this.groupCommit();
      });
      return this.nextGroup;
    }
    return this.groupCommit();
  }

  private groupCommit(): Promise<void> {
    if (this.uncommitted) {
      this.commit();
      this.commitInFlight = this.posted;
    }
    return this.applied(this.posted);
  }

  /** Resolves once the writer thread has applied batch `batch`. */
  private applied(batch: number): Promise<void> {
    if (Atomics.load(this.slots, DONE) >= batch && Atomics.load(this.slots, FAILED) === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ batch, resolve, reject });
      if (!this.watching) void this.watch();
    });
  }

  /** Wakes {@link committed}'s callers as their batches are applied, waiting on the slot without blocking. */
  private async watch(): Promise<void> {
    this.watching = true;
    let stalled = 0;
    try {
      while (this.waiters.length > 0) {
        const done = Atomics.load(this.slots, DONE);
        if (Atomics.load(this.slots, FAILED) === 1 || this.failure !== undefined || stalled === STALL_WAITS) {
          let reason: Error;
          try {
            this.check();
            reason = new Error(`audit writer thread has applied nothing for ${(STALL_WAITS * WAIT_MS) / 1000} s (batch ${done} of ${this.posted} done)`);
          } catch (error) {
            reason = error as Error;
          }
          for (const waiter of this.waiters.splice(0)) waiter.reject(reason);
          return;
        }
        for (let i = this.waiters.length - 1; i >= 0; i--) if (this.waiters[i]!.batch <= done) this.waiters.splice(i, 1)[0]!.resolve();
        if (this.waiters.length === 0) return;
        const wait = Atomics.waitAsync(this.slots, DONE, done, WAIT_MS);
        const result = wait.async ? await wait.value : wait.value;
        stalled = result === "timed-out" ? stalled + 1 : 0;
      }
    } finally {
      this.watching = false;
    }
  }

  private check(): void {
    if (Atomics.load(this.slots, FAILED) === 1 && this.failure === undefined) {
      const message = receiveMessageOnPort(this.errors)?.message as string | undefined;
      this.failure = message ?? "audit writer thread failed";
    }
    if (this.failure === undefined) return;
    // Whatever opens next gets a thread of its own; this one's stores are in an unknown state.
    if (AuditWriter.shared === this) {
      AuditWriter.shared = undefined;
      void this.worker.terminate();
    }
    throw new Error(this.failure);
  }

  private push(op: WriterOp): void {
    this.outbox.push(op);
    this.uncommitted = true;
    if (this.outbox.length >= BATCH_OPS) this.post();
  }

  private post(): void {
    this.check();
    try {
      this.worker.postMessage({ n: this.posted + 1, ops: this.outbox });
    } catch (error) {
      // A record that cannot be cloned (a function in it): no later op may overtake it into a store.
      this.failure = `audit record cannot be sent to the writer thread: ${(error as Error).message}`;
      this.check();
    }
    this.posted++;
    this.outbox = [];
  }
}
