/**
 * Tamper vectors across stores (test/fixtures/audit-tamper-stores/*.json, one case per file): a short real
 * drill per audit pattern writes its buffers and destinations; each case copies that directory, changes one
 * store with raw SQL (the mutations of test/audit/tamperKit.ts), and checks which store's chain breaks and
 * where, what the review of the destinations sees (buffer seqs: the report's audit_gaps), and what checking
 * the buffers against the destinations finds (the report's audit_lost). Every case is caught by one of them;
 * the one left to the report's heads alone is a truncated global log, which has no buffer behind it.
 *
 * The runs are deterministic by seed, but exact seqs depend on them, so a case picks its entry by a
 * predicate (`select`) and names seqs relative to it or to the store's head ("selected+1", "head").
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadScenarioFile, reviewAudit, reviewScope, runDrill, verifyChain, type DrillReport, type Scenario, type StoreChain } from "../../engine";
import { crossCheckBuffers } from "../../engine/audit/crossCheck";
import { Mutation, mutationSchema, tamper } from "./tamperKit";

/** A seq as a number, or relative to the selected entry or the store's head before tampering: "selected+1", "head". */
const SeqRef = z.union([z.number().int().nonnegative(), z.string().regex(/^(selected|head)([+-][1-9]\d*)?$/)]);
type SeqRef = z.infer<typeof SeqRef>;
/** `nth` counts from 1 in seq order; a negative one counts back from the store's last entry (-1). */
const nth = z.number().int().refine((n) => n !== 0, "nth counts from 1, or back from -1");
const Select = z.union([
  z.strictObject({ kind: z.enum(["request", "transition", "fault", "run"]), nth }),
  /** A destination entry that was flushed from this region's buffer. */
  z.strictObject({ bufferOf: z.string(), nth }),
]);
type Select = z.infer<typeof Select>;
const StoreCase = z.strictObject({
  desc: z.string(),
  pattern: z.enum(["central", "per-region"]),
  /** The store to change, by its name in the report: `canonical`, `buffer:eu-west`, `region:eu-west`, `global`. */
  store: z.string(),
  select: Select.optional(),
  mutation: mutationSchema(SeqRef, SeqRef),
  /** Verify every store against the head the report recorded for it. */
  withExpectedHead: z.boolean().optional(),
  /** Every chain verifies: the tamper is left to the review and the buffer check, or to the report's heads. */
  wantOk: z.literal(true).optional(),
  wantStore: z.string().optional(),
  wantFirstBad: SeqRef.optional(),
  wantReason: z.string().optional(),
  /** The changed store is refused as a whole, with an error containing this, instead of a first bad entry. */
  wantError: z.string().optional(),
  /** The review of the tampered destinations and the buffer check, as the report's audit_gaps and audit_lost count them. */
  wantGaps: z.number().int().nonnegative(),
  wantLost: z.number().int().nonnegative(),
});
type StoreCase = z.infer<typeof StoreCase>;
type Pattern = StoreCase["pattern"];

const FIXTURES = join(import.meta.dirname, "../fixtures/audit-tamper-stores");
const cases = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, ...StoreCase.parse(JSON.parse(readFileSync(join(FIXTURES, file), "utf8"))) }));

const SCENARIOS: Record<Pattern, string> = { central: "audit-partition-central.yaml", "per-region": "audit-partition-per-region.yaml" };

