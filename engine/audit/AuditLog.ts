/**
 * The hash-chained audit log: one SQLite store (WAL) of entries, each of whose hash covers its canonical
 * JSON body and the previous entry's hash.
 *
 * Chain rule, for the entry with sequence number `seq` (1, 2, 3, … without gaps):
 * - `body = canonicalJson({ ...record, seq })`, so seq, t, region, kind and requestId are all inside the
 *   hashed bytes (Sigstore Rekor's lesson: a field outside the hash can change undetected);
 * - `hash = SHA-256(prevHash + "\n" + body)` as 64 lower-case hex digits, where `prevHash` is the previous
 *   entry's hash, or {@link GENESIS_HASH} for seq 1.
 * The body is stored as hashed, so verification recomputes each hash from the stored bytes without
 * re-canonicalising. What else a store keeps, and so what else a verifier must check, depends on its format
 * (engine/audit/storeFormat.ts): format 1 stores copies of body fields and each previous hash, checked against
 * the body and the chain; format 2, which new stores are written in, stores only seq, body and hash.
 *
 * Appends are hashed at once (the head advances in memory) and written in batched transactions, because a
 * commit per row is what limits throughput: measured on a 2-core dev machine with drill-sized records,
 * about 7k appends/s committing each row against 20–35k/s in batches of 1,000, where canonicalisation
 * then dominates. (With synchronous=FULL instead of NORMAL each commit would also fsync.)
 */
import { hash as digest } from "node:crypto";
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { bodyProblem } from "./bodyProblem";
import { canonicalJson } from "./canonical";
import { CURRENT_FORMAT, FORMATS, GENESIS_HASH, type Row, type StoreFormat } from "./storeFormat";

/** The `prevHash` of entry 1, and the head hash of an empty log. */
export { GENESIS_HASH };
const DEFAULT_BATCH_SIZE = 1000;
/** Rows read per query by `entries()`; paging keeps the connection free for appends between pages. */
const PAGE_SIZE = 1000;

/** What the engine hands in. `t` is virtual ms since run start; `region` the region the entry belongs to. */
export interface AuditRecord {
  kind: "request" | "transition" | "fault" | "run";
  t: number;
  region: string;
  requestId?: string;
  [field: string]: unknown;
}

/** One entry as stored. `t` is virtual ms since run start; hashes are 64 lower-case hex digits. */
export interface StoredEntry {
  seq: number;
  t: number;
  region: string;
  kind: string;
  requestId: string | null;
  /** Canonical JSON of the record plus its seq: exactly the hashed bytes. */
  body: string;
  /** In a format-2 store, read from the entry before; empty when the store lacks it. */
  prevHash: string;
  hash: string;
}

/**
 * The verifier's answer. `count` is the number of entries read before the verdict (all of them when ok).
 * `firstBad.seq` is the first position where the chain stops being valid: the failing entry, the missing
 * seq of a gap or a truncated tail, or the head's seq when only the head hash differs from the expected one.
 */
export type ChainVerdict =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; firstBad: { seq: number; reason: string } };

/** A row of format 1's chain query, read in raw mode. */
type Format1Row = [seq: number, t: number, region: string, kind: string, requestId: string | null, body: string, prevHash: string, hash: string];
/** A row of format 2's chain query, read in raw mode. */
type Format2Row = [seq: number, body: string, hash: string];

/** Which entries {@link AuditLog.query} returns; every field given must match. */
export interface EntryFilter {
  readonly region?: string;
  readonly kind?: string;
  readonly requestId?: string;
  /** A request entry's outcome (ok, error, rejected). */
  readonly outcome?: string;
}

