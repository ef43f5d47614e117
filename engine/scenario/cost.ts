/**
 * What a run will cost before it starts, pure: how many requests the caller populations are expected to send
 * (their Poisson rates over the run, traffic surges included) and how long a headless drill of them takes on
 * this machine. The bound a run may reach without `--allow-large`, and the schema's cap on the total rate,
 * live here so that the command line, the app and the schema share one definition.
 */
import type { Fault } from "../faults/registry";

/**
 * Simulated requests per wall-clock second of a whole headless drill (simulation, audit verification and
 * review) on the development VM: BENCHMARKS.md, "Headless drills over the direct transport", whole drill
 * best of 3, 5,098 and 8,840 requests/s on two runs; the lower figure, rounded down, so an estimate errs long.
 */
export const SIMULATED_REQUESTS_PER_S = 5_000;

/**
 * The most requests one run (a drill, a design of a comparison, a sweep's run, a lesson's step) may be expected
 * to send without `--allow-large`: about 400 s at {@link SIMULATED_REQUESTS_PER_S}, the longest a drill should
 * take before its user says so. Memory grows by about 0.2 kB a request above a base the rate sets (592 MB at
 * 1,000 requests/s; BENCHMARKS.md, "Absurd runs"), so 2,000,000 requests stay near 1 GB at such rates. What the
 * requests in flight at once hold, which this count does not see, is bounded apart: each gateway holds at most
 * `gateway.max_in_flight` (engine/gateway/overload.ts).
 */
export const MAX_REQUESTS_PER_RUN = 2_000_000;

/**
 * The most requests a whole sweep may be expected to send without `--allow-large`: its memory does not grow
 * with runs (engine/sweep/aggregate.ts), so this bounds time only, about 67 minutes on one job here.
 */
export const MAX_REQUESTS_PER_SWEEP = 20_000_000;

/** The most requests per second every caller population together may send at any moment, traffic surges counted (the schema's cap). */
export const MAX_TOTAL_RATE_PER_S = 10_000;

/** What of a scenario its cost depends on. */
export interface CostInput {
  readonly duration_s: number;
  readonly topology: { readonly callers: readonly { readonly id: string; readonly rate_per_s: number }[] };
  readonly faults: readonly Fault[];
}

/** A run's expected cost. */
export interface RunCost {
  /** Expected requests (the mean of the Poisson arrivals), rounded. */
  readonly requests: number;
  /** Expected wall-clock seconds of a headless run here, at {@link SIMULATED_REQUESTS_PER_S}. */
  readonly seconds: number;
  /** The most requests allowed without `--allow-large`: {@link MAX_REQUESTS_PER_RUN} for one run, {@link MAX_REQUESTS_PER_SWEEP} for a sweep's runs together. */
  readonly bound: number;
  /** Above `bound`. */
  readonly overBound: boolean;
}

/** One stretch of the run during which every population sends at a constant rate. */
export interface RateSegment {
  /** Seconds from the start of the run. */
  readonly from_s: number;
  readonly to_s: number;
  /** Requests per second of each population, in the file's order, surges applied. */
  readonly rates: readonly number[];
  /** The index in `faults` of each traffic surge in force. */
  readonly surges: readonly number[];
}

/**
 * The run cut into stretches of constant rates: the boundaries are the start, the end and every traffic surge's
 * start and heal within the run. A surge multiplies its population's rate (surges on one population multiply).
 */
export function rateSegments(scenario: CostInput): RateSegment[] {
  const end = scenario.duration_s;
  const surges = scenario.faults.flatMap((fault, index) => (fault.kind === "traffic-surge" ? [{ fault, index }] : []));
  const cuts = [...new Set([0, end, ...surges.flatMap(({ fault }) => [fault.at_s, fault.heal_s ?? end])].filter((t) => t >= 0 && t <= end))].sort((a, b) => a - b);
  const segments: RateSegment[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    const active = surges.filter(({ fault }) => fault.at_s <= from && (fault.heal_s ?? end) >= to);
    const rates = scenario.topology.callers.map((c) => active.reduce((rate, { fault }) => (fault.population === c.id ? rate * fault.factor : rate), c.rate_per_s));
    segments.push({ from_s: from, to_s: to, rates, surges: active.map(({ index }) => index) });
  }
  return segments;
}

