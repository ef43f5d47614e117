/**
 * Tamper vectors (test/fixtures/audit-tamper/*.json, one case per file): build a log, change the store with
 * raw SQL through a second connection, and check that verifyChain names the right entry and reason.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AuditLog, GENESIS_HASH, verifyChain, type AuditRecord } from "../../engine/audit/AuditLog";
import { canonicalJson } from "../../engine/audit/canonical";

const seq = z.number().int().positive();
const Mutation = z.discriminatedUnion("op", [
  // rehash: "entry" recomputes that entry's hash; "suffix" recomputes hashes and links from it to the head.
  z.strictObject({ op: z.literal("update-body"), seq, find: z.string(), replace: z.string(), rehash: z.enum(["entry", "suffix"]).optional() }),
  z.strictObject({ op: z.literal("update-column"), seq, column: z.enum(["t", "region", "kind", "request_id"]), value: z.union([z.string(), z.number(), z.null()]) }),
  z.strictObject({ op: z.literal("update-hash"), seq, value: z.string() }),
  z.strictObject({ op: z.literal("delete"), seq }),
  z.strictObject({ op: z.literal("swap"), seqs: z.tuple([seq, seq]) }),
  z.strictObject({ op: z.literal("truncate"), keep: z.number().int().nonnegative() }),
  // The forged entry's prev_hash is the real hash of seq `linkTo` (0: genesis); its own hash is computed correctly.
  z.strictObject({ op: z.literal("insert-forged"), seq, linkTo: z.number().int().nonnegative(), record: z.looseObject({ kind: z.enum(["request", "transition", "fault", "run"]), t: z.number(), region: z.string() }) }),
]);
const TamperCase = z.strictObject({
  desc: z.string(),
  entries: seq,
  mutation: Mutation,
  /** Verify against the head recorded before tampering. */
  withExpectedHead: z.boolean().optional(),
  /** Limits of the scheme: tampering the rows alone cannot reveal. */
  wantOk: z.literal(true).optional(),
  wantFirstBad: seq.optional(),
  wantReason: z.string().optional(),
});
type Mutation = z.infer<typeof Mutation>;

const FIXTURES = join(import.meta.dirname, "../fixtures/audit-tamper");
const cases = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, ...TamperCase.parse(JSON.parse(readFileSync(join(FIXTURES, file), "utf8"))) }));

const REGIONS = ["eu-west", "us-east", "ap-south"];

/** Entry i of the test log: requests with an id, every fourth a circuit transition without one. */
function record(i: number): AuditRecord {
  const region = REGIONS[i % REGIONS.length]!;
  if (i % 4 === 0) return { kind: "transition", t: i * 250, region, machine: "circuit", subject: `${region}/gpt-4o-mini`, from: "closed", to: "open" };
  return { kind: "request", t: i * 250, region, requestId: `req-${i}`, model: "gpt-4o-mini", status: 200, latencyMs: 100 + i };
}

// Written independently of AuditLog, so a forger's arithmetic does not share the code under test.
const sha256 = (prevHash: string, body: string) => createHash("sha256").update(`${prevHash}\n${body}`).digest("hex");

