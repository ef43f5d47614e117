/**
 * The soak (issue 18, "What it must show"): a shipped scenario simulated headless for 24 hours of virtual
 * time, its faults where the file puts them and then its callers on at their rates for the rest of the day.
 * The heap and the resident set are sampled after a forced GC every half virtual hour; flat means the slope
 * from the second quarter of the samples to the last (bench/memory.ts) is near zero. The drill's own
 * verification and review of the log at the end are timed but not sampled.
 */
import { join } from "node:path";
import { loadScenarioFile, runDrill } from "../engine";
import { sampleMemory, type MemorySample } from "./memory";

/** The scenario soaked: its callers at 8 requests/s over weighted routes and per-deployment rate limits. */
export const SOAK_SCENARIO = "weighted-rate-limits.yaml";
const SAMPLE_EVERY_MS = 30 * 60_000;

export interface Soak {
  readonly scenario: string;
  readonly hours: number;
  readonly requests: number;
  readonly samples: MemorySample[];
  readonly simulatedS: number;
  readonly wallS: number;
}

/** Runs {@link SOAK_SCENARIO} for `hours` of virtual time. */
export async function benchSoak(hours = 24): Promise<Soak> {
  const scenario = { ...loadScenarioFile(join(import.meta.dirname, "../scenarios", SOAK_SCENARIO)), duration_s: hours * 3600 };
  const samples: MemorySample[] = [];
  let nextSampleMs = SAMPLE_EVERY_MS;
  let simulated = 0;
  const started = performance.now();
  const report = await runDrill(scenario, {
    onProgress: (now) => {
      if (now < nextSampleMs) return;
      nextSampleMs += SAMPLE_EVERY_MS;
      samples.push(sampleMemory(now / 3_600_000));
    },
    onSimulated: () => {
      simulated = performance.now();
    },
  });
  return { scenario: SOAK_SCENARIO, hours, requests: report.totals.requests, samples, simulatedS: (simulated - started) / 1000, wallS: (performance.now() - started) / 1000 };
}
