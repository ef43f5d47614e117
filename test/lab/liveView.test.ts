/**
 * The live view is a pure projection of a run, and it states the run's facts as the report does: while
 * the run goes an unmeasurable expectation is pending; at its end, answers and expectations are a drill's.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioFile, runDrill } from "../../engine";
import { VACUOUS_RUN } from "../../engine/report/verdict";
import { agreedHealth, endpointHealth, gatewayHealth, liveSnapshot } from "../../engine/lab/liveView";
import { Run } from "../../engine/lab/run";
import { answersOfReport } from "./reportAnswers";

const fixture = join(import.meta.dirname, "../fixtures/short-drill.yaml");
// One expectation more than the file states: an RTO, which has no value before the outage.
const scenario = { ...loadScenarioFile(fixture), expect: [...loadScenarioFile(fixture).expect, "rto_s <= 60"] };
const settings = { speed: 10, gatewayApi: null, lesson: null };

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

  it("says a finished run of no requests holds its expectations of nothing, in the report's words, and only then", async () => {
    const silent = { ...scenario, topology: { ...scenario.topology, callers: [] } };
    run = new Run(silent, readFileSync(fixture, "utf8"), "short-drill.yaml", {});
    await run.clock.runUntil(run.endMs);
    expect(liveSnapshot(run, settings).vacuousRun).toBeNull();
    run.status = "finished";
    await run.finish();
    expect(liveSnapshot(run, settings).vacuousRun).toBe(VACUOUS_RUN);
  });

  it("counts each link's cross-border answers of the window by the lawful basis the policy recorded", async () => {
    const file = join(import.meta.dirname, "../../scenarios/eu-outage-consent.yaml");
    run = new Run(loadScenarioFile(file), readFileSync(file, "utf8"), "eu-outage-consent.yaml", {});
    await run.clock.runUntil(85_000);
    expect(liveSnapshot(run, settings).links.every((l) => l.crossBorder.consent + l.crossBorder.transferMechanism === 0)).toBe(true);
    await run.clock.runUntil(120_000);
    const { links } = liveSnapshot(run, settings);
    const abroad = links.filter((l) => l.crossBorder.consent > 0);
    // EU callers with consent, received in eu-west, served by the US endpoint; nothing under a transfer mechanism.
    expect(abroad.map((l) => l.gateway)).toContain("eu-west");
    expect(abroad.every((l) => l.endpoint.includes("us-east"))).toBe(true);
    expect(links.every((l) => l.crossBorder.transferMechanism === 0)).toBe(true);
    const windowServed = run.recorder.traffic.slice(-10).reduce((n, s) => n + Object.values(s.crossBorder).reduce((m, c) => m + c.consent, 0), 0);
    expect(abroad.reduce((n, l) => n + l.crossBorder.consent, 0)).toBe(windowServed);
    expect(windowServed).toBeGreaterThan(0);
    expect(windowServed).toBeLessThanOrEqual(run.recorder.totals.crossBorderServed);
  });

  it("counts refusals on the callers and gateways that met them, and per second beside the errors", async () => {
    const file = join(import.meta.dirname, "../../scenarios/eu-outage-reject.yaml");
    run = new Run(loadScenarioFile(file), readFileSync(file, "utf8"), "eu-outage-reject.yaml", {});
    await run.clock.runUntil(140_000);
    const snapshot = liveSnapshot(run, settings);
    const eu = snapshot.populations.find((p) => p.id === "eu-web")!;
    const us = snapshot.populations.find((p) => p.id === "us-web")!;
    expect(eu.unanswered.refused).toBeGreaterThan(300);
    expect(eu.unanswered.refused + us.unanswered.refused).toBe(run.recorder.totals.rejected);
    expect(us.unanswered.refused).toBe(0);
    // The EU callers without a usable EU destination are refused, all of them in the window.
    expect(eu.unanswered.recentShare).toBe(1);
    const gateways = snapshot.regions.reduce((n, r) => n + r.unanswered.refused, 0);
    expect(gateways).toBe(run.recorder.totals.rejected);
    expect(snapshot.metrics.reduce((n, p) => n + p.refused, 0)).toBe(run.recorder.series.slice(-snapshot.metrics.length).reduce((n, p) => n + p.rejected, 0));
    expect(snapshot.metrics.at(-1)!.refused).toBeGreaterThan(0);
  });

  it("draws a gateway failing closed on identity as failed, though its machine says healthy", async () => {
    const file = join(import.meta.dirname, "../../scenarios/idp-partition-fail-closed.yaml");
    run = new Run(loadScenarioFile(file), readFileSync(file, "utf8"), "idp-partition-fail-closed.yaml", {});
    await run.clock.runUntil(400_000);
    const snapshot = liveSnapshot(run, settings);
    expect(snapshot.identity!.gateways.find((g) => g.region === "eu-west")!.state).toBe("fail-closed");
    expect(snapshot.regions.find((r) => r.id === "eu-west")!.health).toBe("failed");
    expect(snapshot.regions.find((r) => r.id === "us-east")!.health).toBe("healthy");
  });

  it("calls a node failed only when it truly serves nothing", () => {
    const none = { errors: 0, refused: 0, recentShare: 0 };
    expect(gatewayHealth(false, "healthy", "fail-closed", none)).toBe("failed");
    expect(gatewayHealth(false, "healthy", "fresh", { ...none, recentShare: 1 })).toBe("failed");
    expect(gatewayHealth(false, "healthy", "fresh", { ...none, recentShare: 0.3 })).toBe("degraded");
    expect(gatewayHealth(false, "healthy", undefined, none)).toBe("healthy");
    // One gateway holding a circuit open while the others are served through it: degraded, not failed.
    expect(agreedHealth(["failed", "healthy", "healthy"])).toBe("degraded");
    expect(agreedHealth(["failed", "failed"])).toBe("failed");
    expect(endpointHealth(false, ["failed"], 40)).toBe("degraded");
    expect(endpointHealth(false, ["failed"], 0)).toBe("failed");
    expect(endpointHealth(true, ["healthy"], 40)).toBe("failed");
    expect(endpointHealth(false, ["healthy", "degraded"], 40)).toBe("degraded");
  });
});
