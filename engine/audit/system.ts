/**
 * The audit architecture of one session, as the seed article's two patterns:
 * - Pattern A (`central`): one canonical log in one region. Every regional gateway writes to a durable local
 *   buffer first; a flusher moves the buffer to the canonical log asynchronously (failure mode: flush lag).
 * - Pattern B (`per-region`): a log per region, fed the same way from that region's buffer; a global query
 *   merges the regions' logs (failure mode: query latency).
 * Entries of global components (the run itself, the traffic director) go straight to the canonical log
 * (A) or to a log of their own (B). Every store — buffer or destination — is its own hash-chained SQLite
 * file, so tampering with any of them is detectable on its own.
 *
 * A flushed entry keeps its record and adds `buffer: { seq, flushedAt }`, the seq it had in its region's
 * buffer and the virtual time it reached the destination. From the destinations alone a reviewer can
 * then prove that no buffered entry was lost or reordered (each region's buffer seqs run 1, 2, 3, …) and
 * measure flush lag.
 *
 * "Durable" means committed to SQLite in WAL mode with synchronous=NORMAL: it survives a killed process
 * (test/audit/crash.test.ts kills one mid-write), not a power cut before the next checkpoint; FULL would
 * buy that with an fsync per commit.
 *
 * When a region cannot reach its destination (an audit partition), its buffer grows and is flushed on the
 * first tick after the partition heals. Under `fail-closed` the gateway rejects the calls that need a
 * durable audit write (high-risk ones, EU AI Act Art. 12); see {@link AuditSystem.failsClosed}.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../clock";
import type { TransitionEvent } from "../events";
import type { AuditConfig } from "../scenario/schema";
import { AuditLog, type AuditRecord, type StoredEntry } from "./AuditLog";
import { MillisecondCounts } from "../stats/percentile";
import { AuditWriter } from "./writer";

/** The region of entries that belong to no one region: the run, the traffic director. */
export const GLOBAL_REGION = "global";

export interface AuditSystemOptions {
  readonly config: AuditConfig;
  /** The scenario's regions, in scenario order. */
  readonly regions: readonly string[];
  readonly clock: Clock;
  /** Whether a region can reach its audit destination right now. */
  readonly reachable: (region: string) => boolean;
  /** Round-trip time between two regions, ms: what a durable write in another region costs. */
  readonly rttMs: (a: string, b: string) => number;
  /**
   * Directory for the store files, which must not exist yet; absent, a temporary directory removed on
   * close (the writer thread and the readers need files to share).
   */
  readonly dir?: string;
  /** better-sqlite3 addon built for another ABI (Electron's). */
  readonly nativeBinding?: string;
  /** Told when a region's flusher starts or stops buffering, so the change is audited and shown. */
  readonly onTransition?: (event: TransitionEvent) => void;
}

/** What a store is for: a log queries read, a region's buffer, or copies of other regions' high-risk entries. */
export type StoreRole = "destination" | "buffer" | "replica";

/** One store: its name in reports (`canonical`, `region:eu-west`, `global`, `buffer:eu-west`, `replica:us-east`), its file. */
export interface AuditStore {
  readonly name: string;
  readonly role: StoreRole;
  /** Its file's name in the audit directory, whether the run named one or was given a temporary one. */
  readonly fileName: string;
  /** Its path. */
  readonly file: string;
  /** The store, for reading: what this session has recorded so far is committed before it is returned. */
  readonly log: AuditLog;
}

/**
 * A store written by the writer thread under its number, and read here through a view. Reading settles the
 * writer first, so a read never misses an entry recorded before it.
 */
class Store implements AuditStore {
  constructor(
    readonly name: string,
    readonly role: StoreRole,
    readonly fileName: string,
    readonly file: string,
    readonly id: number,
    private readonly view: AuditLog,
    private readonly writer: AuditWriter,
  ) {}

  get log(): AuditLog {
    this.writer.settle();
    return this.view;
  }

  /** The view without settling, for closing. */
  closeView(): void {
    this.view.close();
  }
}

/** An entry found by a cross-store query, with the store it was found in. */
export interface LocatedEntry {
  readonly store: string;
  readonly entry: StoredEntry;
}

