import { describe, expect, it } from "vitest";
import { providerSlowdown } from "../../engine/faults/provider-slowdown";
import { describeFault } from "../../engine/scenario/describeFault";
import { FaultBook } from "../../engine/faults/book";
import { drillFixture } from "./drill";

const slowdown = providerSlowdown.schema.parse({ kind: "provider-slowdown", at_s: 30, region: "eu-west", provider: "openai-sim", model: "gpt-4o", factor: 4 });

describe("provider-slowdown", () => {
  it("multiplies the service time of its endpoint's model only, and factors in force multiply", () => {
    const book = new FaultBook();
    expect(book.serviceTimeFactor("openai-sim", "eu-west", "gpt-4o")).toBe(1);
    book.inject("f1", slowdown, 0);
    book.inject("f2", { ...slowdown, model: undefined, factor: 1.5 }, 0);
    expect(book.serviceTimeFactor("openai-sim", "eu-west", "gpt-4o")).toBe(6);
    expect(book.serviceTimeFactor("openai-sim", "eu-west", "mini-1")).toBe(1.5);
    expect(book.serviceTimeFactor("openai-sim", "eu-central", "gpt-4o")).toBe(1);
    expect(book.statusPage("openai-sim", "eu-west", 0, 0)).toBe("degraded_performance");
  });

  it("reads as a slowdown, and a degraded target of its model detects it", () => {
    expect(describeFault(slowdown)).toBe("openai-sim in eu-west 4× slower for gpt-4o");
    const alarm = { type: "transition", t: 0, machine: "target-health", region: "eu-west", subject: "eu-west→openai-sim@eu-west/gpt-4o", from: "healthy", to: "degraded", cause: "p95" } as const;
    expect(providerSlowdown.impact.alarmDetects?.(slowdown, alarm, "openai-sim@eu-west/gpt-4o")).toBe(true);
    expect(providerSlowdown.impact.alarmDetects?.(slowdown, alarm, "openai-sim@eu-west/mini-1")).toBe(false);
  });

  it("as a drill: probes pass, the gateways measure the p95 past the budget and move EU traffic to eu-central", async () => {
    const report = await drillFixture("provider-slowdown.yaml");
    const measured = report.questions.detection.faults[0]!;
    expect(measured.kind).toBe("provider-slowdown");
    expect(measured.detected_by).toMatchObject({ machine: "target-health", to: "degraded", cause: expect.stringMatching(/p95 \d+ ms exceeds the 5000 ms budget/) });
    expect(measured.detection_s!).toBeLessThan(30);
    expect(measured.requests_touched).toBeGreaterThan(50);
    expect(report.totals.served_in["eu-central"]!).toBeGreaterThan(report.totals.served_in["eu-west"]!);
    expect(report.totals.errors).toBe(0);
    expect(report.passed).toBe(true);
  }, 300_000);

  it("as a drill with the director's drain settings: eu-west is drained on its served p95, held drained by its status page, and restored after the heal", async () => {
    const report = await drillFixture("provider-slowdown-drained.yaml");
    const director = report.transitions.filter((t) => t.machine === "director");
    expect(director.map((t) => [t.subject, t.to])).toEqual([
      ["eu-west", "regionsWithdrawn"],
      ["eu-west", "allServing"],
    ]);
    const [drained, restored] = director as [(typeof director)[number], (typeof director)[number]];
    // Slowed from 30 s to 180 s; its gateway stays ready throughout (p95 inside its 10 s budget).
    expect(report.transitions.filter((t) => t.machine === "gateway")).toEqual([]);
    expect(drained.cause).toMatch(/^eu-west withdrawn: 3 consecutive health checks failed \(last: served p95 \d+ ms over the 5000 ms drain threshold\)$/);
    // Three failed rounds, 10 s apart, once slow answers pass 5 % of the window.
    expect(drained.t).toBeGreaterThan(50_000);
    expect(drained.t).toBeLessThan(90_000);
    // The status page reads operational from 190 s, at the gateway's next poll; then three passed rounds.
    expect(restored.cause).toBe("eu-west restored: 3 consecutive health checks passed");
    expect(restored.t).toBeGreaterThan(210_000);
    expect(restored.t).toBeLessThan(300_000);
    // A fault naming a provider is detected by that provider's own targets, never by the withdrawal it led to.
    expect(report.questions.detection.faults[0]!.detected_by).toMatchObject({ machine: "target-health", subject: "eu-west→openai-sim@eu-west/gpt-4o", to: "degraded" });
    expect(report.totals.served_in["eu-central"]!).toBeGreaterThan(1000);
    expect(report.totals.errors).toBe(0);
    expect(report.passed).toBe(true);
  }, 300_000);

  it("as a drill draining on the p95 alone: drained, eu-west's p95 runs dry, it is let back on trial and drained again while still slow", async () => {
    // No status page to hold the drain, and a slowdown long enough to outlast the first trial.
    const report = await drillFixture("provider-slowdown-drained.yaml", (s) => ({
      ...s,
      duration_s: 360,
      director: { ...s.director, drain_on_provider_status: undefined },
      faults: s.faults.map((f) => ({ ...f, heal_s: 260 })),
    }));
    const director = report.transitions.filter((t) => t.machine === "director");
    expect(director.map((t) => t.to)).toEqual(["regionsWithdrawn", "allServing", "regionsWithdrawn", "allServing"]);
    const [drained, trial, again, restored] = director.map((t) => t.t) as [number, number, number, number];
    // Back on trial once its p95 ran dry (one 60 s passive window) and three rounds passed ...
    expect(trial - drained).toBeGreaterThanOrEqual(60_000 + 20_000);
    // ... drained again on fresh slow answers before the heal at 260 s, and restored only after it.
    expect(again).toBeLessThan(260_000);
    expect(restored).toBeGreaterThan(260_000);
  }, 300_000);
});
