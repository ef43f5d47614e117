import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AuditLog, AuditSystem, VirtualClock, type AuditRecord, type LocatedEntry, type TransitionEvent } from "../../engine";
import { crossCheckBuffers } from "../../engine/audit/crossCheck";
import { crossCheckStores } from "../../engine/drill";
import type { AuditConfig } from "../../engine/scenario/schema";

const REGIONS = ["eu-west", "eu-central", "us-east"];
const central: AuditConfig = { pattern: "central", destination: "eu-central", flush_interval_ms: 1_000, on_unreachable: "buffer", high_risk_durable_in: "destination", high_risk_replicas: 1 };
/** Round trips: 1 ms within a region, 25 ms between EU regions, 80 ms across the Atlantic. */
const rttMs = (a: string, b: string) => (a === b ? 1 : a.startsWith("eu") && b.startsWith("eu") ? 25 : 80);

let open: AuditSystem | undefined;
afterEach(() => open?.close());

function system(config: AuditConfig, options: { dir?: string } = {}) {
  const clock = new VirtualClock();
  const cutOff = new Set<string>();
  const transitions: TransitionEvent[] = [];
  open = AuditSystem.open({ config, regions: REGIONS, clock, rttMs, reachable: (region) => !cutOff.has(region), onTransition: (e) => transitions.push(e), ...options });
  open.start();
  return { audit: open, clock, cutOff, transitions };
}

const request = (t: number, region: string, n: number): AuditRecord => ({ kind: "request", t, region, requestId: `${region}-${n}`, outcome: "ok" });
const depth = (audit: AuditSystem, region: string) => audit.bufferStates().find((b) => b.region === region)!.depth;
const order = (entries: LocatedEntry[]) => entries.map(({ entry }) => `${entry.t}:${entry.region}`);