/** How one region's buffer fared over the run. Times in virtual ms. */
export interface BufferStats {
  readonly region: string;
  /** Entries the region wrote to its buffer. */
  readonly written: number;
  /** Of those, how many reached the destination. */
  readonly flushed: number;
  /** Most entries waiting in the buffer at once. */
  readonly depth_max: number;
  /** Entries still only in the buffer at the end: at risk if the region were lost. */
  readonly depth_end: number;
  /** Time from an entry's event to its arrival at the destination (p95 by the one percentile definition, engine/stats/percentile.ts, rounded to the ms); null when nothing was flushed. */
  readonly flush_lag_ms: { readonly p95: number | null; readonly max: number | null };
}

interface RegionBuffer {
  readonly region: string;
  readonly store: Store;
  readonly destination: Store;
  /** Entries recorded into the buffer: its head seq. */
  written: number;
  /** Highest buffer seq that has reached the destination. */
  flushedSeq: number;
  /** `buffering` from the first flush that could not reach the destination until one that could. */
  state: "flushing" | "buffering";
  /** Event times of the entries waiting, for the flush lag. */
  waitingSince: number[];
  depthMax: number;
  readonly lag: MillisecondCounts;
  lagMax: number | null;
}

export class AuditSystem {
  private readonly buffers = new Map<string, RegionBuffer>();
  private readonly destinationStores: Store[] = [];
  private readonly globalStore: Store;
  private readonly writer = AuditWriter.get();
  /** The directory made for a run that named none; removed on close. */
  private readonly temporaryDir: string | undefined;
  private flushTimer: number | undefined;
  private closed = false;
  /**
   * High-risk calls answered with their entry committed at the destination, in the configured number of
   * regional stores, or — the destination being cut off — only in their region's buffer.
   */
  readonly highRisk = { durableAtDestination: 0, durableInReplicas: 0, durableInBufferOnly: 0 };
  /** Per region, the store that keeps other regions' high-risk entries, when more than one copy is asked for. */
  private readonly replicaStores = new Map<string, Store>();

  private constructor(private readonly options: AuditSystemOptions) {
    const { config, regions, nativeBinding } = options;
    if (options.dir === undefined) this.temporaryDir = mkdtempSync(join(tmpdir(), "failover-lab-audit-"));
    else mkdirSync(options.dir, { recursive: true });
    const dir = options.dir ?? this.temporaryDir!;
    const opened: Store[] = [];
    const open = (role: StoreRole, name: string, fileName: string): Store => {
      const file = join(dir, fileName);
      // A store that exists belongs to another run; continuing its chain would mix two runs in one log.
      if (existsSync(file)) throw new Error(`audit store ${file} already exists; use an empty directory`);
      // The view creates the file and its schema, so the writer thread opens a store that is already whole.
      const view = AuditLog.openView(file, nativeBinding === undefined ? {} : { nativeBinding });
      const id = this.writer.openStore(file, { buffer: role === "buffer", ...(nativeBinding === undefined ? {} : { nativeBinding }) });
      const store = new Store(name, role, fileName, file, id, view, this.writer);
      opened.push(store);
      return store;
    };
    try {
      if (config.pattern === "central") {
        const canonical = open("destination", "canonical", "canonical.db");
        this.destinationStores.push(canonical);
        this.globalStore = canonical;
        for (const region of regions) this.addBuffer(region, open("buffer", `buffer:${region}`, `buffer-${region}.db`), canonical);
      } else {
        this.globalStore = open("destination", GLOBAL_REGION, "global.db");
        const regionStores = regions.map((region) => open("destination", `region:${region}`, `region-${region}.db`));
        this.destinationStores.push(...regionStores, this.globalStore);
        regions.forEach((region, i) => this.addBuffer(region, open("buffer", `buffer:${region}`, `buffer-${region}.db`), regionStores[i]!));
      }
      if (config.high_risk_durable_in === "replicas" && config.high_risk_replicas > 1)
        for (const region of regions) this.replicaStores.set(region, open("replica", `replica:${region}`, `replica-${region}.db`));
    } catch (error) {
      this.closeStores(opened);
      throw error;
    }
  }

  /** Opens (creates) every store the pattern needs. */
  static open(options: AuditSystemOptions): AuditSystem {
    return new AuditSystem(options);
  }

