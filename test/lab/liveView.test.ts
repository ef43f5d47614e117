/**
 * The live view is a pure projection of a run, and it states the run's facts as the report does: while
 * the run goes an unmeasurable expectation is pending; at its end, answers and expectations are a drill's.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile, runDrill } from "../../engine";
import { liveSnapshot } from "../../engine/lab/liveView";
import { Run } from "../../engine/lab/run";
import { answersOfReport } from "./reportAnswers";

const fixture = join(import.meta.dirname, "../fixtures/short-drill.yaml");
// One expectation more than the file states: an RTO, which has no value before the outage.
const scenario = { ...loadScenarioFile(fixture), expect: [...loadScenarioFile(fixture).expect, "rto_s <= 60"] };
const settings = { speed: 10, gatewayApi: null };

let run: Run | undefined;
afterEach(() => {
  run?.close();
  run = undefined;
});

describe("the live view", () => {
  it("changes nothing in the run it projects, and gives the same snapshot twice", async () => {
    run = new Run(scenario, readFileSync(fixture, "utf8"), "short-drill.yaml", {});
    await run.clock.runUntil(25_000);
    const state = () => ({ now: run!.clock.now(), events: run!.events, chain: run!.audit.chain, totals: { ...run!.recorder.totals }, series: run!.recorder.series.length });
    const before = state();
    const first = liveSnapshot(run, settings);
    expect(liveSnapshot(run, settings)).toEqual(first);
    expect(state()).toEqual(before);
    expect(first.nowMs).toBe(25_000);
  });

  it("shows an expectation pending while its metric has no value, and draws the recorder's seconds", async () => {
    run = new Run(scenario, readFileSync(fixture, "utf8"), "short-drill.yaml", {});
    await run.clock.runUntil(15_000);
    const early = liveSnapshot(run, settings);
    expect(early.expectations.find((e) => e.text === "rto_s <= 60")).toEqual({ text: "rto_s <= 60", actual: null, status: "pending" });
    // Met so far, but a violation could still come: not decided before the end.
    expect(early.expectations.find((e) => e.text === "residency_violations == 0")).toMatchObject({ actual: 0, status: "holding" });
    // The charts' seconds are the report's series, with where each second's requests went.
    expect(early.metrics.map(({ t, requests, errors, p95Ms }) => ({ t_s: t / 1000, requests, errors, p95_ms: p95Ms }))).toEqual(
      run.recorder.series.map(({ t_s, requests, errors, p95_ms }) => ({ t_s, requests, errors, p95_ms })),
    );
    for (const point of early.metrics) expect(Object.values(point.byGateway).reduce((a, b) => a + b, 0)).toBe(point.requests);
    expect(early.metrics.length).toBeGreaterThan(10);
  });

  it("at the end of a finished run, states the answers and expectations of a drill of the same scenario", async () => {
    run = new Run(scenario, readFileSync(fixture, "utf8"), "short-drill.yaml", {});
    await run.clock.runUntil(run.endMs);
    run.status = "finished";
    await run.finish();
    const { questions, expectations } = liveSnapshot(run, settings);
    expect({ questions, expectations }).toEqual(answersOfReport(await runDrill(scenario, {})));
    expect(expectations.find((e) => e.text === "rto_s <= 60")?.status).not.toBe("pending");
  });
});
