import { afterEach, describe, expect, it } from "vitest";
import { AuditLog } from "../../engine";

let log: AuditLog | undefined;
afterEach(() => log?.close());

/** 250 request entries over three regions and three outcomes, and a transition every tenth. */
function filled(): AuditLog {
  const audit = AuditLog.open(":memory:", { batchSize: 7 });
  const regions = ["eu-west", "eu-central", "us-east"];
  const outcomes = ["ok", "error", "rejected"];
  for (let i = 0; i < 250; i++) {
    if (i % 10 === 0) audit.append({ kind: "transition", t: i * 10, region: regions[i % 3]!, machine: "circuit", from: "closed", to: "open" });
    audit.append({ kind: "request", t: i * 10 + 1, region: regions[i % 3]!, requestId: `r-${i}`, outcome: outcomes[i % 3 === 0 ? 0 : i % 7 === 0 ? 1 : 0] });
  }
  return audit;
}

describe("AuditLog.query", () => {
  it("pages through the whole log in seq order, including entries not yet flushed", () => {
    log = filled();
    const total = log.head.seq;
    expect(total).toBe(275);
    const seen: number[] = [];
    for (let offset = 0; offset < total; offset += 40) {
      const page = log.query({}, offset, 40);
      expect(page.total).toBe(total);
      seen.push(...page.entries.map((e) => e.seq));
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(log.query({}, total, 10).entries).toEqual([]);
  });

  it("filters by region, kind, request id and outcome, counting every match", () => {
    log = filled();
    const euWest = log.query({ region: "eu-west" }, 0, 1000);
    expect(euWest.total).toBe(euWest.entries.length);
    expect(euWest.entries.every((e) => e.region === "eu-west")).toBe(true);
    expect(euWest.total).toBe([...log.entries()].filter((e) => e.region === "eu-west").length);

    const errors = log.query({ kind: "request", outcome: "error" }, 0, 1000);
    expect(errors.total).toBeGreaterThan(0);
    expect(errors.entries.every((e) => JSON.parse(e.body).outcome === "error")).toBe(true);

    const page = log.query({ region: "eu-central", kind: "request" }, 5, 10);
    const all = log.query({ region: "eu-central", kind: "request" }, 0, 1000).entries;
    expect(page.entries).toEqual(all.slice(5, 15));

    expect(log.query({ requestId: "r-42" }, 0, 10).entries.map((e) => e.requestId)).toEqual(["r-42"]);
    expect(log.query({ requestId: "nope" }, 0, 10)).toEqual({ total: 0, entries: [] });
  });

  it("finds one entry by seq, and nothing past the head", () => {
    log = filled();
    expect(log.entry(12)?.seq).toBe(12);
    expect(log.entry(log.head.seq)?.hash).toBe(log.head.hash);
    expect(log.entry(log.head.seq + 1)).toBeUndefined();
  });
});
