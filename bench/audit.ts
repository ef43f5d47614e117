/**
 * The audit log's costs next to the floors under them, in one run (issue #4):
 *
 *  1. chained append (canonical JSON, SHA-256, batched insert) next to a bare SQLite insert of the same rows;
 *  2. chain verification next to SHA-256 over the same bytes, in memory and read from the same store, and
 *     the same records verified from a store of the older format 1;
 *  3. lookup by request id in a log of a million entries;
 *  4. a Merkle tree over those million entries: appends, roots, inclusion and consistency proofs.
 *
 * Rates alternate their sides round by round and report each side's median: the machine is a shared VM whose
 * speed drifts from one minute to the next, and alternating spreads the drift over both sides alike.
 */
import { hash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { build as buildHistogram, type Histogram } from "hdr-histogram-js";
import { median } from "simple-statistics";
import { AuditLog, GENESIS_HASH, leafHash, MerkleTree, seededRandom, verifyChain, verifyConsistency, verifyInclusion, type AuditRecord, type Random } from "../engine";

const gc = (globalThis as { gc?: () => void }).gc;

// 200,000 rows took the whole part past four minutes on the loaded 2-core VM; 100,000 still run seconds per round.
const APPEND_ROWS = 100_000;
const ROUNDS = 3;
const BIG_LOG = 1_000_000;
const BATCH = 1_000;

const ORIGINS = [
  { region: "eu-west", jurisdiction: "EU", backup: "eu-central" },
  { region: "eu-central", jurisdiction: "EU", backup: "eu-west" },
  { region: "us-east", jurisdiction: "US", backup: "eu-west" },
] as const;
const JURISDICTION: Record<string, string> = { "eu-west": "EU", "eu-central": "EU", "us-east": "US" };

type RequestAuditRecord = AuditRecord & { requestId: string };

/**
 * Request entries shaped like the engine's (`RequestRecord` of engine/events.ts, as the session records it,
 * less token usage), at 50 requests/s over three regions, one in ten failed over to a second region; times
 * in whole ms, as the virtual clock has them. About 650 bytes of canonical JSON each, seq included.
 */
function* requestRecords(count: number, random: Random): Generator<RequestAuditRecord> {
  const sent = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const origin = ORIGINS[i % ORIGINS.length]!;
    const population = `${origin.region}-app`;
    const n = (sent.get(population) ?? 0) + 1;
    sent.set(population, n);
    const sentAt = i * 20;
    const failedOver = random.chance(0.1);
    const attempts = [];
    let startedAt = sentAt;
    if (failedOver) {
      const ms = Math.round(random.logNormal(40, 200));
      attempts.push({ target: `openai-sim@${origin.region}/gpt-4o`, region: origin.region, startedAt, ms, status: 503 });
      startedAt += ms;
    }
    const region = failedOver ? origin.backup : origin.region;
    const target = `openai-sim@${region}/gpt-4o`;
    const ms = Math.round(random.logNormal(800, 2_500));
    attempts.push({ target, region, startedAt, ms, status: 200 });
    const latencyMs = startedAt + ms - sentAt;
    const jurisdiction = JURISDICTION[region]!;
    yield {
      kind: "request",
      t: sentAt + latencyMs,
      region: origin.region,
      requestId: `${population}-${n}`,
      population,
      origin: { region: origin.region, jurisdiction: origin.jurisdiction },
      model: "chat-large",
      consent: random.chance(0.2),
      highRisk: random.chance(0.05),
      sentAt,
      gateway: origin.region,
      policy:
        origin.jurisdiction === "EU"
          ? { allowed: ["EU"], crossBorder: false, reasons: ["EU-origin request must be served in EU: a usable destination exists"] }
          : { allowed: ["EU", "US"], crossBorder: jurisdiction !== origin.jurisdiction, reasons: ["no residency rule for US-origin requests: any destination"] },
      attempts,
      outcome: "ok",
      servedBy: { target, model: "gpt-4o", region, jurisdiction },
      latencyMs,
    };
  }
}