function whereClause(filter: EntryFilter): { where: string; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  const match = (condition: string, value: string | undefined) => {
    if (value === undefined) return;
    conditions.push(condition);
    params.push(value);
  };
  match("e.region = ?", filter.region);
  match("e.kind = ?", filter.kind);
  match("e.request_id = ?", filter.requestId);
  match("json_extract(e.body, '$.outcome') = ?", filter.outcome);
  return { where: conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`, params };
}

const toEntry = (row: Row): StoredEntry => ({
  seq: row.seq,
  t: row.t,
  region: row.region,
  kind: row.kind,
  requestId: row.request_id,
  body: row.body,
  prevHash: row.prev_hash,
  hash: row.hash,
});

const chainHash = (prevHash: string, body: string): string => digest("sha256", `${prevHash}\n${body}`);

/**
 * Opens a file as an audit store, or throws an error naming the file and what is wrong with it. Only reads
 * (a missing file is created empty), so a file that turns out not to be ours is left as it was. Returns the
 * store's format, undefined while the audit schema is not there yet.
 */
function openStore(path: string, readonly: boolean, nativeBinding?: string): { db: Database.Database; format: StoreFormat | undefined } {
  if (readonly && path !== ":memory:" && !existsSync(path)) throw new Error(`audit store ${path} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(path, nativeBinding === undefined ? { readonly, fileMustExist: readonly } : { readonly, fileMustExist: readonly, nativeBinding });
  } catch (error) {
    throw new Error(`audit store ${path} cannot be opened: ${(error as Error).message}`);
  }
  try {
    return { db, format: checkSchema(db, path) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkSchema(db: Database.Database, path: string): StoreFormat | undefined {
  let tables: Set<string>;
  try {
    // better-sqlite3 opens any file lazily; the first read is what finds out it is not a database.
    tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") throw new Error(`audit store ${path} is not a SQLite database, or is corrupt (${(error as Error).message})`);
    throw new Error(`audit store ${path} cannot be read: ${(error as Error).message}`);
  }
  if (tables.size === 0) return undefined;
  const notOurs = (what: string) => new Error(`audit store ${path} is a SQLite database without the audit log schema: ${what}`);
  if (!tables.has("entries") || !tables.has("meta")) throw notOurs(`it has tables ${[...tables].join(", ")}, not entries and meta`);
  const version = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'format'").get();
  if (!version) throw notOurs("meta has no format");
  const format = /^[1-9]\d*$/.test(version.value) ? FORMATS[Number(version.value)] : undefined;
  if (!format) throw new Error(`audit store ${path} has format ${version.value}; this build reads formats ${Object.keys(FORMATS).join(" and ")}`);
  const problem = format.schemaProblem(db);
  if (problem) throw new Error(`audit store ${path} (format ${format.version}) is not an intact audit store: ${problem}`);
  return format;
}

/**
 * An append-only, hash-chained log in one SQLite store. One writer per store: two `AuditLog`s appending to
 * the same file would both extend the same head.
 */
export class AuditLog {
  private readonly pending: Row[] = [];
  private readonly writeBatch: (rows: readonly Row[]) => void;
  private readonly selectPage: Database.Statement<[number, number], Row>;
  private readonly selectByRequestId: Database.Statement<[string], Row>;
  private readonly selectRegionCounts: Database.Statement<[], { region: string; n: number }>;
  private readonly selectByTime: Database.Statement<[], Row>;
  private readonly selectHead: Database.Statement<[], { seq: number; hash: string }>;
  private headSeq: number;
  private headHash: string;

  private constructor(
    private readonly db: Database.Database,
    private readonly format: StoreFormat,
    private readonly path: string,
    private readonly batchSize: number,
    /** A view reads a store another connection writes: it never appends, and reads its head from the store. */
    private readonly isView: boolean,
  ) {
    const insert = db.prepare(format.insert);
    this.writeBatch = db.transaction((rows: readonly Row[]) => {
      for (const r of rows) format.write(insert, r);
    });
    this.selectPage = db.prepare(`${format.select} WHERE e.seq >= ? ORDER BY e.seq LIMIT ?`);
    this.selectByRequestId = db.prepare(`${format.select} WHERE e.request_id = ? ORDER BY e.seq`);
    this.selectRegionCounts = db.prepare("SELECT region, COUNT(*) AS n FROM entries GROUP BY region ORDER BY region");
    this.selectByTime = db.prepare(`${format.select} ORDER BY e.t, e.region, e.seq`);
    this.selectHead = db.prepare(format.head);
    const last = this.selectHead.get();
    this.headSeq = last?.seq ?? 0;
    this.headHash = last?.hash ?? GENESIS_HASH;
  }

  /**
   * Opens a store, creating it (and its file) when missing, or continues the chain of an existing one in
   * the store's own format. `path` may be ":memory:". `batchSize` (default 1000) is how many appends are
   * queued before they are written in one transaction. `format` is the one a new store is created in
   * (default 2, see engine/audit/storeFormat.ts); format 1 is what builds before format 2 read.
   * `nativeBinding` is the path of a better-sqlite3 addon built for another ABI (Electron's). Throws,
   * naming the path, for a file that is not an audit store.
   */
  static open(path: string, options: { batchSize?: number; format?: 1 | 2; nativeBinding?: string } = {}): AuditLog {
    return AuditLog.create(path, options, false);
  }

  /**
   * Opens a store that another connection — the audit writer thread's — appends to, for reading only.
   * Created like {@link open} when missing, so the writer finds the schema in place; `head` and every query
   * see what the writer has committed.
   */
  static openView(path: string, options: { nativeBinding?: string } = {}): AuditLog {
    return AuditLog.create(path, options, true);
  }

  private static create(path: string, options: { batchSize?: number; format?: 1 | 2; nativeBinding?: string }, isView: boolean): AuditLog {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`audit batchSize must be a positive integer, got ${batchSize}`);
    const opened = openStore(path, false, options.nativeBinding);
    const { db } = opened;
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      let format = opened.format;
      if (!format) {
        const created = options.format === undefined ? CURRENT_FORMAT : FORMATS[options.format]!;
        db.transaction(() => {
          db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
          for (const sql of created.schema) db.exec(sql);
          db.prepare("INSERT INTO meta (key, value) VALUES ('format', ?)").run(String(created.version));
        })();
        format = created;
      }
      return new AuditLog(db, format, path, batchSize, isView);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * Hashes the record into the chain now and queues it for the next batched write. Returns the new entry's
   * seq (the previous head's + 1) and hash. Throws, leaving the head unchanged, if the record has no
   * canonical JSON form.
   */
  append(record: AuditRecord): { seq: number; hash: string } {
    if (this.isView) throw new Error("cannot append to a read-only view of an audit store");
    const seq = this.headSeq + 1;
    const body = canonicalJson({ ...record, seq });
    const hash = chainHash(this.headHash, body);
    this.pending.push({
      seq,
      t: record.t,
      region: record.region,
      kind: record.kind,
      request_id: record.requestId ?? null,
      body,
      prev_hash: this.headHash,
      hash,
    });
    this.headSeq = seq;
    this.headHash = hash;
    if (this.pending.length >= this.batchSize) this.flush();
    return { seq, hash };
  }

  /** Writes every pending entry in one transaction. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.writeBatch(this.pending);
    this.pending.length = 0;
  }

  /** The latest entry, written or still pending; `{ seq: 0, hash: GENESIS_HASH }` when the log is empty. */
  get head(): { seq: number; hash: string } {
    if (this.isView) {
      const last = this.selectHead.get();
      return { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
    }
    return { seq: this.headSeq, hash: this.headHash };
  }

  /**
   * Entries in seq order, from `fromSeq` (default 1), at most `limit` (default all). Flushes when called.
   * Reads page by page, so appending while iterating is allowed.
   */
  entries(options: { fromSeq?: number; limit?: number } = {}): IterableIterator<StoredEntry> {
    this.flush();
    return this.pages(options.fromSeq ?? 1, options.limit ?? Number.POSITIVE_INFINITY);
  }

  private *pages(fromSeq: number, limit: number): IterableIterator<StoredEntry> {
    let next = fromSeq;
    let left = limit;
    while (left > 0) {
      const size = Math.min(PAGE_SIZE, left);
      const rows = this.selectPage.all(next, size);
      for (const row of rows) yield toEntry(row);
      const last = rows.at(-1);
      if (!last || rows.length < size) return;
      next = last.seq + 1;
      left -= rows.length;
    }
  }

  /**
   * Every entry ordered by event time, ties by region then seq: in a canonical log fed by buffers, seq
   * order is arrival order, and a buffered entry arrives late. Flushes first. The store's connection is
   * busy until the iteration ends, so finish it (or break out of it) before appending again.
   */
  *byTime(): IterableIterator<StoredEntry> {
    this.flush();
    for (const row of this.selectByTime.iterate()) yield toEntry(row);
  }

  /** Every entry about one request, whichever region wrote it, in seq order. Flushes first. */
  findByRequestId(requestId: string): StoredEntry[] {
    this.flush();
    return this.selectByRequestId.all(requestId).map(toEntry);
  }

  /**
   * A page of the entries that match `filter`, in seq order, and how many match in all: what the app's
   * audit inspector shows of a log too large to hold. Flushes first.
   */
  query(filter: EntryFilter, offset: number, limit: number): { total: number; entries: StoredEntry[] } {
    this.flush();
    const { where, params } = whereClause(filter);
    // Unfiltered, the entry at position i is seq i + 1 (seqs have no gaps): a key lookup, where OFFSET would
    // walk every row before the page — the difference between the top and the middle of 100k entries.
    if (params.length === 0) return { total: this.head.seq, entries: this.selectPage.all(offset + 1, limit).map(toEntry) };
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM entries e${where}`).get(...params) as { n: number }).n;
    const rows = this.db.prepare(`${this.format.select}${where} ORDER BY e.seq LIMIT ? OFFSET ?`).all(...params, limit, offset) as Row[];
    return { total, entries: rows.map(toEntry) };
  }

  /** The entry with this seq, if there is one. Flushes first. */
  entry(seq: number): StoredEntry | undefined {
    this.flush();
    const [row] = this.selectPage.all(seq, 1);
    return row?.seq === seq ? toEntry(row) : undefined;
  }

  /** Number of entries per region, keys in sorted order. Flushes first. */
  countByRegion(): Record<string, number> {
    this.flush();
    return Object.fromEntries(this.selectRegionCounts.all().map((r) => [r.region, r.n]));
  }

  /**
   * Recomputes this store's chain as {@link verifyChain} does, on this connection: what is committed, after
   * flushing what is pending.
   */
  verify(expectedHead?: { seq: number; hash: string }): ChainVerdict {
    this.flush();
    const verifier = new ChainVerifier();
    verifyRows(this.db, this.format, this.path, verifier);
    return verifier.verdict(expectedHead);
  }

  /** Flushes and closes the store; closing twice is harmless. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.flush();
    } finally {
      this.db.close();
    }
  }
}

/**
 * Recomputes the chain from the stored rows and names the first bad entry. A string `source` is a store
 * path, opened read-only (entries an open writer has not flushed yet are not seen). Deleting the tail
 * leaves a valid shorter chain, and so does rewriting and re-hashing every entry from some seq on; pass the
 * head recorded elsewhere (a report, a checkpoint) as `expectedHead` to catch those too: the chain must
 * then end exactly there.
 */
export function verifyChain(source: AuditLog | string, expectedHead?: { seq: number; hash: string }): ChainVerdict {
  if (typeof source !== "string") return source.verify(expectedHead);
  const verifier = new ChainVerifier();
  const { db, format } = openStore(source, true);
  try {
    if (!format) throw new Error(`audit store ${source} is an empty SQLite database, not an audit log`);
    verifyRows(db, format, source, verifier);
  } finally {
    db.close();
  }
  return verifier.verdict(expectedHead);
}

/**
 * The chain rule applied one entry at a time, so a live view can verify only what was appended since it
 * last looked. Feed entries in seq order from seq 1; after the first bad one, `add` returns false and the
 * verdict stays bad.
 */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private expectedSeq = 1;
  private count = 0;
  private firstBad: { seq: number; reason: string } | undefined;

  /** The seq the next entry must have. */
  get nextSeq(): number {
    return this.expectedSeq;
  }

  /** Checks a whole entry: its seq, its previous-hash link, its hash, and its columns against its body. */
  add(entry: StoredEntry): boolean {
    if (this.firstBad) return false;
    this.count++;
    const problem = this.problemOf(entry);
    if (problem) {
      this.firstBad = problem;
      return false;
    }
    this.prevHash = entry.hash;
    this.expectedSeq++;
    return true;
  }

  /**
   * Checks an entry of a format-2 store, where the seq and the hash are all there is outside the hashed
   * body: no stored previous hash to compare (the one before is the link), no column copied from the body.
   */
  addLink(seq: number, body: string, hash: string): boolean {
    if (this.firstBad) return false;
    this.count++;
    if (seq !== this.expectedSeq) {
      this.firstBad = { seq: this.expectedSeq, reason: `sequence gap: expected ${this.expectedSeq}, found ${seq}` };
      return false;
    }
    // A forger's BLOB would come as a Buffer, whose bytes hash like the text it stands for.
    if (typeof body !== "string") {
      this.firstBad = { seq, reason: "body is not text" };
      return false;
    }
    const computed = chainHash(this.prevHash, body);
    if (computed !== hash) {
      this.firstBad = { seq, reason: "hash mismatch: hash is not SHA-256 of the previous entry's hash and body" };
      return false;
    }
    this.prevHash = computed;
    this.expectedSeq++;
    return true;
  }

  private problemOf(entry: StoredEntry): { seq: number; reason: string } | undefined {
    if (entry.seq !== this.expectedSeq) return { seq: this.expectedSeq, reason: `sequence gap: expected ${this.expectedSeq}, found ${entry.seq}` };
    if (entry.prevHash !== this.prevHash) return { seq: entry.seq, reason: `previous-hash link broken: prev_hash is not the hash of seq ${entry.seq - 1}` };
    if (chainHash(this.prevHash, entry.body) !== entry.hash) return { seq: entry.seq, reason: "hash mismatch: hash is not SHA-256 of prev_hash and body" };
    const body = bodyProblem(entry);
    return body === undefined ? undefined : { seq: entry.seq, reason: body };
  }

  verdict(expectedHead?: { seq: number; hash: string }): ChainVerdict {
    const count = this.count;
    if (this.firstBad) return { ok: false, count, firstBad: this.firstBad };
    const lastSeq = this.expectedSeq - 1;
    if (expectedHead && lastSeq !== expectedHead.seq)
      return { ok: false, count, firstBad: { seq: Math.min(lastSeq, expectedHead.seq) + 1, reason: `chain ends at seq ${lastSeq} but the expected head is seq ${expectedHead.seq}` } };
    if (expectedHead && this.prevHash !== expectedHead.hash) return { ok: false, count, firstBad: { seq: lastSeq, reason: "head hash differs from the expected head" } };
    return { ok: true, count, head: this.prevHash };
  }
}

/**
 * Feeds every stored entry to `verifier`, until one is bad. Rows come as plain arrays, and format 1's are
 * copied into one reused entry, because building a row object and then an entry for every row cost as much
 * as checking it. A read error (a corrupt page) is thrown naming the store and its format.
 */
function verifyRows(db: Database.Database, format: StoreFormat, path: string, verifier: ChainVerifier): void {
  try {
    if (format.version === 2) {
      for (const row of db.prepare<[], Format2Row>(format.chain).raw(true).iterate()) if (!verifier.addLink(row[0], row[1], row[2])) break;
      return;
    }
    const entry: StoredEntry = { seq: 0, t: 0, region: "", kind: "", requestId: null, body: "", prevHash: "", hash: "" };
    for (const row of db.prepare<[], Format1Row>(format.chain).raw(true).iterate()) {
      entry.seq = row[0];
      entry.t = row[1];
      entry.region = row[2];
      entry.kind = row[3];
      entry.requestId = row[4];
      entry.body = row[5];
      entry.prevHash = row[6];
      entry.hash = row[7];
      if (!verifier.add(entry)) break;
    }
  } catch (error) {
    throw new Error(`audit store ${path} (format ${format.version}) cannot be read: ${(error as Error).message}`);
  }
}
