/**
 * Tamper vectors (test/fixtures/audit-tamper/*.json, one case per file): build a log, change the store with
 * raw SQL through a second connection, and check that verifyChain names the right entry and reason.
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
});

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

const dir = mkdtempSync(join(tmpdir(), "failover-lab-audit-tamper-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function buildLog(path: string, entries: number): { seq: number; hash: string } {
  const log = AuditLog.open(path);
  for (let i = 1; i <= entries; i++) log.append(record(i));
  const head = log.head;
  log.close();
  return head;
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
