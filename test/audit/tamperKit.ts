/**
 * The forger shared by the tamper suites (test/audit/tamper.test.ts, test/audit/tamperStores.test.ts): a
 * vocabulary of mutations a fixture can name, and `tamper()`, which applies one to a store file of either
 * format with raw SQL through a connection of its own, as someone with write access to the file would.
 */
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { expect } from "vitest";
import { z } from "zod";
import { canonicalJson, GENESIS_HASH } from "../../engine";

/**
 * The mutations, with `position` the schema of an entry's seq and `count` that of a number of entries
 * (`keep`) or a seq that may be 0 (`linkTo`): numbers here, references to be resolved in the multi-store suite.
 */
export function mutationSchema<P extends z.ZodType, C extends z.ZodType>(position: P, count: C) {
  return z.discriminatedUnion("op", [
    // rehash: "entry" recomputes that entry's hash; "suffix" recomputes hashes and links from it to the head.
    z.strictObject({ op: z.literal("update-body"), seq: position, find: z.string(), replace: z.string(), rehash: z.enum(["entry", "suffix"]).optional() }),
    // In format 2 these columns are computed from the body, and SQLite refuses to set them.
    z.strictObject({ op: z.literal("update-column"), seq: position, column: z.enum(["t", "region", "kind", "request_id"]), value: z.union([z.string(), z.number(), z.null()]) }),
    // Rewrites the stored definition of the entries table or its index (format 2's computed columns), as the
    // file's owner can with writable_schema.
    z.strictObject({ op: z.literal("redefine"), name: z.enum(["entries", "entries_request_id"]), find: z.string(), replace: z.string() }),
    z.strictObject({ op: z.literal("update-hash"), seq: position, value: z.string() }),
    // rehash "suffix" hides the gap: every later entry moves down one seq (column and hashed body), and the
    // chain is recomputed from the deleted seq to the head.
    z.strictObject({ op: z.literal("delete"), seq: position, rehash: z.literal("suffix").optional() }),
    z.strictObject({ op: z.literal("swap"), seqs: z.tuple([position, position]) }),
    z.strictObject({ op: z.literal("truncate"), keep: count }),
    // The forged entry's hash is computed correctly, over the real hash of seq `linkTo` (0: genesis) as its previous one.
    z.strictObject({
      op: z.literal("insert-forged"),
      seq: position,
      linkTo: count,
      record: z.looseObject({ kind: z.enum(["request", "transition", "fault", "run"]), t: z.number(), region: z.string() }),
    }),
  ]);
}

export const seq = z.number().int().positive();
export const Mutation = mutationSchema(seq, z.number().int().nonnegative());
export type Mutation = z.infer<typeof Mutation>;

// Written independently of AuditLog, so a forger's arithmetic does not share the code under test.
const sha256 = (prevHash: string, body: string) => createHash("sha256").update(`${prevHash}\n${body}`).digest("hex");

/**
 * Applies the mutation; every statement must touch exactly the rows the fixture means, or the fixture is
 * wrong. Throws what SQLite throws for a change it refuses.
 */
export function tamper(path: string, mutation: Mutation): void {
  const db = new Database(path);
  const format = Number(db.prepare("SELECT value FROM meta WHERE key = 'format'").pluck().get());
  const one = (sql: string, ...params: unknown[]) => expect(db.prepare(sql).run(...params).changes, sql).toBe(1);
  // Format 1 stores hashes as hex text, format 2 as 32 bytes.
  const stored = (hex: string) => (format === 1 ? hex : Buffer.from(hex, "hex"));
  const hashOf = (n: number) => (n === 0 ? GENESIS_HASH : (db.prepare("SELECT hash FROM entries WHERE seq = ?").pluck().get(n) as string | Buffer));
  const hexHashOf = (n: number) => {
    const hash = hashOf(n);
    return typeof hash === "string" ? hash : hash.toString("hex");
  };
  const setHash = (seq: number, prev: string, hash: string) => {
    if (format === 1) one("UPDATE entries SET prev_hash = ?, hash = ? WHERE seq = ?", prev, hash, seq);
    else one("UPDATE entries SET hash = ? WHERE seq = ?", stored(hash), seq);
  };
  const rehashFrom = (from: number) => {
    let prev = hexHashOf(from - 1);
    const rows = db.prepare("SELECT seq, body FROM entries WHERE seq >= ? ORDER BY seq").all(from) as { seq: number; body: string }[];
    for (const row of rows) {
      const hash = sha256(prev, row.body);
      setHash(row.seq, prev, hash);
      prev = hash;
    }
  };
  try {
    if (mutation.op === "redefine") {
      db.unsafeMode(true);
      db.pragma("writable_schema = ON");
      const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(mutation.name) as string;
      expect(sql.split(mutation.find).length - 1, `"${mutation.find}" occurs once in the definition of ${mutation.name}`).toBe(1);
      one("UPDATE sqlite_master SET sql = ? WHERE name = ?", sql.replace(mutation.find, mutation.replace), mutation.name);
      return;
    }
    db.transaction(() => {
      switch (mutation.op) {
        case "update-body": {
          const body = db.prepare("SELECT body FROM entries WHERE seq = ?").pluck().get(mutation.seq) as string;
          expect(body.split(mutation.find).length - 1, `"${mutation.find}" occurs once in body ${mutation.seq}`).toBe(1);
          one("UPDATE entries SET body = ? WHERE seq = ?", body.replace(mutation.find, mutation.replace), mutation.seq);
          if (mutation.rehash === "entry") {
            // Over the previous hash the store holds: format 1's own column, or the entry before.
            const prev = format === 1 ? (db.prepare("SELECT prev_hash FROM entries WHERE seq = ?").pluck().get(mutation.seq) as string) : hexHashOf(mutation.seq - 1);
            setHash(mutation.seq, prev, sha256(prev, body.replace(mutation.find, mutation.replace)));
          } else if (mutation.rehash === "suffix") {
            rehashFrom(mutation.seq);
          }
          return;
        }
        case "update-column":
          one(`UPDATE entries SET ${mutation.column} = ? WHERE seq = ?`, mutation.value, mutation.seq);
          return;
        case "update-hash":
          one("UPDATE entries SET hash = ? WHERE seq = ?", stored(mutation.value), mutation.seq);
          return;
        case "delete": {
          one("DELETE FROM entries WHERE seq = ?", mutation.seq);
          if (mutation.rehash !== "suffix") return;
          const later = db.prepare("SELECT seq, body FROM entries WHERE seq > ? ORDER BY seq").all(mutation.seq) as { seq: number; body: string }[];
          // In ascending order, each row moves into the seq the previous one just vacated.
          for (const row of later) {
            const body = canonicalJson({ ...(JSON.parse(row.body) as object), seq: row.seq - 1 });
            one("UPDATE entries SET seq = ?, body = ? WHERE seq = ?", row.seq - 1, body, row.seq);
          }
          rehashFrom(mutation.seq);
          return;
        }
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
          const prev = hexHashOf(linkTo);
          const body = canonicalJson({ ...forged, seq: forgedSeq });
          if (format === 2) {
            one("INSERT INTO entries (seq, body, hash) VALUES (?, ?, ?)", forgedSeq, body, stored(sha256(prev, body)));
            return;
          }
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
