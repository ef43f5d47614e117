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
 * re-canonicalising; the indexed columns (seq, t, region, kind, request_id) are copies for querying,
 * checked against the body.
 *
 * Appends are hashed at once (the head advances in memory) and written in batched transactions, because a
 * commit per row is what limits throughput: measured on a 2-core dev machine with drill-sized records,
 * about 7k appends/s committing each row against 20–35k/s in batches of 1,000, where canonicalisation
 * then dominates. (With synchronous=FULL instead of NORMAL each commit would also fsync.)
 *
 * Schema (format 1): `meta(key, value)` holding `format` = "1"; `entries(seq, t, region, kind, request_id,
 * body, prev_hash, hash)` with an index on request_id. Later formats add tables beside these.
 */
import { hash as digest } from "node:crypto";
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { bodyProblem } from "./bodyProblem";
import { canonicalJson } from "./canonical";

/** The `prevHash` of entry 1, and the head hash of an empty log. */
export const GENESIS_HASH = "0".repeat(64);
const FORMAT = 1;
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

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
  seq INTEGER PRIMARY KEY,
  t REAL NOT NULL,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX entries_request_id ON entries (request_id) WHERE request_id IS NOT NULL;
`;
const ENTRY_COLUMNS = ["seq", "t", "region", "kind", "request_id", "body", "prev_hash", "hash"] as const;

/** A row of `entries` read in raw mode: its columns in table order. */
type RawRow = [seq: number, t: number, region: string, kind: string, requestId: string | null, body: string, prevHash: string, hash: string];

interface Row {
  seq: number;
  t: number;
  region: string;
  kind: string;
  request_id: string | null;
  body: string;
  prev_hash: string;
  hash: string;
}

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
  match("region = ?", filter.region);
  match("kind = ?", filter.kind);
  match("request_id = ?", filter.requestId);
  match("json_extract(body, '$.outcome') = ?", filter.outcome);
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
 * (a missing file is created empty), so a file that turns out not to be ours is left as it was. Returns
 * whether the audit schema is already there.
 */
function openStore(path: string, readonly: boolean, nativeBinding?: string): { db: Database.Database; hasSchema: boolean } {
  if (readonly && path !== ":memory:" && !existsSync(path)) throw new Error(`audit store ${path} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(path, nativeBinding === undefined ? { readonly, fileMustExist: readonly } : { readonly, fileMustExist: readonly, nativeBinding });
  } catch (error) {
    throw new Error(`audit store ${path} cannot be opened: ${(error as Error).message}`);
  }
  try {
    return { db, hasSchema: checkSchema(db, path) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkSchema(db: Database.Database, path: string): boolean {
  let tables: Set<string>;
  try {
    // better-sqlite3 opens any file lazily; the first read is what finds out it is not a database.
    tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") throw new Error(`audit store ${path} is not a SQLite database, or is corrupt (${(error as Error).message})`);
    throw new Error(`audit store ${path} cannot be read: ${(error as Error).message}`);
  }
  if (tables.size === 0) return false;
  const notOurs = (what: string) => new Error(`audit store ${path} is a SQLite database without the audit log schema: ${what}`);
  if (!tables.has("entries") || !tables.has("meta")) throw notOurs(`it has tables ${[...tables].join(", ")}, not entries and meta`);
  const columns = new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('entries')").all().map((c) => c.name));
  const missing = ENTRY_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0) throw notOurs(`table entries lacks column ${missing.join(", ")}`);
  const format = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'format'").get();
  if (!format) throw notOurs("meta has no format");
  if (format.value !== String(FORMAT)) throw new Error(`audit store ${path} has format ${format.value}; this build reads format ${FORMAT}`);
  return true;
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
    private readonly batchSize: number,
    /** A view reads a store another connection writes: it never appends, and reads its head from the store. */
    private readonly isView: boolean,
  ) {
    const insert = db.prepare<[number, number, string, string, string | null, string, string, string]>(
      "INSERT INTO entries (seq, t, region, kind, request_id, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.writeBatch = db.transaction((rows: readonly Row[]) => {
      // Positional parameters: binding by name costs more, and this runs for every entry.
      for (const r of rows) insert.run(r.seq, r.t, r.region, r.kind, r.request_id, r.body, r.prev_hash, r.hash);
    });
    this.selectPage = db.prepare("SELECT * FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?");
    this.selectByRequestId = db.prepare("SELECT * FROM entries WHERE request_id = ? ORDER BY seq");
    this.selectRegionCounts = db.prepare("SELECT region, COUNT(*) AS n FROM entries GROUP BY region ORDER BY region");
    this.selectByTime = db.prepare("SELECT * FROM entries ORDER BY t, region, seq");
    this.selectHead = db.prepare("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1");
    const last = this.selectHead.get();
    this.headSeq = last?.seq ?? 0;
    this.headHash = last?.hash ?? GENESIS_HASH;
  }

  /**
   * Opens a store, creating it (and its file) when missing, or continues the chain of an existing one.
   * `path` may be ":memory:". `batchSize` (default 1000) is how many appends are queued before they are
   * written in one transaction. `nativeBinding` is the path of a better-sqlite3 addon built for another
   * ABI (Electron's). Throws, naming the path, for a file that is not an audit store.
   */
  static open(path: string, options: { batchSize?: number; nativeBinding?: string } = {}): AuditLog {
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

  private static create(path: string, options: { batchSize?: number; nativeBinding?: string }, isView: boolean): AuditLog {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`audit batchSize must be a positive integer, got ${batchSize}`);
    const { db, hasSchema } = openStore(path, false, options.nativeBinding);
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      if (!hasSchema) {
        db.transaction(() => {
          db.exec(SCHEMA);
          db.prepare("INSERT INTO meta (key, value) VALUES ('format', ?)").run(String(FORMAT));
        })();
      }
      return new AuditLog(db, batchSize, isView);
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
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM entries${where}`).get(...params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM entries${where} ORDER BY seq LIMIT ? OFFSET ?`).all(...params, limit, offset) as Row[];
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
  const verifier = new ChainVerifier();
  if (typeof source === "string") verifyStore(source, verifier);
  else for (const entry of source.entries()) if (!verifier.add(entry)) break;
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
 * Feeds every stored entry of the store at `path` to `verifier`, until one is bad. Rows come as plain arrays
 * and are copied into one reused entry, because building a row object and then an entry for every row cost
 * as much as checking it.
 */
function verifyStore(path: string, verifier: ChainVerifier): void {
  const { db, hasSchema } = openStore(path, true);
  try {
    if (!hasSchema) throw new Error(`audit store ${path} is an empty SQLite database, not an audit log`);
    const rows = db.prepare<[], RawRow>("SELECT seq, t, region, kind, request_id, body, prev_hash, hash FROM entries ORDER BY seq").raw(true);
    const entry: StoredEntry = { seq: 0, t: 0, region: "", kind: "", requestId: null, body: "", prevHash: "", hash: "" };
    for (const row of rows.iterate()) {
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
  } finally {
    db.close();
  }
}
