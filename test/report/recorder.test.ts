/** What the drill recorder makes of a session's events, fed by hand in the order a run emits them. */
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../engine/events";
import { DrillRecorder } from "../../engine/report/recorder";
import type { Fault } from "../../engine/scenario/schema";

const outage: Fault = { kind: "region-outage", at_s: 10, region: "eu-west", behaviour: "error-503" };

/** A request of population `web` sent at `sentAt` ms through eu-west, to each target in turn; served by the last one unless `outcome` says otherwise. */
function record(id: string, sentAt: number, targets: string[], outcome: RequestRecord["outcome"] = "ok"): RequestRecord {
  const served = targets.at(-1);
  return {
    requestId: id,
    population: "web",
    origin: { region: "eu-west", jurisdiction: "EU" },
    model: "chat",
    consent: false,
    highRisk: false,
    sentAt,
    gateway: "eu-west",
    policy: { allowed: ["EU"], crossBorder: false, reasons: [] },
    attempts: targets.map((target) => ({ target, region: target.split("/")[0]!.split("@")[1]!, startedAt: sentAt, ms: 100, status: outcome === "ok" && target === served ? 200 : 503 })),
    outcome,
    ...(outcome === "ok" && served ? { servedBy: { target: served, model: "gpt-4o", region: served.split("/")[0]!.split("@")[1]!, jurisdiction: "EU" } } : {}),
    latencyMs: 100,
  };
}

/** A recorder with the outage injected at 10 s, then each request finished at its time `t` (ms), in the order given. */
function recorded(finished: { t: number; record: RequestRecord }[]): DrillRecorder {
  const recorder = new DrillRecorder(() => new Map());
  recorder.listener({ type: "fault", t: 10_000, action: "inject", region: "eu-west", faultId: "f1", fault: outage });
  for (const { t, record } of finished) recorder.listener({ type: "request", t, region: "eu-west", record });
  recorder.finish();
  return recorder;
}

const WEST = "openai-sim@eu-west/gpt-4o";
const CENTRAL = "openai-sim@eu-central/gpt-4o";

describe("reroute_s: from the fault to the first rerouted request sent", () => {
  it("is the earliest send of a rerouted request, not the send of the first rerouted request to finish", () => {
    const measure = recorded([
      { t: 10_600, record: record("touched", 10_500, [WEST, CENTRAL]) },
      // Sent at 12 s but slow: finishes after the one sent at 13 s.
      { t: 14_000, record: record("second-sent", 13_000, [CENTRAL]) },
      { t: 19_000, record: record("first-sent", 12_000, [CENTRAL]) },
    ]).faults.get("f1")!;
    expect(measure.reroute_s).toBe(2);
  });

  it("counts a rerouted request that finished before any request of its population touched the fault", () => {
    const measure = recorded([
      { t: 12_500, record: record("rerouted", 12_000, [CENTRAL]) },
      // Sent first, answered last: its attempt at the failed region waited for its timeout.
      { t: 21_000, record: record("touched", 10_500, [WEST, CENTRAL]) },
    ]).faults.get("f1")!;
    expect(measure.reroute_s).toBe(2);
  });

  it("stays unmeasured while no request of the population touched the fault", () => {
    const measure = recorded([{ t: 12_500, record: record("rerouted", 12_000, [CENTRAL]) }]).faults.get("f1")!;
    expect(measure.reroute_s).toBeNull();
  });
});

describe("refusals are failures the caller sees", () => {
  const partition: Fault = { kind: "idp-partition", at_s: 10, region: "eu-west" };
  /** A request through eu-west refused by its token check for `rejection`. */
  const refused = (id: string, sentAt: number, rejection: "idp-unreachable" | "signature"): RequestRecord => ({
    ...record(id, sentAt, []),
    attempts: [],
    outcome: "rejected",
    rejectedBy: "identity",
    identity: { kid: "k1", jti: id, subject: "web", verdict: "rejected", rejection, cacheAgeMs: 300_000 },
    reason: rejection,
  });

  function partitioned(finished: { t: number; record: RequestRecord }[]): DrillRecorder {
    const recorder = new DrillRecorder(() => new Map());
    recorder.listener({ type: "fault", t: 10_000, action: "inject", region: "eu-west", faultId: "f1", fault: partition });
    for (const { t, record } of finished) recorder.listener({ type: "request", t, region: "eu-west", record });
    recorder.finish();
    return recorder;
  }

  it("an identity partition's fail-closed refusals are counted as its own and its RTO runs to the last of them", () => {
    const recorder = partitioned([
      { t: 12_000, record: record("served", 11_900, [WEST]) },
      { t: 320_000, record: refused("closed-1", 319_990, "idp-unreachable") },
      { t: 600_000, record: refused("closed-2", 599_990, "idp-unreachable") },
    ]);
    expect(recorder.faults.get("f1")).toMatchObject({ touched: 3, failed: 0, refused: 2, rto_s: 590 });
  });

  it("a forged token refused at the partitioned gateway is not the partition's doing: neither its refusal nor its RTO", () => {
    const recorder = partitioned([
      { t: 12_000, record: record("served", 11_900, [WEST]) },
      { t: 400_000, record: refused("forged", 399_990, "signature") },
    ]);
    expect(recorder.faults.get("f1")).toMatchObject({ touched: 2, failed: 0, refused: 0, rto_s: 0 });
  });

  it("the totals name what refused each request", () => {
    const recorder = partitioned([
      { t: 320_000, record: refused("closed", 319_990, "idp-unreachable") },
      { t: 330_000, record: { ...record("audit", 329_000, []), outcome: "rejected", rejectedBy: "audit", reason: "fail-closed" } },
      { t: 340_000, record: { ...record("residency", 339_000, []), outcome: "rejected", rejectedBy: "residency", reason: "no EU destination" } },
      { t: 350_000, record: { ...record("full", 350_000, []), outcome: "rejected", rejectedBy: "capacity", reason: "gateway eu-west already had 1,024 requests in flight" } },
    ]);
    expect(recorder.totals.rejected).toBe(4);
    expect(recorder.rejectedBy).toEqual({ identity: 1, audit: 1, residency: 1, capacity: 1 });
  });
});
