/**
 * A seed sweep in the app: the loaded scenario, as its file says (faults made by hand are the run's, not the
 * design's), run headless once per seed and aggregated as `failover-lab sweep` aggregates its lines, so the
 * figures are the command line's for the same seeds. Read-only: the loaded run plays on untouched.
 */
import { runDrill } from "../../drill";
import { SweepAggregator, sweepLineOf } from "../../sweep/aggregate";
import { enumerateRuns, reproduceCommand } from "../../sweep/runs";
import type { SweepFailingSeed, SweepView } from "../views";
import type { Handlers } from "./handler";

export const sweepCommands = {
  sweepLoaded: {
    readOnly: true,
    run: async (lab, { from, to }): Promise<SweepView> => {
      const { scenario, fileName } = lab.requireRun();
      const aggregator = new SweepAggregator();
      const failing: SweepFailingSeed[] = [];
      // One at a time, in seed order; runDrill refuses a design with real servers in words that name them.
      for (const run of enumerateRuns({ from, to }, [])) {
        // Wall time is the command line's note on each line, outside the aggregate; the engine reads no wall clock.
        const line = sweepLineOf(fileName, run, await runDrill(scenario, { seed: run.seed }), 0);
        aggregator.add(line);
        const failed = line.expectations.filter((e) => !e.pass).map((e) => e.expectation);
        if (failed.length > 0) failing.push({ seed: run.seed, failed, command: reproduceCommand(fileName, run.seed, []) });
      }
      const group = aggregator.result().groups[0]!;
      return {
        fileName,
        seeds: { from, to },
        runs: group.runs,
        metrics: Object.entries(group.metrics).map(([metric, d]) => ({ metric, count: d.count, missing: d.missing, min: d.min, p50: d.p50, p95: d.p95, p99: d.p99, max: d.max })),
        withoutValues: group.without_values,
        residencyViolations: group.residency_violations_total,
        expectations: group.expectations.map((e) => ({ expectation: e.expectation, runs: e.runs, passed: e.passed, passRate: e.pass_rate })),
        failing,
      };
    },
  },
} satisfies Handlers<"sweepLoaded">;