  private addBuffer(region: string, store: Store, destination: Store): void {
    this.buffers.set(region, {
      region,
      store,
      destination,
      written: 0,
      flushedSeq: 0,
      state: "flushing",
      waitingSince: [],
      depthMax: 0,
      lag: new MillisecondCounts(),
      lagMax: null,
    });
  }

  get pattern(): AuditConfig["pattern"] {
    return this.options.config.pattern;
  }

  /** Pattern A: the region holding the canonical log. */
  get destinationRegion(): string {
    return this.options.config.destination ?? this.options.regions[0]!;
  }

  /** Starts the periodic flush. */
  start(): void {
    const { clock, config } = this.options;
    const tick = () => {
      this.flushAll();
      this.flushTimer = clock.setTimeout(tick, config.flush_interval_ms);
    };
    this.flushTimer = clock.setTimeout(tick, config.flush_interval_ms);
  }

  /** Records an entry: into its region's buffer, or straight into the global destination. */
  record(record: AuditRecord): void {
    // A run closed mid-flight may still see a gateway finish an attempt; its stores are closed, and an op
    // for them would fail the writer thread that every later run shares. The record has nowhere to go.
    if (this.closed) return;
    const buffer = this.buffers.get(record.region);
    if (!buffer) {
      this.writer.append(this.globalStore.id, record);
      return;
    }
    this.writer.append(buffer.store.id, record);
    buffer.written++;
    buffer.waitingSince.push(record.t);
    buffer.depthMax = Math.max(buffer.depthMax, buffer.written - buffer.flushedSeq);
  }

  reachable(region: string): boolean {
    return !this.buffers.has(region) || this.options.reachable(region);
  }

  /** Whether the region must reject calls that need a durable audit write: cut off, under fail-closed. */
  failsClosed(region: string): boolean {
    return this.options.config.on_unreachable === "fail-closed" && !this.reachable(region);
  }

  /**
   * The virtual ms a high-risk call's response waits for its entry to be durable: the round trip to the
   * destination, or to the farthest of the other regions holding a copy (written in parallel); 0 for a
   * commit in the region's own buffer.
   */
  durableWriteMs(region: string): number {
    const { config, rttMs } = this.options;
    if (config.high_risk_durable_in === "replicas") return Math.max(0, ...this.replicaPeers(region).map((peer) => rttMs(region, peer)));
    if (!this.reachable(region)) return 0;
    return this.pattern === "central" ? rttMs(region, this.destinationRegion) : rttMs(region, region);
  }

  /** The other regions that keep copies of a region's high-risk entries: the nearest, ties by name. */
  private replicaPeers(region: string): string[] {
    const { config, regions, rttMs } = this.options;
    return regions
      .filter((peer) => peer !== region)
      .sort((a, b) => rttMs(region, a) - rttMs(region, b) || (a < b ? -1 : 1))
      .slice(0, config.high_risk_replicas - 1);
  }

  /**
   * Makes a high-risk call's entry, the region's latest, durable before the response returns: committed at
   * the destination (with everything buffered before it, to keep the chain's order), or in the region's
   * buffer plus a copy in each replica peer's store, as the scenario asks; with the destination cut off,
   * committed in the region's buffer only.
   */
  commitHighRisk(region: string): void {
    const buffer = this.buffers.get(region);
    if (!buffer || buffer.written === 0) throw new Error(`no audit entry of region "${region}" to make durable`);
    if (this.options.config.high_risk_durable_in === "replicas") {
      for (const peer of this.replicaPeers(region)) this.writer.replicate(buffer.store.id, this.replicaStores.get(peer)!.id, region, buffer.written);
      this.highRisk.durableInReplicas++;
    } else if (this.flushRegion(buffer)) {
      this.highRisk.durableAtDestination++;
    } else {
      this.highRisk.durableInBufferOnly++;
    }
    // Committing every store commits the ones this entry is in; the wait is what makes it durable before the answer.
    this.writer.settle();
  }

  /**
   * Resolves once everything recorded so far is committed in its store (a call's entry in its region's
   * buffer), without blocking: what a real-time answer waits for before its last byte leaves, so a process
   * killed after the client has the whole answer has the entry too. Calls finishing together share one
   * commit (a group commit, {@link AuditWriter.committed}). Virtual time does not move meanwhile only if no
   * one waits on it; a headless drill never calls it.
   */
  committed(): Promise<void> {
    return this.writer.committed();
  }

