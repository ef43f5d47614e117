/**
 * The hash-chained audit log: one SQLite store (WAL) of entries, each of whose hash covers its canonical
 * JSON body and the previous entry's hash.
 *
 * Chain rule: `body = canonicalJson({ ...record, seq })` — so seq, t, region, kind and requestId are all
 * inside the hashed bytes (Sigstore Rekor's lesson: a field outside the hash can change undetected) — and
 * `hash = SHA-256(prevHash + "\n" + body)` in lower-case hex, with {@link GENESIS_HASH} before the first
 * entry. The body is stored as hashed, so verification recomputes hashes without re-canonicalising; the
 * indexed columns are checked against the body.
 *
 * Appends are hashed at once (the head advances in memory) and written in batched transactions: one
 * fsynced commit per row manages only ~3k rows/s here, batches of 1,000 ~70k rows/s.
 */
import { hash as digest } from "node:crypto";
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { canonicalJson } from "./canonical";

export const GENESIS_HASH = "0".repeat(64);
export const AUDIT_FORMAT = 1;

/** What the engine hands in. `t` is virtual ms since run start; `region` the region the entry belongs to. */
export interface AuditRecord {
  kind: "request" | "transition" | "fault" | "run";
  t: number;
  region: string;
  requestId?: string;
  [field: string]: unknown;
}

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

export type ChainVerdict =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; firstBad: { seq: number; reason: string } };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY,
  t REAL NOT NULL,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_request_id ON entries (request_id) WHERE request_id IS NOT NULL;
`;

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

export const chainHash = (prevHash: string, body: string): string => digest("sha256", `${prevHash}\n${body}`);

/** Opens a database file as an audit store, or explains in terms of the file why it cannot. */
function openStore(path: string, readonly: boolean): Database.Database {
  if (readonly && path !== ":memory:" && !existsSync(path)) throw new Error(`audit store ${path} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
    db.pragma("schema_version");
  } catch (error) {
    throw new Error(`audit store ${path} cannot be opened as a SQLite database: ${(error as Error).message}`);
  }
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
  if (tables.size > 0 && !(tables.has("entries") && tables.has("meta"))) {
    db.close();
    throw new Error(`audit store ${path} is a SQLite database without the audit schema (tables: ${[...tables].join(", ")})`);
  }
  if (tables.has("meta")) {
    const format = db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as { value: string } | undefined;
    if (format && Number(format.value) !== AUDIT_FORMAT) {
      db.close();
      throw new Error(`audit store ${path} has format ${format.value}; this build reads format ${AUDIT_FORMAT}`);
    }
  }
  return db;
}

export class AuditLog {
  private readonly pending: Row[] = [];
  private readonly insertBatch: (rows: Row[]) => void;
  private headSeq: number;
  private headHash: string;

  private constructor(
    private readonly db: Database.Database,
    private readonly batchSize: number,
  ) {
    const insert = db.prepare(
      "INSERT INTO entries (seq, t, region, kind, request_id, body, prev_hash, hash) VALUES (@seq, @t, @region, @kind, @request_id, @body, @prev_hash, @hash)",
    );
    this.insertBatch = db.transaction((rows: Row[]) => {
      for (const row of rows) insert.run(row);
    });
    const last = db.prepare("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string } | undefined;
    this.headSeq = last?.seq ?? 0;
    this.headHash = last?.hash ?? GENESIS_HASH;
  }

  /** Opens (or creates) a store; an existing chain is continued. `path` may be ":memory:". */
  static open(path: string, options: { batchSize?: number } = {}): AuditLog {
    const db = openStore(path, false);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(SCHEMA);
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)").run(String(AUDIT_FORMAT));
    return new AuditLog(db, options.batchSize ?? 1000);
  }

  /** Hashes the record into the chain now and queues it for the next batched write. */
  append(record: AuditRecord): { seq: number; hash: string } {
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
    this.insertBatch(this.pending);
    this.pending.length = 0;
  }

  /** The latest entry, written or not; `{ seq: 0, hash: GENESIS_HASH }` when empty. */
  get head(): { seq: number; hash: string } {
    return { seq: this.headSeq, hash: this.headHash };
  }

  /** Entries in seq order (flushes first). */
  *entries(options: { fromSeq?: number; limit?: number } = {}): IterableIterator<StoredEntry> {
    this.flush();
    const rows = this.db
      .prepare("SELECT * FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?")
      .iterate(options.fromSeq ?? 1, options.limit ?? -1) as IterableIterator<Row>;
    for (const row of rows) yield toEntry(row);
  }

  /** Every entry about one request, whichever region wrote it. */
  findByRequestId(requestId: string): StoredEntry[] {
    this.flush();
    return (this.db.prepare("SELECT * FROM entries WHERE request_id = ? ORDER BY seq").all(requestId) as Row[]).map(toEntry);
  }

  countByRegion(): Record<string, number> {
    this.flush();
    const rows = this.db.prepare("SELECT region, COUNT(*) AS n FROM entries GROUP BY region ORDER BY region").all() as { region: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.region, r.n]));
  }

  close(): void {
    if (!this.db.open) return;
    this.flush();
    this.db.close();
  }
}

/**
 * Recomputes the chain and names the first bad entry. Truncating the tail leaves a valid shorter chain;
 * pass the head recorded elsewhere (a report, a checkpoint) as `expectedHead` to catch that too.
 */
export function verifyChain(source: AuditLog | string, expectedHead?: { seq: number; hash: string }): ChainVerdict {
  const entries: Iterable<StoredEntry> =
    typeof source === "string" ? readAll(source) : source.entries();
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const bad = (seq: number, reason: string): ChainVerdict => ({ ok: false, count, firstBad: { seq, reason } });
  for (const entry of entries) {
    count++;
    if (entry.seq !== expectedSeq) return bad(entry.seq, `sequence gap: expected ${expectedSeq}, found ${entry.seq}`);
    if (entry.prevHash !== prevHash) return bad(entry.seq, "previous-hash link broken");
    if (chainHash(prevHash, entry.body) !== entry.hash) return bad(entry.seq, "hash mismatch: the body or hash was changed");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(entry.body) as Record<string, unknown>;
    } catch {
      return bad(entry.seq, "body is not JSON");
    }
    if (canonicalJson(body) !== entry.body) return bad(entry.seq, "body is not canonical JSON");
    for (const [column, value] of [
      ["seq", entry.seq],
      ["t", entry.t],
      ["region", entry.region],
      ["kind", entry.kind],
      ["requestId", entry.requestId],
    ] as const) {
      if ((body[column] ?? null) !== value) return bad(entry.seq, `column ${column} disagrees with the hashed body`);
    }
    prevHash = entry.hash;
    expectedSeq++;
  }
  if (expectedHead) {
    const lastSeq = expectedSeq - 1;
    if (lastSeq !== expectedHead.seq) return bad(lastSeq + 1, `chain ends at seq ${lastSeq} but the expected head is seq ${expectedHead.seq}`);
    if (prevHash !== expectedHead.hash) return bad(lastSeq, "head hash differs from the expected head");
  }
  return { ok: true, count, head: prevHash };
}

function* readAll(path: string): IterableIterator<StoredEntry> {
  const db = openStore(path, true);
  try {
    for (const row of db.prepare("SELECT * FROM entries ORDER BY seq").iterate() as IterableIterator<Row>) yield toEntry(row);
  } finally {
    db.close();
  }
}