const work = mkdtempSync(join(tmpdir(), "failover-lab-tamper-stores-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Pristine {
  readonly scenario: Scenario;
  readonly report: DrillReport;
  readonly dir: string;
}

/**
 * The scenario cut from 420 s to 100 s, its partition moved from 120–300 s to 40–80 s: eu-west's buffer
 * still holds 40 s of entries that reach the destination late, in one flush on heal, and the drill costs a
 * few seconds of CPU instead of twenty.
 */
function shortened(pattern: Pattern): Scenario {
  const scenario = loadScenarioFile(join(import.meta.dirname, "../../scenarios", SCENARIOS[pattern]));
  const [partition, ...others] = scenario.faults;
  expect(partition, "the scenario starts with the audit partition").toMatchObject({ kind: "audit-partition", region: "eu-west" });
  expect(others, "no other fault falls after the shortened end").toEqual([]);
  return { ...scenario, duration_s: 100, faults: [{ ...partition!, at_s: 40, heal_s: 80 }] };
}

// One drill per pattern, run by the first case that needs it, so running a single case runs one drill.
const pristine = new Map<Pattern, Promise<Pristine>>();
function pristineRun(pattern: Pattern): Promise<Pristine> {
  let run = pristine.get(pattern);
  if (!run) {
    const scenario = shortened(pattern);
    const dir = join(work, pattern);
    run = runDrill(scenario, { auditDir: dir }).then((report) => ({ scenario, report, dir }));
    pristine.set(pattern, run);
  }
  return run;
}

const storeNamed = (report: DrillReport, name: string): StoreChain => {
  const store = report.questions.audit.stores.find((s) => s.name === name);
  if (!store) throw new Error(`no store "${name}" in this run; it has ${report.questions.audit.stores.map((s) => s.name).join(", ")}`);
  return store;
};

/** Reads a store's rows directly, so the review sees exactly what is in the file (whatever its definition says). */
function rows<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

function selectedSeq(path: string, select: Select): number {
  const [where, value] = "kind" in select ? ["kind = ?", select.kind] : ["region = ? AND json_extract(body, '$.buffer') IS NOT NULL", select.bufferOf];
  const order = select.nth > 0 ? "ASC" : "DESC";
  const found = rows<{ seq: number }>(path, `SELECT seq FROM entries WHERE ${where} ORDER BY seq ${order} LIMIT 1 OFFSET ?`, value, Math.abs(select.nth) - 1);
  expect(found, `an entry matching ${JSON.stringify(select)}`).toHaveLength(1);
  return found[0]!.seq;
}

function resolver(marks: { selected: number | undefined; head: number }): (ref: SeqRef) => number {
  return (ref) => {
    if (typeof ref === "number") return ref;
    const [, mark, offset] = /^(selected|head)(.*)$/.exec(ref)!;
    const base = mark === "head" ? marks.head : marks.selected;
    if (base === undefined) throw new Error(`"${ref}" needs a select`);
    return base + Number(offset || 0);
  };
}

function resolveMutation(mutation: StoreCase["mutation"], at: (ref: SeqRef) => number): Mutation {
  switch (mutation.op) {
    case "update-body":
    case "update-column":
    case "update-hash":
    case "delete":
      return Mutation.parse({ ...mutation, seq: at(mutation.seq) });
    case "swap":
      return Mutation.parse({ ...mutation, seqs: mutation.seqs.map(at) });
    case "truncate":
      return Mutation.parse({ ...mutation, keep: at(mutation.keep) });
    case "redefine":
      return mutation;
    case "insert-forged":
      return Mutation.parse({ ...mutation, seq: at(mutation.seq), linkTo: at(mutation.linkTo) });
  }
}

/**
 * The drill's review re-run over the destinations in `dir`, and the buffers checked against them as the
 * drill and the offline verifier do: entries that did not arrive intact, plus entries waiting in a buffer
 * beyond what the run left waiting (forged onto its tail).
 */
function review({ scenario, report }: Pristine, dir: string): { gaps: number; lost: number } {
  const { stores, buffers } = report.questions.audit;
  const read = (file: string) => rows<{ seq: number; body: string }>(join(dir, file), "SELECT seq, body FROM entries ORDER BY seq");
  const destinations = stores.filter((s) => s.role === "destination").map((s) => ({ name: s.name, entries: read(s.file) }));
  const result = reviewAudit(destinations, reviewScope(scenario));
  const bufferEntries = new Map(stores.filter((s) => s.role === "buffer").map((s) => [s.name.slice("buffer:".length), read(s.file)]));
  const check = crossCheckBuffers(destinations, bufferEntries);
  const lost = check.regions.reduce((n, r) => n + r.missing + r.altered + r.unmatched + Math.max(0, r.pending - buffers.find((b) => b.region === r.region)!.depth_end), 0);
  return { gaps: result.gaps, lost };
}

const expectedHead = (store: StoreChain) => ({ seq: store.entries, hash: store.head });

describe("tamper vectors across stores", () => {
  it("each want either valid chains or one broken store with its first bad entry and reason, or refused with an error", () => {
    for (const c of cases) {
      const wants = [c.wantStore, c.wantFirstBad, c.wantReason, c.wantError].map((w) => w !== undefined);
      expect(wants, c.file).toEqual(c.wantOk ? [false, false, false, false] : c.wantError === undefined ? [true, true, true, false] : [true, false, false, true]);
    }
  });

  it("cover both patterns, and destinations as well as buffers", () => {
    expect(new Set(cases.map((c) => c.pattern))).toEqual(new Set(["central", "per-region"]));
    expect(new Set(cases.map((c) => c.store.split(":")[0]))).toEqual(new Set(["canonical", "buffer", "region", "global"]));
  });

  it.each(["central", "per-region"] as const)("leave an untampered %s run valid in every store, without gaps or losses", async (pattern) => {
    const run = await pristineRun(pattern);
    const { stores } = run.report.questions.audit;
    expect(run.report.metrics).toMatchObject({ audit_gaps: 0, audit_lost: 0, chain_valid: 1 });
    // The partition made eu-west buffer for 40 s and flush late, so the cases have late entries to tamper with.
    expect(run.report.metrics.flush_lag_max_ms).toBeGreaterThanOrEqual(40_000);
    for (const store of stores) expect(verifyChain(join(run.dir, store.file), expectedHead(store)), store.name).toEqual({ ok: true, count: store.entries, head: store.head });
    expect(review(run, run.dir)).toEqual({ gaps: 0, lost: 0 });
  });

  it.each(cases)("$file: $desc", async (c) => {
    const run = await pristineRun(c.pattern);
    const dir = join(work, c.file.replace(/\.json$/, ""));
    cpSync(run.dir, dir, { recursive: true });
    const target = storeNamed(run.report, c.store);
    const path = join(dir, target.file);
    const at = resolver({ selected: c.select && selectedSeq(path, c.select), head: target.entries });
    tamper(path, resolveMutation(c.mutation, at));

    const stores = run.report.questions.audit.stores;
    if (c.wantError !== undefined) expect(() => verifyChain(path)).toThrow(`audit store ${path} ${c.wantError}`);
    const verdicts = stores.filter((store) => c.wantError === undefined || store.name !== c.store).map((store) => ({
      store,
      verdict: verifyChain(join(dir, store.file), c.withExpectedHead ? expectedHead(store) : undefined),
    }));
    const broken = verdicts.filter(({ verdict }) => !verdict.ok).map(({ store }) => store.name);
    expect(broken).toEqual(c.wantOk || c.wantError !== undefined ? [] : [c.wantStore]);
    for (const { store, verdict } of verdicts) {
      if (store.name !== c.store) {
        expect(verdict, `${store.name} was not touched`).toEqual({ ok: true, count: store.entries, head: store.head });
      } else if (c.wantOk) {
        // The rows verify, yet the chain is not the one the report recorded.
        expect(verdict).toMatchObject({ ok: true });
        if (verdict.ok) expect(verdict.head).not.toBe(store.head);
      } else {
        expect(verdict).toMatchObject({ ok: false, firstBad: { seq: at(c.wantFirstBad!) } });
        if (!verdict.ok) expect(verdict.firstBad.reason).toContain(c.wantReason);
      }
    }
    expect(review(run, dir)).toEqual({ gaps: c.wantGaps, lost: c.wantLost });
  });
});
