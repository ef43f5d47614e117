/**
 * A sweep's aggregate, built line by line from its runs' JSON lines: per combination of varied values, the
 * distribution of every metric, residency violations summed, and each expectation's pass rate with the runs
 * where it failed. Nothing depends on the order lines arrive in, so an unsharded sweep and the merge of its
 * shards give the same aggregate exactly. Memory grows with combinations and metrics; per run only one bit
 * is kept, to catch a run that two shards both hold.
 */
import { z } from "zod";
import type { DrillReport } from "../drill";
import { METRICS, type MetricName } from "../scenario/schema";
import type { FieldOverride } from "../scenario/override";
import { reproduceCommand, runKey } from "./runs";
import { LogSketch, type Distribution } from "./sketch";

/** The figures a sweep's summary leads with, in this order; the other metrics with values follow. */
const HEADLINE_METRICS: readonly MetricName[] = ["detection_s", "reroute_s", "rto_s", "errors", "rejected_by_policy"];

/** Failing runs listed per expectation and combination; the rest are counted. Keeps memory bounded by runs. */
export const FAILURES_LISTED = 20;

const fieldValue = z.union([z.number(), z.boolean(), z.string()]);

/** One run of a sweep, one line of its output. Lines are read back from files, so this schema is their check. */
export const sweepLineSchema = z.strictObject({
  format: z.literal(1),
  /** The scenario as named on the sweep's command line, for the reproduction commands. */
  scenario: z.string(),
  index: z.int().min(0),
  seed: z.int().min(0).max(2 ** 31 - 1),
  vary: z.array(z.strictObject({ path: z.string(), value: fieldValue })),
  metrics: z.partialRecord(z.enum(METRICS), z.number().nullable()),
  expectations: z.array(z.strictObject({ expectation: z.string(), pass: z.boolean() })),
  /** Wall-clock time of the drill; left out of the aggregate, which must not depend on the machine. */
  wall_ms: z.number().min(0),
});
export type SweepLine = z.infer<typeof sweepLineSchema>;

/** A run's line from its drill's report: what the command line's workers and the app's sweep both feed the aggregator. */
export function sweepLineOf(label: string, run: { readonly index: number; readonly seed: number; readonly overrides: readonly FieldOverride[] }, report: DrillReport, wallMs: number): SweepLine {
  return {
    format: 1,
    scenario: label,
    index: run.index,
    seed: run.seed,
    vary: [...run.overrides],
    metrics: report.metrics,
    expectations: report.expectations.map(({ expectation, pass }) => ({ expectation, pass })),
    wall_ms: Math.round(wallMs),
  };
}

export interface FailedRun {
  readonly seed: number;
  readonly command: string;
}

export interface ExpectationOutcome {
  readonly expectation: string;
  readonly runs: number;
  readonly passed: number;
  /** 0..1 */
  readonly pass_rate: number;
  /** The first {@link FAILURES_LISTED} failing runs in sweep order. */
  readonly failed: readonly FailedRun[];
  /** Failing runs beyond those listed. */
  readonly failed_unlisted: number;
}

export interface GroupAggregate {
  /** The combination's values; empty for a sweep that varies nothing. */
  readonly vary: readonly FieldOverride[];
  readonly runs: number;
  /** Metrics with at least one value, headline ones first; `missing` counts runs without a value. */
  readonly metrics: Readonly<Record<string, Distribution & { missing: number }>>;
  /** Metrics no run had a value for (no fault detected, no identity provider), in the same order. */
  readonly without_values: readonly MetricName[];
  readonly residency_violations_total: number;
  readonly expectations: readonly ExpectationOutcome[];
}

export interface SweepAggregate {
  readonly format: 1;
  readonly scenario: string;
  readonly runs: number;
  readonly seeds: { readonly min: number; readonly max: number };
  readonly groups: readonly GroupAggregate[];
}

interface ExpectationState {
  /** Its place in the scenario's list, to keep the file's order. */
  position: number;
  runs: number;
  passed: number;
  /** Failing runs by index, at most FAILURES_LISTED, the lowest indices: the same whatever the arrival order. */
  failed: { index: number; seed: number }[];
  failedTotal: number;
}

interface GroupState {
  firstIndex: number;
  /** index − seed, the same for every run of a combination: the seeds of one combination are consecutive runs. */
  offset: number;
  vary: readonly FieldOverride[];
  runs: number;
  sketches: Map<MetricName, LogSketch>;
  missing: Map<MetricName, number>;
  residency: number;
  expectations: Map<string, ExpectationState>;
}

/** Thrown for lines that cannot belong to one sweep; the message says which and why. */
export class SweepLineError extends Error {}

export class SweepAggregator {
  private scenario: string | undefined;
  private readonly groups = new Map<string, GroupState>();
  private readonly seen = new RunSet();
  private runs = 0;
  private seedMin = Infinity;
  private seedMax = -Infinity;

