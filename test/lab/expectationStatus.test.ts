/**
 * The live panel decides an expectation only when later seconds cannot change it: at t = 0 nothing is
 * failed, a bound met so far is "holding", and a growing count past an upper bound is failed for good.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../engine";
import { expectationStatus } from "../../engine/lab/expectationStatus";
import { liveSnapshot } from "../../engine/lab/liveView";
import { Run } from "../../engine/lab/run";
import { evaluateExpectations, type Metrics } from "../../engine/report/expectations";

/** The status of one expectation against one figure, mid-run or at the end. */
function statusOf(expectation: string, actual: number | null, over = false) {
  const [result] = evaluateExpectations([expectation], { [expectation.split(" ")[0]!]: actual } as Metrics);
  return expectationStatus(result!, over);
}

describe("an expectation's status while the run goes on", () => {
  it("is pending without a value, and fails at the end without one, as the report does", () => {
    expect(statusOf("rto_s <= 60", null)).toBe("pending");
    expect(statusOf("rto_s <= 60", null, true)).toBe("fail");
  });

  it("shows an upper bound met so far as holding, and a growing count past it as failed for good", () => {
    expect(statusOf("residency_violations == 0", 0)).toBe("holding");
    expect(statusOf("errors <= 5", 5)).toBe("holding");
    expect(statusOf("errors <= 5", 6)).toBe("fail");
    expect(statusOf("detection_s < 15", 15)).toBe("fail");
    expect(statusOf("director_failovers == 1", 2)).toBe("fail");
  });

  it("shows a lower bound not reached yet as pending, and a growing count that reached it as passed", () => {
    expect(statusOf("rejected_by_policy > 100", 0)).toBe("pending");
    expect(statusOf("director_failovers == 1", 0)).toBe("pending");
    expect(statusOf("rejected_by_policy > 100", 101)).toBe("pass");
    expect(statusOf("accepted_rotated_key >= 150", 150)).toBe("pass");
  });

  it("decides nothing early on a figure that can move either way", () => {
    expect(statusOf("success_rate >= 0.99", 1)).toBe("holding");
    expect(statusOf("success_rate >= 0.99", 0.9)).toBe("pending");
    expect(statusOf("p95_latency_ms <= 500", 900)).toBe("pending");
    expect(statusOf("chain_valid == 1", 1)).toBe("holding");
    expect(statusOf("success_rate >= 0.99", 0.9, true)).toBe("fail");
    expect(statusOf("success_rate >= 0.99", 1, true)).toBe("pass");
  });
});

describe("the live panel's expectations", () => {
  const fixture = join(import.meta.dirname, "../fixtures/short-drill.yaml");
  const loaded = loadScenarioFile(fixture);
  const scenario = { ...loaded, expect: [...loaded.expect, "rto_s <= 60", "errors <= 1000000"] };
  const settings = { speed: 10, gatewayApi: null, lesson: null };
  let run: Run | undefined;
  afterEach(() => {
    run?.close();
    run = undefined;
  });
  /** As the lab pushes a snapshot: the audit stores read up to now first. */
  const statuses = () => {
    run!.audit.catchUp();
    return Object.fromEntries(liveSnapshot(run, settings).expectations.map((e) => [e.text, e.status]));
  };

  it("fails none at t = 0 and decides none before the end, then states the report's verdicts", async () => {
    run = new Run(scenario, readFileSync(fixture, "utf8"), "short-drill.yaml", {});
    // Nothing refused yet, no outage yet: neither is a failure.
    expect(statuses()).toEqual({ "residency_violations == 0": "holding", "rejected_by_policy > 0": "pending", "rto_s <= 60": "pending", "errors <= 1000000": "holding" });
    await run.clock.runUntil(45_000);
    // Past the outage: refusals seen (decided), an RTO under its bound so far, errors far below theirs.
    expect(statuses()).toEqual({ "residency_violations == 0": "holding", "rejected_by_policy > 0": "pass", "rto_s <= 60": "holding", "errors <= 1000000": "holding" });
    await run.clock.runUntil(run.endMs);
    run.status = "finished";
    await run.finish();
    expect(statuses()).toEqual({ "residency_violations == 0": "pass", "rejected_by_policy > 0": "pass", "rto_s <= 60": "pass", "errors <= 1000000": "pass" });
  });
});
