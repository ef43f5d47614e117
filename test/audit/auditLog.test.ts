import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { AuditLog, GENESIS_HASH, verifyChain, type AuditRecord } from "../../engine/audit/AuditLog";
import { canonicalJson } from "../../engine/audit/canonical";

const REGIONS = ["eu-west", "us-east", "ap-south"];

/** Entry i of a test log: requests with an id, every fourth a circuit transition without one. */
function record(i: number): AuditRecord {
  const region = REGIONS[i % REGIONS.length]!;
  if (i % 4 === 0) return { kind: "transition", t: i * 250, region, machine: "circuit", subject: `${region}/gpt-4o-mini`, from: "closed", to: "open" };
  return { kind: "request", t: i * 250, region, requestId: `req-${i}`, model: "gpt-4o-mini", status: 200, latencyMs: 100 + i };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const dir = mkdtempSync(join(tmpdir(), "failover-lab-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const freshPath = () => join(dir, `log-${++fileNo}.db`);

const open: AuditLog[] = [];
afterEach(() => {
  for (const log of open.splice(0)) log.close();
});
function openLog(path: string, options?: { batchSize?: number; format?: 1 | 2 }): AuditLog {
  const log = AuditLog.open(path, options);
  open.push(log);
  return log;
}

/** A closed store file holding entries 1 to `entries` of the test log. */
function storeWith(entries: number, options?: { format?: 1 | 2 }): string {
  const path = freshPath();
  const log = AuditLog.open(path, options);
  for (let i = 1; i <= entries; i++) log.append(record(i));
  log.close();
  return path;
}

/** Rows committed to the file, as another process would see them. */
function committedRows(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) FROM entries").pluck().get() as number;
  } finally {
    db.close();
  }
}

describe("AuditLog chain", () => {
  it("starts at the genesis head and numbers entries 1, 2, 3… with each linked to the one before", () => {
    const log = openLog(":memory:");
    expect(log.head).toEqual({ seq: 0, hash: GENESIS_HASH });
    const returned = Array.from({ length: 50 }, (_, i) => log.append(record(i + 1)));
    expect(returned.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(log.head).toEqual(returned.at(-1));
    const stored = [...log.entries()];
    expect(stored.map((e) => e.seq)).toEqual(returned.map((r) => r.seq));
    expect(stored.map((e) => e.hash)).toEqual(returned.map((r) => r.hash));
    expect(stored.map((e) => e.prevHash)).toEqual([GENESIS_HASH, ...returned.slice(0, -1).map((r) => r.hash)]);
  });

  it("stores as body exactly the canonical JSON of the record plus seq, and hashes prevHash, a newline and the body", () => {
    const log = openLog(":memory:");
    log.append(record(1));
    const rec: AuditRecord = { region: "eu-west", t: 1500.5, kind: "request", requestId: "r-2", status: 200, model: "m", skipped: undefined };
    const { hash } = log.append(rec);
    const [, entry] = [...log.entries()];
    expect(entry!.body).toBe(canonicalJson({ ...rec, seq: 2 }));
    expect(entry!.body).toBe('{"kind":"request","model":"m","region":"eu-west","requestId":"r-2","seq":2,"status":200,"t":1500.5}');
    expect(hash).toBe(sha256(`${entry!.prevHash}\n${entry!.body}`));
    expect(entry).toMatchObject({ seq: 2, t: 1500.5, region: "eu-west", kind: "request", requestId: "r-2" });
  });

  it("lets the seq it assigns win over a seq field in the record", () => {
    const log = openLog(":memory:");
    log.append({ ...record(1), seq: 99 });
    expect(JSON.parse([...log.entries()][0]!.body)).toMatchObject({ seq: 1 });
  });

  it("refuses a record without a canonical form and leaves the head where it was", () => {
    const log = openLog(":memory:");
    const before = log.append(record(1));
    expect(() => log.append({ ...record(2), t: Number.NaN })).toThrow(/cannot canonicalise/);
    expect(() => log.append({ ...record(2), callback: () => 1 })).toThrow(/cannot canonicalise.*function/);
    expect(log.head).toEqual(before);
    expect(log.append(record(2)).seq).toBe(2);
    expect(verifyChain(log)).toMatchObject({ ok: true, count: 2 });
  });

  it("gives the same head hash for the same records, whatever their key order, and another for different ones", () => {
    const [a, b, c] = [openLog(":memory:"), openLog(":memory:"), openLog(":memory:")];
    for (let i = 1; i <= 100; i++) {
      a.append(record(i));
      b.append(Object.fromEntries(Object.entries(record(i)).reverse()) as AuditRecord);
      c.append(i === 60 ? { ...record(i), t: record(i).t + 1 } : record(i));
    }
    expect(b.head).toEqual(a.head);
    expect(c.head.seq).toBe(a.head.seq);
    expect(c.head.hash).not.toBe(a.head.hash);
  });
});

describe("AuditLog batching", () => {
  it("advances the head at once but commits only every batchSize appends, or on flush", () => {
    const path = freshPath();
    const log = openLog(path, { batchSize: 10 });
    for (let i = 1; i <= 9; i++) log.append(record(i));
    expect(log.head.seq).toBe(9);
    expect(committedRows(path)).toBe(0);
    log.append(record(10));
    expect(committedRows(path)).toBe(10);
    for (let i = 11; i <= 13; i++) log.append(record(i));
    expect(log.head.seq).toBe(13);
    expect(committedRows(path)).toBe(10);
    log.flush();
    expect(committedRows(path)).toBe(13);
  });

  it("flushes before reading, so entries, lookups and counts include pending appends", () => {
    const path = freshPath();
    const log = openLog(path);
    for (let i = 1; i <= 5; i++) log.append(record(i));
    expect(committedRows(path)).toBe(0);
    expect([...log.entries()]).toHaveLength(5);
    expect(committedRows(path)).toBe(5);
    log.append(record(6));
    expect(log.findByRequestId("req-6")).toHaveLength(1);
    log.append(record(7));
    expect(Object.values(log.countByRegion()).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it("writes what is pending on close", () => {
    const path = freshPath();
    const log = AuditLog.open(path);
    for (let i = 1; i <= 3; i++) log.append(record(i));
    log.close();
    expect(committedRows(path)).toBe(3);
  });

  it("refuses a batch size that is not a positive integer", () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) expect(() => AuditLog.open(":memory:", { batchSize })).toThrow(RangeError);
  });
});

describe("AuditLog reading", () => {
  it("reads entries in seq order across pages, from a seq and up to a limit", () => {
    const log = openLog(":memory:");
    for (let i = 1; i <= 2500; i++) log.append(record(i));
    const all = [...log.entries()].map((e) => e.seq);
    expect(all).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    const window = [...log.entries({ fromSeq: 999, limit: 1003 })].map((e) => e.seq);
    expect(window).toEqual(Array.from({ length: 1003 }, (_, i) => i + 999));
    expect([...log.entries({ fromSeq: 2501 })]).toEqual([]);
  });

  it("allows appending while iterating", () => {
    const log = openLog(":memory:", { batchSize: 1 });
    for (let i = 1; i <= 5; i++) log.append(record(i));
    let read = 0;
    for (const entry of log.entries({ limit: 5 })) {
      read++;
      log.append(record(entry.seq + 5));
    }
    expect(read).toBe(5);
    expect(verifyChain(log)).toMatchObject({ ok: true, count: 10 });
  });

  it("finds every entry of a request, in seq order, through the request_id index", () => {
    const path = freshPath();
    const log = openLog(path);
    for (let i = 1; i <= 20; i++) log.append(record(i));
    log.append({ kind: "request", t: 6000, region: "us-east", requestId: "req-3", status: 503 });
    expect(log.findByRequestId("req-3").map((e) => [e.seq, e.region])).toEqual([
      [3, "eu-west"],
      [21, "us-east"],
    ]);
    expect(log.findByRequestId("req-4")).toEqual([]);
    expect(log.findByRequestId("missing")).toEqual([]);
    const db = new Database(path, { readonly: true });
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM entries WHERE request_id = ? ORDER BY seq").all("req-3") as { detail: string }[];
    db.close();
    expect(plan.map((p) => p.detail).join("; ")).toMatch(/USING INDEX entries_request_id/);
  });

  it("counts entries per region", () => {
    const log = openLog(":memory:");
    for (let i = 1; i <= 10; i++) log.append(record(i));
    // i % 3: 0 → eu-west (3, 6, 9), 1 → us-east (1, 4, 7, 10), 2 → ap-south (2, 5, 8)
    expect(log.countByRegion()).toEqual({ "ap-south": 3, "eu-west": 3, "us-east": 4 });
  });
});

describe("AuditLog formats", () => {
  /** The same records in a store of each format. */
  function pair(entries: number): [AuditLog, AuditLog] {
    const [one, two] = [openLog(freshPath(), { format: 1 }), openLog(freshPath(), { format: 2 })];
    for (let i = 1; i <= entries; i++) for (const log of [one, two]) log.append(record(i));
    return [one, two];
  }

  it("stores only seq, body and the hash as 32 bytes in format 2, and the format in meta", () => {
    const path = freshPath();
    const log = openLog(path);
    const { hash } = log.append(record(1));
    log.flush();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'format'").pluck().get()).toBe("2");
    expect(db.prepare("SELECT seq, body, hash FROM entries").get()).toEqual({ seq: 1, body: canonicalJson({ ...record(1), seq: 1 }), hash: Buffer.from(hash, "hex") });
    // hidden 2: a virtual generated column, computed when read, nothing of it stored in the row.
    const columns = db.prepare("SELECT name, hidden FROM pragma_table_xinfo('entries')").all() as { name: string; hidden: number }[];
    expect(columns.filter((c) => c.hidden === 0).map((c) => c.name)).toEqual(["seq", "body", "hash"]);
    expect(columns.filter((c) => c.hidden === 2).map((c) => c.name)).toEqual(["t", "region", "kind", "request_id"]);
    db.close();
  });

  it("reads the same entries from both formats, so exports and queries do not depend on it", () => {
    const [one, two] = pair(300);
    expect(two.head).toEqual(one.head);
    expect([...two.entries()]).toEqual([...one.entries()]);
    expect([...two.entries({ fromSeq: 150, limit: 20 })]).toEqual([...one.entries({ fromSeq: 150, limit: 20 })]);
    expect([...two.byTime()]).toEqual([...one.byTime()]);
    expect(two.findByRequestId("req-7")).toEqual(one.findByRequestId("req-7"));
    expect(two.countByRegion()).toEqual(one.countByRegion());
    for (const filter of [{}, { region: "us-east" }, { kind: "transition" }, { requestId: "req-9" }])
      expect(two.query(filter, 10, 25), JSON.stringify(filter)).toEqual(one.query(filter, 10, 25));
    expect(two.verify()).toEqual(one.verify());
  });

  it("continues a format-1 store in format 1, which still verifies", () => {
    const path = storeWith(5, { format: 1 });
    const second = openLog(path);
    for (let i = 6; i <= 8; i++) second.append(record(i));
    const head = second.head;
    second.close();
    expect(verifyChain(path, head)).toEqual({ ok: true, count: 8, head: head.hash });
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'format'").pluck().get()).toBe("1");
    expect(db.prepare("SELECT prev_hash FROM entries WHERE seq = 8").pluck().get()).toBe(db.prepare("SELECT hash FROM entries WHERE seq = 7").pluck().get());
    db.close();
  });

  it("names a format-2 body stored as a BLOB, though its bytes hash like the text", () => {
    const path = storeWith(3);
    const db = new Database(path);
    db.prepare("UPDATE entries SET body = CAST(body AS BLOB) WHERE seq = 2").run();
    db.close();
    expect(verifyChain(path)).toMatchObject({ ok: false, firstBad: { seq: 2, reason: "body is not text" } });
  });
});

describe("AuditLog files", () => {
  it("continues the chain of an existing file, which then verifies from the file", () => {
    const path = freshPath();
    const first = AuditLog.open(path);
    for (let i = 1; i <= 5; i++) first.append(record(i));
    const head = first.head;
    first.close();
    const second = openLog(path);
    expect(second.head).toEqual(head);
    expect(second.append(record(6)).seq).toBe(6);
    second.append(record(7));
    const headAfter = second.head;
    second.close();
    expect(verifyChain(path, headAfter)).toEqual({ ok: true, count: 7, head: headAfter.hash });
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'format'").pluck().get()).toBe("2");
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("verifies the same from the open log and from its file", () => {
    const path = freshPath();
    const log = openLog(path);
    for (let i = 1; i <= 30; i++) log.append(record(i));
    const live = verifyChain(log);
    log.close();
    expect(live).toEqual({ ok: true, count: 30, head: log.head.hash });
    expect(verifyChain(path)).toEqual(live);
  });

  it("refuses a file that is not a SQLite database, naming it, and leaves it as it was", () => {
    const path = freshPath();
    const garbage = Buffer.from("definitely not a database\n".repeat(200));
    writeFileSync(path, garbage);
    expect(() => AuditLog.open(path)).toThrow(path);
    expect(() => AuditLog.open(path)).toThrow(/is not a SQLite database/);
    expect(() => verifyChain(path)).toThrow(path);
    expect(readFileSync(path).equals(garbage)).toBe(true);
  });

  it("refuses a SQLite database of something else, naming it, and leaves its tables alone", () => {
    const path = freshPath();
    const other = new Database(path);
    other.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada');");
    other.close();
    expect(() => AuditLog.open(path)).toThrow(`audit store ${path} is a SQLite database without the audit log schema`);
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(["users"]);
    db.close();
  });

  it("refuses a store of another format", () => {
    const path = freshPath();
    AuditLog.open(path).close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '3' WHERE key = 'format'").run();
    db.close();
    expect(() => AuditLog.open(path)).toThrow(`audit store ${path} has format 3; this build reads formats 1 and 2`);
  });

  it("refuses a store whose pages are corrupt, naming it and its format", () => {
    const path = storeWith(2000);
    const db = new Database(path);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    const bytes = readFileSync(path);
    // Past the schema's pages: the entries' own b-tree pages.
    bytes.fill(0xa5, bytes.length / 2, bytes.length / 2 + 8192);
    writeFileSync(path, bytes);
    expect(() => verifyChain(path)).toThrow(new RegExp(`^audit store ${path} \\(format 2\\) cannot be read: .*malformed`));
  });

  it("verifying a missing file or an empty database says so instead of creating one", () => {
    const missing = join(dir, "missing.db");
    expect(() => verifyChain(missing)).toThrow(`audit store ${missing} does not exist`);
    expect(existsSync(missing)).toBe(false);
    const empty = freshPath();
    writeFileSync(empty, "");
    expect(() => verifyChain(empty)).toThrow(`audit store ${empty} is an empty SQLite database`);
  });
});
