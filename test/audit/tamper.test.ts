/**
 * Tamper vectors (test/fixtures/audit-tamper/format-<n>/*.json, one case per file, per store format): build a
 * log in that format, change the store with raw SQL through a second connection, and check that verifyChain
 * names the right entry and reason, or refuses the store, or that SQLite refused the change.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AuditLog, verifyChain, type AuditRecord } from "../../engine/audit/AuditLog";
import { Mutation, seq, tamper } from "./tamperKit";

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
  /** The store is refused as a whole, with an error containing this. */
  wantError: z.string().optional(),
  /** SQLite itself refuses the change, with an error containing this. */
  wantRefused: z.string().optional(),
});

const FORMATS = [1, 2] as const;
const FIXTURES = join(import.meta.dirname, "../fixtures/audit-tamper");
const cases = FORMATS.flatMap((format) => {
  const folder = join(FIXTURES, `format-${format}`);
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ file: `format-${format}/${f}`, format, ...TamperCase.parse(JSON.parse(readFileSync(join(folder, f), "utf8"))) }));
});

const REGIONS = ["eu-west", "us-east", "ap-south"];

/** Entry i of the test log: requests with an id, every fourth a circuit transition without one. */
function record(i: number): AuditRecord {
  const region = REGIONS[i % REGIONS.length]!;
  if (i % 4 === 0) return { kind: "transition", t: i * 250, region, machine: "circuit", subject: `${region}/gpt-4o-mini`, from: "closed", to: "open" };
  return { kind: "request", t: i * 250, region, requestId: `req-${i}`, model: "gpt-4o-mini", status: 200, latencyMs: 100 + i };
}

const dir = mkdtempSync(join(tmpdir(), "failover-lab-audit-tamper-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function buildLog(path: string, entries: number, format: 1 | 2): { seq: number; hash: string } {
  const log = AuditLog.open(path, { format });
  for (let i = 1; i <= entries; i++) log.append(record(i));
  const head = log.head;
  log.close();
  return head;
}

const outcome = (c: (typeof cases)[number]) => {
  if (c.wantOk) return "ok";
  if (c.wantError !== undefined) return "error";
  if (c.wantRefused !== undefined) return "refused";
  return "first bad";
};

describe("tamper vectors", () => {
  it.each(FORMATS)("cover every mutation op in format %i, but redefinitions, which only format 2 has to fear", (format) => {
    const ops = new Set(cases.filter((c) => c.format === format).map((c) => c.mutation.op));
    const all = Mutation.options.map((o) => o.shape.op.value).filter((op) => format === 2 || op !== "redefine");
    expect([...ops].sort()).toEqual(all.sort());
  });

  it("each want exactly one outcome: a valid chain, a first bad entry with its reason, a refused store or a refused change", () => {
    for (const c of cases) {
      const wants = [c.wantFirstBad, c.wantReason].map((w) => w !== undefined);
      expect(wants, c.file).toEqual(outcome(c) === "first bad" ? [true, true] : [false, false]);
      expect([c.wantOk, c.wantError, c.wantRefused].filter((w) => w !== undefined).length, c.file).toBeLessThanOrEqual(1);
    }
  });

  it.each(FORMATS)("leave an untampered format-%i log valid, with and without its expected head", (format) => {
    const path = join(dir, `untampered-${format}.db`);
    const head = buildLog(path, 20, format);
    expect(verifyChain(path)).toEqual({ ok: true, count: 20, head: head.hash });
    expect(verifyChain(path, head)).toEqual({ ok: true, count: 20, head: head.hash });
  });

  it("give the same head in both formats", () => {
    expect(buildLog(join(dir, "same-1.db"), 20, 1)).toEqual(buildLog(join(dir, "same-2.db"), 20, 2));
  });

  it.each(cases)("$file: $desc", (c) => {
    const path = join(dir, c.file.replace("/", "-").replace(/\.json$/, ".db"));
    const head = buildLog(path, c.entries, c.format);
    if (c.wantRefused !== undefined) {
      expect(() => tamper(path, c.mutation)).toThrow(c.wantRefused);
      expect(verifyChain(path, head)).toEqual({ ok: true, count: c.entries, head: head.hash });
      return;
    }
    tamper(path, c.mutation);
    if (c.wantError !== undefined) {
      expect(() => verifyChain(path)).toThrow(`audit store ${path} ${c.wantError}`);
      expect(() => AuditLog.open(path)).toThrow(`audit store ${path} ${c.wantError}`);
      return;
    }
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