const perSecond = (count: number, startedMs: number) => count / ((performance.now() - startedMs) / 1000);
const rate = (perS: number, unit: string) => `${Math.round(perS).toLocaleString("en-US")} ${unit}/s`;
const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)} %`;
const runs = (values: readonly number[]) => values.map((v) => Math.round(v).toLocaleString("en-US")).join(", ");

/** Runs `fn` and records how long it took, in ns. */
function timed<T>(histogram: Histogram, fn: () => T): T {
  const started = process.hrtime.bigint();
  const result = fn();
  histogram.recordValue(Number(process.hrtime.bigint() - started));
  return result;
}

const nsHistogram = () => buildHistogram({ numberOfSignificantValueDigits: 3 });
const atUs = (h: Histogram, percentile: number) => `${(h.getValueAtPercentile(percentile) / 1000).toFixed(1)} µs`;
const atMs = (h: Histogram, percentile: number) => `${(h.getValueAtPercentile(percentile) / 1e6).toFixed(2)} ms`;

/** The DDL of the audit store's entries table and its index, read from a store AuditLog itself created. */
function entriesSchema(dir: string): string {
  const path = join(dir, "schema.db");
  AuditLog.open(path).close();
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE tbl_name = 'entries' AND sql IS NOT NULL")
      .all()
      .map((r) => `${r.sql};`)
      .join("\n");
  } finally {
    db.close();
  }
}

// Hash-sized, so the bare rows are as long as the chained ones.
const PLACEHOLDER_HASH = Buffer.alloc(32, 0xff);

/** What SQLite alone costs: the audit store's table, settings and batches, with no canonical form and no hash. Rows/s. */
function bareInsert(path: string, schema: string, records: readonly RequestAuditRecord[]): number {
  const started = performance.now();
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(schema);
  // Format 2's row: the other columns are computed from the body by SQLite, as in the chained store.
  const insert = db.prepare<[number, string, Buffer]>("INSERT INTO entries (seq, body, hash) VALUES (?, ?, ?)");
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      // With its seq, as the chained body has it: the same bytes in another key order.
      insert.run(i + 1, JSON.stringify({ ...records[i]!, seq: i + 1 }), PLACEHOLDER_HASH);
    }
  });
  for (let i = 0; i < records.length; i += BATCH) batch(i, Math.min(records.length, i + BATCH));
  db.close();
  return perSecond(records.length, started);
}

/** Rows/s. */
function chainedAppend(path: string, records: readonly RequestAuditRecord[], format?: 1 | 2): number {
  const started = performance.now();
  const log = AuditLog.open(path, format === undefined ? {} : { format });
  for (const record of records) log.append(record);
  log.close();
  return perSecond(records.length, started);
}

interface StoredRow {
  body: string;
  hash: string;
}
// The hash as hex, as the verifier reads it; a format-2 store keeps no previous hash: it is the row before's.
const SELECT_CHAIN = "SELECT body, lower(hex(hash)) AS hash FROM entries ORDER BY seq";

/** Counts rows whose hash is not SHA-256 of the previous row's hash and the body; any would mean the bench measured a broken chain. */
function mismatches(rows: Iterable<StoredRow>): { count: number; bad: number } {
  let count = 0;
  let bad = 0;
  let prev = GENESIS_HASH;
  for (const row of rows) {
    count++;
    if (hash("sha256", `${prev}\n${row.body}`) !== row.hash) bad++;
    prev = row.hash;
  }
  return { count, bad };
}

/** The chain's rows with each previous hash beside them, as format 1 stored it: hashing them does nothing but hash. */
function readChain(path: string): { prev: string; body: string; hash: string }[] {
  const db = new Database(path, { readonly: true });
  try {
    let prev = GENESIS_HASH;
    return db
      .prepare<[], StoredRow>(SELECT_CHAIN)
      .all()
      .map(({ body, hash }) => {
        const row = { prev, body, hash };
        prev = hash;
        return row;
      });
  } finally {
    db.close();
  }
}

/** Entries/s for `check` over the store of `expected` entries, which must find the chain intact. */
function verifyRate(expected: number, check: () => { count: number; ok: boolean }): number {
  gc?.();
  const started = performance.now();
  const { count, ok } = check();
  const perS = perSecond(count, started);
  if (!ok || count !== expected) throw new Error(`chain check failed: ${count} of ${expected} entries, ok ${ok}`);
  return perS;
}

function removeStore(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
}

type Line = (label: string, value: string) => void;

function appendAndVerify(dir: string, line: Line): void {
  const schema = entriesSchema(dir);
  const records = Array.from(requestRecords(APPEND_ROWS, seededRandom(4).fork("audit-bench")));
  const bare: number[] = [];
  const chained: number[] = [];
  const chainedPath = join(dir, "chained.db");
  const barePath = join(dir, "bare.db");
  const format1Path = join(dir, "format-1.db");
  for (let round = 1; round <= ROUNDS; round++) {
    // Each round writes fresh files; the last chained store stays for the verify measures.
    removeStore(chainedPath);
    gc?.();
    bare.push(bareInsert(barePath, schema, records));
    removeStore(barePath);
    gc?.();
    chained.push(chainedAppend(chainedPath, records));
  }
  const rows = APPEND_ROWS.toLocaleString("en-US");
  line(`chained audit append, ${rows} request entries (batches of 1,000, WAL), median of ${ROUNDS}`, `${rate(median(chained), "rows")} (runs: ${runs(chained)})`);
  line(`bare SQLite insert of the same rows (same table, JSON.stringify, placeholder hashes), median of ${ROUNDS}`, `${rate(median(bare), "rows")} (runs: ${runs(bare)})`);
  line("chained / bare", `${percent(median(chained), median(bare))} (target ≥ 50 %)`);

  gc?.();
  chainedAppend(format1Path, records, 1);
  const loaded = readChain(chainedPath);
  const hashedBytes = loaded.reduce((sum, row) => sum + Buffer.byteLength(row.prev) + 1 + Buffer.byteLength(row.body), 0);
  const verified: number[] = [];
  const verifiedFormat1: number[] = [];
  const readHashed: number[] = [];
  const inMemory: number[] = [];
  const verifies = (path: string) => () => {
    const verdict = verifyChain(path);
    return { count: verdict.count, ok: verdict.ok };
  };
  for (let round = 1; round <= ROUNDS; round++) {
    verified.push(verifyRate(APPEND_ROWS, verifies(chainedPath)));
    verifiedFormat1.push(verifyRate(APPEND_ROWS, verifies(format1Path)));
    readHashed.push(
      verifyRate(APPEND_ROWS, () => {
        const db = new Database(chainedPath, { readonly: true });
        try {
          const { count, bad } = mismatches(db.prepare<[], StoredRow>(SELECT_CHAIN).iterate());
          return { count, ok: bad === 0 };
        } finally {
          db.close();
        }
      }),
    );
    inMemory.push(
      verifyRate(APPEND_ROWS, () => {
        let count = 0;
        let bad = 0;
        for (const row of loaded) {
          count++;
          if (hash("sha256", `${row.prev}\n${row.body}`) !== row.hash) bad++;
        }
        return { count, ok: bad === 0 };
      }),
    );
  }
  const meanBody = Math.round(hashedBytes / loaded.length - 65);
  line(
    `SHA-256 of previous hash + "\\n" + body over the ${rows} rows already in memory (mean body ${meanBody} bytes), median of ${ROUNDS}`,
    `${rate(median(inMemory), "entries")}, ${((median(inMemory) * hashedBytes) / loaded.length / 2 ** 20).toFixed(0)} MiB/s (runs: ${runs(inMemory)})`,
  );
  line(`the same SHA-256, reading each row from the store (SELECT body, lower(hex(hash))), median of ${ROUNDS}`, `${rate(median(readHashed), "entries")} (runs: ${runs(readHashed)})`);
  line(`\`verifyChain(path)\` on the chained store (format 2), median of ${ROUNDS}`, `${rate(median(verified), "entries")} (runs: ${runs(verified)})`);
  line(`\`verifyChain(path)\` on the same records in a format-1 store, median of ${ROUNDS}`, `${rate(median(verifiedFormat1), "entries")} (runs: ${runs(verifiedFormat1)})`);
  line("verify / in-memory SHA-256 of the same bytes", `${percent(median(verified), median(inMemory))} (target ≥ 25 %); format 1: ${percent(median(verifiedFormat1), median(inMemory))}`);
  line("verify / read + SHA-256 from the store", percent(median(verified), median(readHashed)));
}