describe("AuditSystem", () => {
  it("Pattern A: a cut-off region's entries wait in its buffer, are found there by request id, and reach the canonical log on heal", async () => {
    const { audit, clock, cutOff, transitions } = system(central);
    cutOff.add("eu-west");
    for (let i = 0; i < 5; i++) {
      audit.record(request(clock.now(), "eu-west", i));
      audit.record(request(clock.now(), "us-east", i));
      await clock.runUntil(clock.now() + 500);
    }
    expect(depth(audit, "eu-west")).toBe(5);
    expect(depth(audit, "us-east")).toBeLessThanOrEqual(1);
    expect(audit.findRequest("eu-west-3").map((f) => f.store)).toEqual(["buffer:eu-west"]);
    expect(audit.findRequest("us-east-0").map((f) => f.store)).toEqual(["canonical"]);

    cutOff.delete("eu-west");
    await clock.runUntil(clock.now() + 1_000);
    expect(depth(audit, "eu-west")).toBe(0);
    expect(audit.findRequest("eu-west-3").map((f) => f.store)).toEqual(["canonical"]);
    expect(transitions.map((t) => `${t.subject}:${t.from}→${t.to}`)).toEqual(["eu-west→canonical:flushing→buffering", "eu-west→canonical:buffering→flushing"]);
    const eu = audit.bufferStats().find((b) => b.region === "eu-west")!;
    expect(eu).toMatchObject({ written: 5, flushed: 5, depth_end: 0, depth_max: 5 });
    expect(eu.flush_lag_ms.max).toBeGreaterThanOrEqual(2_500);
    // Lags max − 2000, …, max − 500, max (entries 500 ms apart): type 7 puts p95 at rank 3.8, 100 ms under
    // the max, where a nearest-rank histogram answers the max itself.
    expect(eu.flush_lag_ms.p95).toBe(eu.flush_lag_ms.max! - 100);
  });

  it("a partition long enough to overflow the in-memory queue still flushes every entry intact, read back from the buffer store", async () => {
    const { audit, clock, cutOff } = system(central);
    cutOff.add("eu-west");
    const recorded = 20_050; // past the queue's bound of 20,000 records
    for (let i = 0; i < recorded; i++) audit.record(request(clock.now(), "eu-west", i));
    audit.record(request(clock.now(), "us-east", 0));
    await clock.runUntil(1_000);
    cutOff.delete("eu-west");
    for (let i = recorded; i < recorded + 5; i++) audit.record(request(clock.now(), "eu-west", i));
    await clock.runUntil(2_000);
    expect(audit.bufferStates().find((b) => b.region === "eu-west")).toMatchObject({ written: recorded + 5, depth: 0 });
    const check = crossCheckBuffers(
      audit.destinations().map((s) => ({ name: s.name, entries: s.log.entries() })),
      new Map([...audit.bufferStores()].map(([region, store]) => [region, store.log.entries()])),
    );
    expect(check.problems).toEqual([]);
    expect(check.regions.find((r) => r.region === "eu-west")).toMatchObject({ arrived: recorded + 5, pending: 0 });
  });

  it("merges the logs into one timeline ordered by time, then region, then seq — not by arrival", async () => {
    const { audit, clock, cutOff } = system(central);
    cutOff.add("us-east");
    audit.record(request(0, "us-east", 1));
    audit.record(request(0, "eu-west", 1));
    audit.record({ kind: "run", t: 0, region: "global" });
    await clock.runUntil(1_000);
    audit.record(request(1_000, "eu-central", 1));
    cutOff.delete("us-east");
    await clock.runUntil(3_000);
    // us-east's entry arrived last in the canonical log but belongs first among those at t=0 after eu-west.
    const arrival = [...audit.destinations()[0]!.log.entries()].map((e) => `${e.t}:${e.region}`);
    expect(arrival.indexOf("0:us-east")).toBeGreaterThan(arrival.indexOf("1000:eu-central"));
    expect(order([...audit.timeline()])).toEqual(["0:eu-west", "0:global", "0:us-east", "1000:eu-central"]);
  });

  it("Pattern B: one log per region and a global log; a request is found whichever region handled it", async () => {
    const { audit, clock } = system({ ...central, pattern: "per-region", destination: undefined } as AuditConfig);
    expect(audit.destinations().map((s) => s.name)).toEqual(["region:eu-west", "region:eu-central", "region:us-east", "global"]);
    audit.record({ kind: "run", t: 0, region: "global" });
    for (const region of REGIONS) audit.record(request(10, region, 7));
    await clock.runUntil(1_000);
    for (const region of REGIONS) expect(audit.findRequest(`${region}-7`)).toMatchObject([{ store: `region:${region}` }]);
    expect(order([...audit.timeline()])).toEqual(["0:global", "10:eu-central", "10:eu-west", "10:us-east"]);
  });

  it("fails closed only where a region is cut off under fail-closed, and prices a durable write by the round trip to the destination", () => {
    const buffering = system(central);
    buffering.cutOff.add("eu-west");
    expect(buffering.audit.failsClosed("eu-west")).toBe(false);
    expect(buffering.audit.durableWriteMs("eu-west")).toBe(0);
    expect(buffering.audit.durableWriteMs("us-east")).toBe(80);
    buffering.audit.close();

    const closed = system({ ...central, on_unreachable: "fail-closed", high_risk_durable_in: "replicas" });
    closed.cutOff.add("eu-west");
    expect(closed.audit.failsClosed("eu-west")).toBe(true);
    expect(closed.audit.failsClosed("us-east")).toBe(false);
    expect(closed.audit.durableWriteMs("us-east")).toBe(0);
  });

  it("keeps a high-risk entry in the configured number of regional stores: its own buffer and the nearest peers' replica stores", () => {
    const { audit } = system({ ...central, high_risk_durable_in: "replicas", high_risk_replicas: 2 });
    expect(audit.allStores().map((s) => s.name)).toEqual([
      "canonical",
      "buffer:eu-west",
      "buffer:eu-central",
      "buffer:us-east",
      "replica:eu-west",
      "replica:eu-central",
      "replica:us-east",
    ]);
    // eu-west's nearest peer is eu-central (25 ms); us-east's are both 80 ms away, and eu-central wins by name.
    expect(audit.durableWriteMs("eu-west")).toBe(25);
    expect(audit.durableWriteMs("us-east")).toBe(80);
    audit.record(request(5, "eu-west", 1));
    audit.commitHighRisk("eu-west");
    audit.record(request(6, "us-east", 1));
    audit.commitHighRisk("us-east");
    const copies = (store: string) => [...audit.allStores().find((s) => s.name === store)!.log.entries()].map((e) => JSON.parse(e.body) as { requestId: string; replicaOf: unknown });
    expect(copies("replica:eu-central").map((c) => [c.requestId, c.replicaOf])).toEqual([
      ["eu-west-1", { region: "eu-west", seq: 1 }],
      ["us-east-1", { region: "us-east", seq: 1 }],
    ]);
    expect(copies("replica:eu-west")).toEqual([]);
    expect(audit.highRisk).toEqual({ durableAtDestination: 0, durableInReplicas: 2, durableInBufferOnly: 0 });
    expect(crossCheckStores(audit).problems).toEqual([]);
    // A copy of something eu-west never wrote, appended to a replica store's file with a valid chain, is caught.
    const forger = AuditLog.open(audit.allStores().find((s) => s.name === "replica:us-east")!.file);
    forger.append({ ...request(7, "eu-west", 9), replicaOf: { region: "eu-west", seq: 1 } });
    forger.close();
    expect(crossCheckStores(audit).problems).toEqual(["replica:us-east seq 1 differs from buffer:eu-west seq 1"]);
  });

  it("refuses a directory that already holds a store, naming the file, and opens nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "failover-lab-system-"));
    try {
      writeFileSync(join(dir, "buffer-eu-west.db"), "");
      expect(() => system(central, { dir })).toThrow(`audit store ${join(dir, "buffer-eu-west.db")} already exists; use an empty directory`);
      open = undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("AuditSystem.timelinePage (Pattern B's global query, paged)", () => {
  it("gives exactly the merged timeline's slice at every offset, ties across regions included", async () => {
    const { audit, clock } = system({ ...central, pattern: "per-region", destination: undefined } as AuditConfig);
    audit.record({ kind: "run", t: 0, region: "global" });
    // Several entries per ms and per region, and regions sharing ms, so the merge's tie-breaks are exercised.
    for (let ms = 0; ms < 40; ms++) {
      for (const [i, region] of REGIONS.entries()) if ((ms + i) % 3 !== 0) for (let k = 0; k <= (ms % 2); k++) audit.record(request(ms, region, ms * 10 + k));
      if (ms % 7 === 0) audit.record({ kind: "transition", t: ms, region: "global" });
      await clock.runUntil(ms + 1);
    }
    await clock.runUntil(2_000);
    const whole = [...audit.timeline()].map(({ store, entry }) => `${store}#${entry.seq}`);
    expect(whole.length).toBeGreaterThan(100);
    for (const limit of [1, 7, 50])
      for (let offset = 0; offset <= whole.length; offset += 3) {
        const page = audit.timelinePage(offset, limit);
        expect(page.total).toBe(whole.length);
        expect(page.entries.map(({ store, entry }) => `${store}#${entry.seq}`), `offset ${offset}, limit ${limit}`).toEqual(whole.slice(offset, offset + limit));
      }
  });

  it("refuses Pattern A's canonical log, which is in arrival order, not time order", () => {
    const { audit } = system(central);
    expect(() => audit.timelinePage(0, 10)).toThrow(/Pattern B/);
  });
});