/**
 * Requests every population is expected to send over the run: rate × duration, surges included, as the file
 * states them, which is what the populations send (test/sim/traffic.test.ts).
 */
export function expectedRequests(scenario: CostInput): number {
  return rateSegments(scenario).reduce((sum, s) => sum + (s.to_s - s.from_s) * s.rates.reduce((a, b) => a + b, 0), 0);
}

/** The cost of one run of the scenario. */
export function estimateRun(scenario: CostInput): RunCost {
  return costOf(expectedRequests(scenario), MAX_REQUESTS_PER_RUN);
}

/** The cost of a sweep's runs together, against {@link MAX_REQUESTS_PER_SWEEP}; each run is held to its own bound apart. */
export function estimateRuns(runs: readonly RunCost[]): RunCost {
  return costOf(
    runs.reduce((sum, run) => sum + run.requests, 0),
    MAX_REQUESTS_PER_SWEEP,
  );
}

/** The first refusal of a sweep: its largest run over the run's bound, else all of them together over the sweep's. */
export function sweepRefusal(runs: readonly RunCost[], what: string, flag: string): string | undefined {
  const largest = runs.reduce<RunCost | undefined>((max, run) => (max === undefined || run.requests > max.requests ? run : max), undefined);
  return (largest && refusalOf(largest, `${what}: one run`, flag)) ?? refusalOf(estimateRuns(runs), `${what}: ${runs.length.toLocaleString("en-US")} runs`, flag);
}

function costOf(requests: number, bound: number): RunCost {
  return { requests: Math.round(requests), seconds: requests / SIMULATED_REQUESTS_PER_S, bound, overBound: requests > bound };
}

/** `~31,000 requests ≈ 6 s here`, the figures as people read them. */
export function describeCost(cost: RunCost): string {
  return `~${cost.requests.toLocaleString("en-US")} requests ≈ ${formatSeconds(cost.seconds)} here`;
}

/** Wall-clock seconds as people read them: `< 1 s`, `42 s`, `7 min`, `3.2 h`, `12 days`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return "< 1 s";
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${Math.round(seconds / 86_400).toLocaleString("en-US")} days`;
}

/**
 * Why a run over the bound is refused, naming what it is and how to run it anyway; undefined within the bound.
 * `what` names the run (`scenarios/x.yaml`), `flag` how to allow it (`--allow-large`).
 */
export function refusalOf(cost: RunCost, what: string, flag: string): string | undefined {
  if (!cost.overBound) return undefined;
  return `${what}: ${describeCost(cost)}, over the bound of ${cost.bound.toLocaleString("en-US")} requests ${cost.bound === MAX_REQUESTS_PER_RUN ? "a run" : "a sweep"}; ${flag} runs it anyway. Nothing ran.`;
}

/**
 * The population or surge that takes the populations' total rate over {@link MAX_TOTAL_RATE_PER_S}, as a field path
 * and a message; undefined when the total stays within it. Without surges, the population whose rate the running
 * sum exceeds the cap at; otherwise the first surge in force at the highest total.
 */
export function totalRateIssue(scenario: CostInput): { path: (string | number)[]; message: string } | undefined {
  const cap = MAX_TOTAL_RATE_PER_S.toLocaleString("en-US");
  let sum = 0;
  for (const [i, c] of scenario.topology.callers.entries()) {
    sum += c.rate_per_s;
    if (sum > MAX_TOTAL_RATE_PER_S)
      return { path: ["topology", "callers", i, "rate_per_s"], message: `the populations send ${round(sum)} requests/s together up to here; at most ${cap} in all` };
  }
  let peak: RateSegment | undefined;
  let peakTotal = 0;
  for (const s of rateSegments(scenario)) {
    const total = s.rates.reduce((a, b) => a + b, 0);
    if (total > peakTotal) [peak, peakTotal] = [s, total];
  }
  if (peak === undefined || peakTotal <= MAX_TOTAL_RATE_PER_S || peak.surges.length === 0) return undefined;
  return {
    path: ["faults", peak.surges[0]!, "factor"],
    message: `with this surge the populations send ${round(peakTotal)} requests/s together from ${peak.from_s} s; at most ${cap} in all, surges counted`,
  };
}

const round = (n: number) => Math.round(n).toLocaleString("en-US");
