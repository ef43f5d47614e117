import { describe, expect, it } from "vitest";
import { HealthCheckCounter, type HealthChange } from "../../engine/hysteresis";

/** The changes a run of checks causes, one per check ("." for none). */
function changes(thresholds: { unhealthy: number; healthy: number }, checks: string): string {
  const counter = new HealthCheckCounter(thresholds);
  const mark = (change: HealthChange) => (change === "went-down" ? "D" : change === "came-back" ? "U" : ".");
  return [...checks].map((c) => mark(counter.record(c === "+"))).join("");
}

describe("HealthCheckCounter (Envoy's handleSuccess/handleFailure)", () => {
  it.each([
    { thresholds: { unhealthy: 3, healthy: 2 }, checks: "--+---", expected: ".....D", why: "a passed check restarts the failure count" },
    { thresholds: { unhealthy: 3, healthy: 2 }, checks: "---+-++", expected: "..D...U", why: "a failed check restarts the recovery count" },
    { thresholds: { unhealthy: 1, healthy: 1 }, checks: "-+-+", expected: "DUDU", why: "thresholds of one follow every check" },
    { thresholds: { unhealthy: 2, healthy: 2 }, checks: "++++", expected: "....", why: "a healthy subject that passes changes nothing" },
    { thresholds: { unhealthy: 2, healthy: 3 }, checks: "-----+++++", expected: ".D.....U..", why: "further failures or passes once flipped change nothing" },
  ])("$checks with thresholds $thresholds.unhealthy down / $thresholds.healthy up → $expected: $why", ({ thresholds, checks, expected }) => {
    expect(changes(thresholds, checks)).toBe(expected);
  });

  it("counts the checks in a row that led to the change", () => {
    const counter = new HealthCheckCounter({ unhealthy: 3, healthy: 2 });
    for (const ok of [false, false, false, false]) counter.record(ok);
    expect({ healthy: counter.healthy, failed: counter.consecutiveFailed, passed: counter.consecutivePassed }).toEqual({ healthy: false, failed: 4, passed: 0 });
    counter.record(true);
    expect(counter.record(true)).toBe("came-back");
    expect({ healthy: counter.healthy, failed: counter.consecutiveFailed, passed: counter.consecutivePassed }).toEqual({ healthy: true, failed: 0, passed: 2 });
  });
});