  /** Adds one run; throws a {@link SweepLineError} for a run already added or a line of another scenario. */
  add(line: SweepLine): void {
    this.scenario ??= line.scenario;
    if (line.scenario !== this.scenario) throw new SweepLineError(`a run of scenario "${line.scenario}" in a sweep of "${this.scenario}"`);
    const key = runKey(line.seed, line.vary);
    const groupKey = JSON.stringify(line.vary);
    let group = this.groups.get(groupKey);
    if (group && line.index - line.seed !== group.offset) {
      throw new SweepLineError(`run "${key}" is run ${line.index} here and run ${line.seed + group.offset} in other lines: they come from different sweeps`);
    }
    if (!this.seen.add(line.index)) throw new SweepLineError(`run "${key}" (run ${line.index}) appears twice`);
    this.runs++;
    this.seedMin = Math.min(this.seedMin, line.seed);
    this.seedMax = Math.max(this.seedMax, line.seed);
    if (!group) {
      group = { firstIndex: line.index, offset: line.index - line.seed, vary: line.vary, runs: 0, sketches: new Map(), missing: new Map(), residency: 0, expectations: new Map() };
      this.groups.set(groupKey, group);
    }
    group.firstIndex = Math.min(group.firstIndex, line.index);
    group.runs++;
    for (const metric of METRICS) {
      const value = line.metrics[metric];
      if (value === undefined) continue;
      if (value === null) group.missing.set(metric, (group.missing.get(metric) ?? 0) + 1);
      else {
        let sketch = group.sketches.get(metric);
        if (!sketch) group.sketches.set(metric, (sketch = new LogSketch()));
        sketch.add(value);
      }
    }
    group.residency += line.metrics.residency_violations ?? 0;
    for (const [position, { expectation, pass }] of line.expectations.entries()) {
      let state = group.expectations.get(expectation);
      if (!state) group.expectations.set(expectation, (state = { position, runs: 0, passed: 0, failed: [], failedTotal: 0 }));
      state.position = Math.min(state.position, position);
      state.runs++;
      if (pass) state.passed++;
      else keepFailure(state, line);
    }
  }

  result(): SweepAggregate {
    const scenario = this.scenario ?? "";
    const groups = this.orderedGroups().map((group) => groupResult(scenario, group));
    return { format: 1, scenario, runs: this.runs, seeds: { min: this.seedMin, max: this.seedMax }, groups };
  }

  /**
   * Each group's metrics as `points` quantiles from 0 to 1 (an ECDF read sideways), groups in the order of
   * {@link result}; for charts, which the aggregate itself does not carry.
   */
  curves(points = 101): Record<string, number[]>[] {
    return this.orderedGroups().map((group) =>
      Object.fromEntries([...group.sketches].map(([metric, sketch]) => [metric, Array.from({ length: points }, (_, i) => sketch.quantile(i / (points - 1)))])),
    );
  }

  private orderedGroups(): GroupState[] {
    return [...this.groups.values()].sort((a, b) => a.firstIndex - b.firstIndex);
  }
}

/** Run indices seen, a bit each, in pages of 4,096 made as indices reach them: a stray huge index costs one page. */
class RunSet {
  private readonly pages = new Map<number, Uint8Array>();

  /** False when the index was already there. */
  add(index: number): boolean {
    const pageKey = Math.floor(index / 4096);
    let page = this.pages.get(pageKey);
    if (!page) this.pages.set(pageKey, (page = new Uint8Array(512)));
    const bit = index % 4096;
    const mask = 1 << (bit & 7);
    if (page[bit >>> 3]! & mask) return false;
    page[bit >>> 3]! |= mask;
    return true;
  }
}

function keepFailure(state: ExpectationState, line: SweepLine): void {
  state.failedTotal++;
  state.failed.push({ index: line.index, seed: line.seed });
  state.failed.sort((a, b) => a.index - b.index);
  if (state.failed.length > FAILURES_LISTED) state.failed.pop();
}

function groupResult(scenario: string, group: GroupState): GroupAggregate {
  const order = [...HEADLINE_METRICS, ...METRICS.filter((m) => !HEADLINE_METRICS.includes(m))];
  const metrics: Record<string, Distribution & { missing: number }> = {};
  const withoutValues: MetricName[] = [];
  for (const metric of order) {
    const distribution = group.sketches.get(metric)?.distribution();
    if (distribution) metrics[metric] = { ...distribution, missing: group.missing.get(metric) ?? 0 };
    else if (group.missing.has(metric)) withoutValues.push(metric);
  }
  const expectations = [...group.expectations].sort(([a, x], [b, y]) => x.position - y.position || (a < b ? -1 : a > b ? 1 : 0)).map(([expectation, state]) => ({
    expectation,
    runs: state.runs,
    passed: state.passed,
    pass_rate: state.passed / state.runs,
    failed: state.failed.map(({ seed }) => ({ seed, command: reproduceCommand(scenario, seed, group.vary) })),
    failed_unlisted: state.failedTotal - state.failed.length,
  }));
  return { vary: group.vary, runs: group.runs, metrics, without_values: withoutValues, residency_violations_total: group.residency, expectations };
}