  /** Flushes every region that can reach its destination, and commits every store. */
  flushAll(): void {
    if (this.closed) return;
    for (const buffer of this.buffers.values()) this.flushRegion(buffer);
    this.writer.commit();
  }

  /** Moves what the region's buffer holds to its destination, if reachable; returns whether it could. */
  private flushRegion(buffer: RegionBuffer): boolean {
    if (!this.options.reachable(buffer.region)) {
      if (buffer.state === "flushing") this.transition(buffer, "buffering", `${buffer.destination.name} unreachable from ${buffer.region}: buffering locally`);
      return false;
    }
    const waiting = buffer.written - buffer.flushedSeq;
    if (waiting > 0) this.drain(buffer);
    if (buffer.state === "buffering") this.transition(buffer, "flushing", `${buffer.destination.name} reachable again: flushed ${waiting} buffered entries`);
    return true;
  }

  private transition(buffer: RegionBuffer, to: RegionBuffer["state"], cause: string): void {
    const from = buffer.state;
    buffer.state = to;
    const subject = `${buffer.region}→${buffer.destination.name}`;
    this.options.onTransition?.({ type: "transition", t: this.options.clock.now(), machine: "audit", region: buffer.region, subject, from, to, cause });
  }

  private drain(buffer: RegionBuffer): void {
    const flushedAt = this.options.clock.now();
    this.writer.forward(buffer.store.id, buffer.destination.id, buffer.written, flushedAt);
    for (const t of buffer.waitingSince) {
      const lag = flushedAt - t;
      buffer.lag.record(lag);
      buffer.lagMax = Math.max(buffer.lagMax ?? 0, lag);
    }
    buffer.waitingSince = [];
    buffer.flushedSeq = buffer.written;
  }

  /** Per region, right now: entries waiting, and whether its flusher is cut off. */
  bufferStates(): { region: string; written: number; depth: number; state: "flushing" | "buffering"; lagMaxMs: number | null }[] {
    return [...this.buffers.values()].map((b) => ({ region: b.region, written: b.written, depth: b.written - b.flushedSeq, state: b.state, lagMaxMs: b.lagMax }));
  }

  /** Per region, how its buffer fared; regions in scenario order. */
  bufferStats(): BufferStats[] {
    return [...this.buffers.values()].map((b) => ({
      region: b.region,
      written: b.written,
      flushed: b.flushedSeq,
      depth_max: b.depthMax,
      depth_end: b.written - b.flushedSeq,
      flush_lag_ms: { p95: b.lagMax === null ? null : Math.round(b.lag.percentile(0.95)), max: b.lagMax === null ? null : Math.round(b.lagMax) },
    }));
  }

  /** The logs a query reads: the canonical log (A), or the region logs and the global log (B). */
  destinations(): readonly AuditStore[] {
    return this.destinationStores;
  }

  /** Per region, its buffer store; regions in scenario order. */
  bufferStores(): Map<string, AuditStore> {
    return new Map([...this.buffers.values()].map((b) => [b.region, b.store]));
  }

  /** Per region that keeps copies of other regions' high-risk entries, its replica store. */
  replicas(): AuditStore[] {
    return [...this.replicaStores.values()];
  }

  /** Every store: destinations first, then the regional buffers, then the replica stores. */
  allStores(): AuditStore[] {
    return this.stores();
  }

  private stores(): Store[] {
    return [...this.destinationStores, ...[...this.buffers.values()].map((b) => b.store), ...this.replicaStores.values()];
  }

  /**
   * Every entry about one request, whichever region handled it and whether or not it has left its
   * region's buffer yet (an entry still buffered is found there). Ordered by time, then store.
   */
  findRequest(requestId: string): LocatedEntry[] {
    const found: LocatedEntry[] = [];
    for (const store of this.destinationStores) for (const entry of store.log.findByRequestId(requestId)) found.push({ store: store.name, entry });
    for (const buffer of this.buffers.values())
      for (const entry of buffer.store.log.findByRequestId(requestId)) if (entry.seq > buffer.flushedSeq) found.push({ store: buffer.store.name, entry });
    return found.sort(byTime);
  }