/** Builds the million-entry log, showing progress on stderr; returns the request ids at `sampled` positions. */
function buildBigLog(path: string, sampled: ReadonlySet<number>, line: Line): Map<number, string> {
  const ids = new Map<number, string>();
  const started = performance.now();
  const log = AuditLog.open(path);
  let i = 0;
  for (const record of requestRecords(BIG_LOG, seededRandom(4).fork("audit-bench-1m"))) {
    log.append(record);
    if (sampled.has(i)) ids.set(i, record.requestId);
    // Plain lines rather than a progress bar: the loop never yields, so a bar's timers would not redraw it.
    if (++i % 100_000 === 0) process.stderr.write(`audit bench: 1M-entry log, ${i.toLocaleString("en-US")} entries appended after ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
  log.close();
  const s = (performance.now() - started) / 1000;
  line("building the 1,000,000-entry log (chained append, file store)", `${s.toFixed(1)} s: ${rate(BIG_LOG / s, "rows")}`);
  return ids;
}

const randomIndex = (random: Random, size: number) => Math.floor(random.next() * size);

function lookups(path: string, random: Random, line: Line): void {
  const sampled = new Set<number>();
  while (sampled.size < 1_000) sampled.add(randomIndex(random, BIG_LOG));
  const ids = buildBigLog(path, sampled, line);
  const log = AuditLog.open(path);
  try {
    const found = nsHistogram();
    for (const id of ids.values()) {
      const entries = timed(found, () => log.findByRequestId(id));
      if (entries.length !== 1 || entries[0]!.requestId !== id) throw new Error(`lookup of ${id} found ${entries.length} entries`);
    }
    const missing = nsHistogram();
    for (let k = 0; k < 100; k++) {
      // Shaped like the stored ids and sorting among them, past the last one any population reached.
      const id = `${ORIGINS[k % ORIGINS.length]!.region}-app-${BIG_LOG + randomIndex(random, BIG_LOG)}`;
      const entries = timed(missing, () => log.findByRequestId(id));
      if (entries.length !== 0) throw new Error(`lookup of missing ${id} found ${entries.length} entries`);
    }
    const summary = (h: Histogram) => `p50 ${atMs(h, 50)}, p95 ${atMs(h, 95)}, p99 ${atMs(h, 99)}, max ${(h.maxValue / 1e6).toFixed(2)} ms`;
    line("`findByRequestId` in the 1M-entry log, 1,000 random existing ids", `${summary(found)} (target < 5 ms)`);
    line("`findByRequestId`, 100 ids not in the log", `${summary(missing)} (target < 5 ms)`);
  } finally {
    log.close();
  }
}

function merkle(path: string, random: Random, line: Line): void {
  let started = performance.now();
  const leaves: string[] = [];
  const log = AuditLog.open(path);
  try {
    for (const entry of log.entries()) leaves.push(leafHash(entry.body));
  } finally {
    log.close();
  }
  line("reading the 1M entries back (`entries()`) and hashing each body as an RFC 6962 leaf", `${((performance.now() - started) / 1000).toFixed(1)} s`);

  const tree = new MerkleTree();
  gc?.();
  started = performance.now();
  for (const leaf of leaves) tree.append(leaf);
  const appendS = (performance.now() - started) / 1000;
  line("`MerkleTree.append` of the 1M leaf hashes", `${appendS.toFixed(2)} s: ${rate(leaves.length / appendS, "leaves")}, ${((appendS / leaves.length) * 1e6).toFixed(2)} µs each`);

  const rootTime = nsHistogram();
  let root = "";
  for (let k = 0; k < 1_000; k++) root = timed(rootTime, () => tree.root());
  const size = tree.size;
  const prove = nsHistogram();
  const check = nsHistogram();
  for (let k = 0; k < 1_000; k++) {
    const index = randomIndex(random, size);
    const proof = timed(prove, () => tree.inclusionProof(index));
    const verdict = timed(check, () => verifyInclusion(leaves[index]!, index, size, proof, root));
    if (!verdict.ok) throw new Error(`inclusion of leaf ${index} did not verify: ${verdict.reason}`);
  }
  const proveConsistency = nsHistogram();
  const checkConsistency = nsHistogram();
  for (let k = 0; k < 100; k++) {
    const oldSize = 1 + randomIndex(random, size);
    const newSize = oldSize + randomIndex(random, size - oldSize + 1);
    const [oldRoot, newRoot] = [tree.root(oldSize), tree.root(newSize)];
    const proof = timed(proveConsistency, () => tree.consistencyProof(oldSize, newSize));
    const verdict = timed(checkConsistency, () => verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof));
    if (!verdict.ok) throw new Error(`consistency ${oldSize} → ${newSize} did not verify: ${verdict.reason}`);
  }
  const pair = (h: Histogram) => `p50 ${atUs(h, 50)}, p95 ${atUs(h, 95)}`;
  line("`root()` of the 1M-leaf tree, 1,000 calls", pair(rootTime));
  line("`inclusionProof`, 1,000 random leaves", pair(prove));
  line("`verifyInclusion` of those proofs", pair(check));
  line("`consistencyProof`, 100 random (old, new) size pairs", pair(proveConsistency));
  line("`verifyConsistency` of those proofs", pair(checkConsistency));
}

/**
 * Runs the four audit measures, writing one Markdown table row per figure through `line` (progress of the
 * long build goes to stderr). Uses a temporary directory of up to ~1 GB, removed at the end.
 */
export function benchAudit(line: Line): void {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(", ");
  const loadAtStart = load();
  const dir = mkdtempSync(join(tmpdir(), "failover-lab-bench-audit-"));
  try {
    appendAndVerify(dir, line);
    const random = seededRandom(4).fork("audit-bench-samples");
    const bigLog = join(dir, "1m.db");
    lookups(bigLog, random, line);
    merkle(bigLog, random, line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  line("load average (1, 5, 15 min) at the start and end of the audit part", `${loadAtStart}; ${load()}`);
}