const dir = mkdtempSync(join(tmpdir(), "failover-lab-audit-tamper-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function buildLog(path: string, entries: number): { seq: number; hash: string } {
  const log = AuditLog.open(path);
  for (let i = 1; i <= entries; i++) log.append(record(i));
  const head = log.head;
  log.close();
  return head;
}

/** Applies the mutation; every statement must touch exactly the rows the fixture means, or the fixture is wrong. */
function tamper(path: string, mutation: Mutation): void {
  const db = new Database(path);
  const one = (sql: string, ...params: unknown[]) => expect(db.prepare(sql).run(...params).changes, sql).toBe(1);
  const hashOf = (n: number) => (n === 0 ? GENESIS_HASH : (db.prepare("SELECT hash FROM entries WHERE seq = ?").pluck().get(n) as string));
  try {
    db.transaction(() => {
      switch (mutation.op) {
        case "update-body": {
          const body = db.prepare("SELECT body FROM entries WHERE seq = ?").pluck().get(mutation.seq) as string;
          expect(body.split(mutation.find).length - 1, `"${mutation.find}" occurs once in body ${mutation.seq}`).toBe(1);
          one("UPDATE entries SET body = ? WHERE seq = ?", body.replace(mutation.find, mutation.replace), mutation.seq);
          if (mutation.rehash === "entry") {
            const row = db.prepare("SELECT prev_hash, body FROM entries WHERE seq = ?").get(mutation.seq) as { prev_hash: string; body: string };
            one("UPDATE entries SET hash = ? WHERE seq = ?", sha256(row.prev_hash, row.body), mutation.seq);
          } else if (mutation.rehash === "suffix") {
            let prev = hashOf(mutation.seq - 1);
            const rows = db.prepare("SELECT seq, body FROM entries WHERE seq >= ? ORDER BY seq").all(mutation.seq) as { seq: number; body: string }[];
            for (const row of rows) {
              const hash = sha256(prev, row.body);
              one("UPDATE entries SET prev_hash = ?, hash = ? WHERE seq = ?", prev, hash, row.seq);
              prev = hash;
            }
          }
          return;
        }
        case "update-column":
          one(`UPDATE entries SET ${mutation.column} = ? WHERE seq = ?`, mutation.value, mutation.seq);
          return;
        case "update-hash":
          one("UPDATE entries SET hash = ? WHERE seq = ?", mutation.value, mutation.seq);
          return;
        case "delete":
          one("DELETE FROM entries WHERE seq = ?", mutation.seq);
          return;
        case "swap": {
          const [a, b] = mutation.seqs;
          one("UPDATE entries SET seq = -1 WHERE seq = ?", a);
          one("UPDATE entries SET seq = ? WHERE seq = ?", a, b);
          one("UPDATE entries SET seq = ? WHERE seq = -1", b);
          return;
        }
        case "truncate":
          expect(db.prepare("DELETE FROM entries WHERE seq > ?").run(mutation.keep).changes).toBeGreaterThan(0);
          return;
        case "insert-forged": {
          const { seq: forgedSeq, linkTo, record: forged } = mutation;
          const prev = hashOf(linkTo);
          const body = canonicalJson({ ...forged, seq: forgedSeq });
          const requestId = typeof forged.requestId === "string" ? forged.requestId : null;
          one(
            "INSERT INTO entries (seq, t, region, kind, request_id, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            forgedSeq, forged.t, forged.region, forged.kind, requestId, body, prev, sha256(prev, body),
          );
          return;
        }
      }
    })();
  } finally {
    db.close();
  }
}

describe("tamper vectors", () => {
  it("cover every mutation op", () => {
    const ops = new Set(cases.map((c) => c.mutation.op));
    expect([...ops].sort()).toEqual([...Mutation.options.map((o) => o.shape.op.value)].sort());
  });

  it("each want either a valid chain or a first bad entry with its reason", () => {
    for (const c of cases) {
      const wants = [c.wantFirstBad, c.wantReason].map((w) => w !== undefined);
      expect(wants, c.file).toEqual(c.wantOk ? [false, false] : [true, true]);
    }
  });

  it("leave an untampered log valid, with and without its expected head", () => {
    const path = join(dir, "untampered.db");
    const head = buildLog(path, 20);
    expect(verifyChain(path)).toEqual({ ok: true, count: 20, head: head.hash });
    expect(verifyChain(path, head)).toEqual({ ok: true, count: 20, head: head.hash });
  });

  it.each(cases)("$file: $desc", (c) => {
    const path = join(dir, c.file.replace(/\.json$/, ".db"));
    const head = buildLog(path, c.entries);
    tamper(path, c.mutation);
    const verdict = verifyChain(path, c.withExpectedHead ? head : undefined);
    if (c.wantOk) {
      // The rows verify, yet the chain is not the one that was written.
      expect(verdict).toMatchObject({ ok: true });
      if (verdict.ok) expect(verdict.head).not.toBe(head.hash);
      return;
    }
    expect(verdict).toMatchObject({ ok: false, firstBad: { seq: c.wantFirstBad } });
    if (!verdict.ok) expect(verdict.firstBad.reason).toContain(c.wantReason);
  });
});
