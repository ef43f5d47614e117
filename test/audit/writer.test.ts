/**
 * The audit writer thread as the engine sees it: a failure there — a record with no canonical form, code
 * that does not load — surfaces as an error naming the cause at the next read, promptly rather than after a
 * timeout, and the next audit system gets a thread of its own that works.
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AuditSystem, useAuditWriterScript, VirtualClock, verifyChain } from "../../engine";
import type { AuditConfig } from "../../engine/scenario/schema";

const CENTRAL: AuditConfig = { pattern: "central", destination: "eu-west", flush_interval_ms: 1_000, on_unreachable: "buffer", high_risk_durable_in: "destination", high_risk_replicas: 1 };
const FROM_SOURCE = new URL("../../engine/audit/writerThread.ts", import.meta.url);

let healthy: AuditSystem | undefined;
afterEach(() => {
  useAuditWriterScript(FROM_SOURCE);
  healthy?.close();
  healthy = undefined;
});

function open(): AuditSystem {
  return AuditSystem.open({ config: CENTRAL, regions: ["eu-west"], clock: new VirtualClock(), rttMs: () => 1, reachable: () => true });
}

/** Closing a system whose writer failed says why, and still removes its temporary directory. */
function expectCloseToReport(audit: AuditSystem, cause: RegExp): void {
  const dir = dirname(audit.allStores()[0]!.file);
  expect(() => audit.close()).toThrow(cause);
  expect(existsSync(dir)).toBe(false);
}

describe("the audit writer thread", () => {
  it("says which code failed to load, without waiting out the stall limit", () => {
    // First in this file: the process's writer thread starts with the first audit system, so none runs yet.
    useAuditWriterScript(new URL("./no-such-writer.ts", FROM_SOURCE));
    const audit = open();
    audit.record({ kind: "request", t: 1, region: "eu-west", requestId: "r-1" });
    const started = performance.now();
    expect(() => audit.bufferStores().get("eu-west")!.log).toThrow(/audit writer thread failed to load .*no-such-writer\.ts/);
    // The stall limit is 120 s; a load failure is reported as soon as the thread has tried.
    expect(performance.now() - started).toBeLessThan(60_000);
    expectCloseToReport(audit, /failed to load/);
  });

  it("lets a read see every entry recorded before it, also those posted in a batch of their own before any commit", async () => {
    const audit = (healthy = open());
    // Two opens and 62 appends fill one batch of 64 ops, which is posted with no commit after it.
    for (let i = 1; i <= 62; i++) audit.record({ kind: "request", t: i, region: "eu-west", requestId: `r-${i}` });
    // Time for the thread to apply that batch, so the read finds nothing left to wait for but the commit.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([...audit.bufferStores().get("eu-west")!.log.entries()].map((e) => e.seq)).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));
  });

  it("resolves committed() once every entry recorded before it is committed, seen by another connection, without blocking", async () => {
    const audit = (healthy = open());
    const file = audit.bufferStores().get("eu-west")!.file;
    for (let i = 1; i <= 100; i++) audit.record({ kind: "request", t: i, region: "eu-west", requestId: `r-${i}` });
    const first = audit.committed();
    // Recorded while the first commit is on its way: they join the next one, which both of these wait for.
    for (let i = 101; i <= 150; i++) audit.record({ kind: "request", t: i, region: "eu-west", requestId: `r-${i}` });
    const joined = [audit.committed(), audit.committed()];
    await first;
    const early = verifyChain(file);
    expect(early.ok && early.count >= 100, JSON.stringify(early)).toBe(true);
    await Promise.all(joined);
    // A read-only connection of its own, as an auditor after a crash: no settle has run.
    expect(verifyChain(file)).toMatchObject({ ok: true, count: 150 });
  });

  it("reports a record it cannot canonicalise at the next read, and the next audit system writes again", async () => {
    const broken = open();
    broken.record({ kind: "request", t: 1, region: "eu-west", requestId: "ok-1" });
    broken.record({ kind: "request", t: 2, region: "eu-west", requestId: "nan-1", latencyMs: Number.NaN });
    await expect(broken.committed()).rejects.toThrow(/cannot canonicalise value for the audit log/);
    expect(() => broken.destinations()[0]!.log).toThrow(/cannot canonicalise value for the audit log/);
    expectCloseToReport(broken, /cannot canonicalise/);

    const next = (healthy = open());
    next.record({ kind: "request", t: 3, region: "eu-west", requestId: "ok-2" });
    next.flushAll();
    const log = next.destinations()[0]!.log;
    expect([...log.entries()].map((e) => e.requestId)).toEqual(["ok-2"]);
    expect(verifyChain(log).ok).toBe(true);
  });
});
