/**
 * How an audit store lays out its entries on disk, per format. The chain rule is the same in every format
 * (engine/audit/AuditLog.ts); only what is stored beside the hashed body differs.
 *
 * Format 1: `entries(seq, t, region, kind, request_id, body, prev_hash, hash)`, hashes as 64 hex digits.
 * t, region, kind and request_id are copies of body fields for querying, and prev_hash repeats the hash of
 * the entry before, so a verifier must check every one of them against the body and the chain.
 *
 * Format 2: `entries(seq, body, hash)`, the hash as 32 bytes. The chain already implies each entry's previous
 * hash (that of seq − 1), and t, region, kind and request_id are virtual generated columns, computed from
 * the body whenever they are read (request_id also in its index), so nothing outside the hash can disagree
 * with it and a verifier reads three columns per entry where format 1 needs eight. What a file's owner can
 * still change outside the hash is the table's definition, so opening a format-2 store checks it is exactly
 * this one.
 *
 * Both formats keep `meta(key, value)` with `format` = "1" or "2". New stores are written in format 2.
 */
import type Database from "better-sqlite3";

/** The previous hash of seq 1, in every format. */
export const GENESIS_HASH = "0".repeat(64);

/** An entry as it is queued for its insert; hashes as hex in every format. */
export interface Row {
  seq: number;
  t: number;
  region: string;
  kind: string;
  request_id: string | null;
  body: string;
  /** Empty when the store holds no entry seq − 1 (a gap, in format 2, where it is read from that entry). */
  prev_hash: string;
  hash: string;
}

export interface StoreFormat {
  readonly version: 1 | 2;
  /** The entries table and its index. */
  readonly schema: readonly string[];
  readonly insert: string;
  /** Runs `insert` (prepared) for one row; positional, because binding by name costs more for every entry. */
  readonly write: (insert: Database.Statement, row: Row) => void;
  /** SELECT and FROM that read {@link Row}s, the entries table aliased `e`; a WHERE or ORDER BY may follow. */
  readonly select: string;
  /** The latest entry's seq and hex hash. */
  readonly head: string;
  /** What verification reads, in seq order; see `verifyRows` in AuditLog.ts for each format's columns. */
  readonly chain: string;
  /** Why the store's entries table is not this format's, if it is not. */
  readonly schemaProblem: (db: Database.Database) => string | undefined;
}

const FORMAT_1: StoreFormat = {
  version: 1,
  schema: [
    `CREATE TABLE entries (
  seq INTEGER PRIMARY KEY,
  t REAL NOT NULL,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
)`,
    "CREATE INDEX entries_request_id ON entries (request_id) WHERE request_id IS NOT NULL",
  ],
  insert: "INSERT INTO entries (seq, t, region, kind, request_id, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  write: (insert, r) => insert.run(r.seq, r.t, r.region, r.kind, r.request_id, r.body, r.prev_hash, r.hash),
  select: "SELECT e.seq, e.t, e.region, e.kind, e.request_id, e.body, e.prev_hash, e.hash FROM entries e",
  head: "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
  chain: "SELECT seq, t, region, kind, request_id, body, prev_hash, hash FROM entries ORDER BY seq",
  schemaProblem: (db) => {
    const columns = new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('entries')").all().map((c) => c.name));
    const missing = ["seq", "t", "region", "kind", "request_id", "body", "prev_hash", "hash"].filter((c) => !columns.has(c));
    return missing.length === 0 ? undefined : `table entries lacks column ${missing.join(", ")}`;
  },
};

const FORMAT_2_SCHEMA = [
  `CREATE TABLE entries (
  seq INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  hash BLOB NOT NULL,
  t REAL NOT NULL GENERATED ALWAYS AS (json_extract(body, '$.t')) VIRTUAL,
  region TEXT NOT NULL GENERATED ALWAYS AS (json_extract(body, '$.region')) VIRTUAL,
  kind TEXT NOT NULL GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL,
  request_id TEXT GENERATED ALWAYS AS (json_extract(body, '$.requestId')) VIRTUAL
)`,
  "CREATE INDEX entries_request_id ON entries (request_id) WHERE request_id IS NOT NULL",
];

const FORMAT_2: StoreFormat = {
  version: 2,
  schema: FORMAT_2_SCHEMA,
  insert: "INSERT INTO entries (seq, body, hash) VALUES (?, ?, ?)",
  write: (insert, r) => insert.run(r.seq, r.body, Buffer.from(r.hash, "hex")),
  // The previous hash is the one of the entry before: a key lookup per entry read.
  select: `SELECT e.seq, e.t, e.region, e.kind, e.request_id, e.body,
  CASE WHEN e.seq = 1 THEN '${GENESIS_HASH}' ELSE coalesce(lower(hex(p.hash)), '') END AS prev_hash, lower(hex(e.hash)) AS hash
FROM entries e LEFT JOIN entries p ON p.seq = e.seq - 1`,
  head: "SELECT seq, lower(hex(hash)) AS hash FROM entries ORDER BY seq DESC LIMIT 1",
  // Hex made by SQLite: a 64-character string costs less to hand to JavaScript than a 32-byte Buffer.
  chain: "SELECT seq, body, lower(hex(hash)) FROM entries ORDER BY seq",
  schemaProblem: (db) => {
    const stored = new Map(db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'entries' AND sql IS NOT NULL").all().map((r) => [r.name, r.sql]));
    const expected = new Map(FORMAT_2_SCHEMA.map((sql) => [/^CREATE (?:TABLE|INDEX) (\w+)/.exec(sql)![1]!, sql]));
    const changed = [...new Set([...stored.keys(), ...expected.keys()])].filter((name) => stored.get(name) !== expected.get(name));
    return changed.length === 0 ? undefined : `the definition of ${changed.join(" and ")} is not format 2's, so what it reads may not be what was hashed`;
  },
};

export const FORMATS: Readonly<Record<number, StoreFormat>> = { 1: FORMAT_1, 2: FORMAT_2 };
/** The format new stores are created in. */
export const CURRENT_FORMAT: StoreFormat = FORMAT_2;
