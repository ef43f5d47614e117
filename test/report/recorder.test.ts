/** What the drill recorder makes of a session's events, fed by hand in the order a run emits them. */
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../engine/events";
import { DrillRecorder } from "../../engine/report/recorder";
import type { Fault } from "../../engine/scenario/schema";

const outage: Fault = { kind: "region-outage", at_s: 10, region: "eu-west", behaviour: "error-503" };

/** A request of population `web` sent at `sentAt` ms through eu-west, to each target in turn; served by the last one unless `outcome` says otherwise. */
function record(id: string, sentAt: number, targets: string[], outcome: RequestRecord["outcome"] = "ok"): RequestRecord {
  const served = targets.at(-1)!;
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
    ...(outcome === "ok" ? { servedBy: { target: served, model: "gpt-4o", region: served.split("/")[0]!.split("@")[1]!, jurisdiction: "EU" } } : {}),
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