  /**
   * The destinations' entries as one timeline: ordered by event time, ties broken by region, then by the
   * entry's seq in its store — the same order on every run of the same scenario and seed.
   */
  *timeline(): IterableIterator<LocatedEntry> {
    const streams = this.destinationStores.map((store) => ({ store: store.name, entries: store.log.byTime() }));
    try {
      const heads = streams.map(({ store, entries }) => next(store, entries));
      for (;;) {
        let best = -1;
        for (let i = 0; i < heads.length; i++) {
          const head = heads[i];
          if (head && (best < 0 || byTime(head, heads[best]!) < 0)) best = i;
        }
        if (best < 0) return;
        yield heads[best]!;
        heads[best] = next(streams[best]!.store, streams[best]!.entries);
      }
    } finally {
      // A consumer that stops early must not leave a store's connection busy with an open statement.
      for (const { entries } of streams) entries.return?.();
    }
  }

  /**
   * A page of {@link timeline} without reading what comes before it: Pattern B's global query, as the app's
   * inspector pages through it. Each of B's logs is written in time order (a region's buffer flushes in the
   * order it was written; the global log is written as things happen), so where a page starts in every log
   * can be found by bisection on time, then the logs are merged from there. Pattern A's canonical log is in
   * arrival order, which this does not assume: it throws there.
   */
  timelinePage(offset: number, limit: number): { total: number; entries: LocatedEntry[] } {
    if (this.pattern !== "per-region") throw new Error("timelinePage needs logs written in time order (Pattern B)");
    const logs = this.destinationStores;
    const total = logs.reduce((n, store) => n + store.log.head.seq, 0);
    if (offset >= total) return { total, entries: [] };
    const before = (t: number) => logs.reduce((n, store) => n + entriesBefore(store.log, t), 0);
    // The last whole ms T with at most `offset` entries before it: the page starts among the entries in [T, T + 1).
    let lo = 0;
    let hi = Math.ceil(Math.max(...logs.map((store) => store.log.entry(store.log.head.seq)?.t ?? 0))) + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi + 1) / 2);
      if (before(mid) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const starts = logs.map((store) => entriesBefore(store.log, lo));
    let skip = offset - starts.reduce((n, s) => n + s, 0);
    const streams = logs.map((store, i) => ({ store: store.name, entries: store.log.entries({ fromSeq: starts[i]! + 1, limit: skip + limit }) }));
    const heads = streams.map(({ store, entries }) => next(store, entries));
    const entries: LocatedEntry[] = [];
    while (entries.length < limit) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) if (heads[i] && (best < 0 || byTime(heads[i]!, heads[best]!) < 0)) best = i;
      if (best < 0) break;
      if (skip > 0) skip--;
      else entries.push(heads[best]!);
      heads[best] = next(streams[best]!.store, streams[best]!.entries);
    }
    return { total, entries };
  }

  /**
   * Stops the flusher and closes every store, once the writer thread has committed everything recorded;
   * what is still buffered stays in its buffer file. A run without a directory of its own loses its stores.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer !== undefined) this.options.clock.clearTimeout(this.flushTimer);
    this.closeStores(this.stores());
  }

  private closeStores(stores: readonly Store[]): void {
    try {
      for (const store of stores) this.writer.closeStore(store.id);
      this.writer.settle();
    } finally {
      for (const store of stores) store.closeView();
      if (this.temporaryDir !== undefined) rmSync(this.temporaryDir, { recursive: true, force: true });
    }
  }
}

/** How many entries of a log written in time order come before time `t`: a bisection over seqs. */
function entriesBefore(log: AuditLog, t: number): number {
  let lo = 0;
  let hi = log.head.seq;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (log.entry(mid)!.t < t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function next(store: string, entries: IterableIterator<StoredEntry>): LocatedEntry | undefined {
  const result = entries.next();
  return result.done ? undefined : { store, entry: result.value };
}

/** The timeline's order: event time, then region, then store, then seq. */
export function byTime(a: LocatedEntry, b: LocatedEntry): number {
  return a.entry.t - b.entry.t || compare(a.entry.region, b.entry.region) || compare(a.store, b.store) || a.entry.seq - b.entry.seq;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
