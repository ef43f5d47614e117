/**
 * A seed sweep in the app: the loaded scenario, as its file says (faults made by hand are the run's, not the
 * design's), run headless once per seed and aggregated as `failover-lab sweep` aggregates its lines, so the
 * figures are the command line's for the same seeds. Read-only: the loaded run plays on untouched.
 */
import { runDrill } from "../../drill";
import { sweepRefusal, type RunCost } from "../../scenario/cost";
import { SweepAggregator, sweepLineOf } from "../../sweep/aggregate";
import { enumerateRuns, reproduceCommand } from "../../sweep/runs";
import type { Lab } from "../lab";
import type { Run } from "../run";
import type { SweepFailingSeed, SweepView } from "../views";
import type { Handlers } from "./handler";

/** Points per ECDF curve: enough for a step line a few hundred pixels wide, little to send. */
const CURVE_POINTS = 51;

export const sweepCommands = {
  sweepLoaded: {
    readOnly: true,
    run: async (lab, { from, to }): Promise<SweepView> => {
      const run = lab.requireRun();
      const replay = replayFile(lab, run);
      const aggregator = new SweepAggregator();
      const failing: SweepFailingSeed[] = [];
      const total = to - from + 1;
      const refusal = sweepRefusal(Array<RunCost>(total).fill(run.cost), `${run.fileName}, ${total} seeds`, "failover-lab sweep … --allow-large");
      if (refusal) throw new Error(refusal);
      const started = lab.options.wallNow();
      lab.broadcast({ type: "progress", task: "sweep", done: 0, total, etaMs: null });
      // One at a time, in seed order; runDrill refuses a design with real servers in words that name them.
      for (const seedRun of enumerateRuns({ from, to }, [])) {
        // Wall time is the command line's note on each line, outside the aggregate; the engine reads no wall clock.
        const line = sweepLineOf(replay.path, seedRun, await runDrill(run.scenario, { seed: seedRun.seed }), 0);
        aggregator.add(line);
        const failed = line.expectations.filter((e) => !e.pass).map((e) => e.expectation);
        if (failed.length > 0) failing.push({ seed: seedRun.seed, failed, command: reproduceCommand(replay.path, seedRun.seed, []) });
        const done = seedRun.index + 1;
        lab.broadcast({ type: "progress", task: "sweep", done, total, etaMs: ((lab.options.wallNow() - started) / done) * (total - done) });
      }
      const group = aggregator.result().groups[0]!;
      const curves = aggregator.curves(CURVE_POINTS)[0]!;
      return {
        fileName: run.fileName,
        seeds: { from, to },
        runs: group.runs,
        metrics: Object.entries(group.metrics).map(([metric, d]) => ({
          metric,
          count: d.count,
          missing: d.missing,
          min: d.min,
          p50: d.p50,
          p95: d.p95,
          p99: d.p99,
          max: d.max,
          ecdf: curves[metric] ?? [],
        })),
        withoutValues: group.without_values,
        residencyViolations: group.residency_violations_total,
        expectations: group.expectations.map((e) => ({ expectation: e.expectation, runs: e.runs, passed: e.passed, passRate: e.pass_rate })),
        failing,
        ...(replay.onDisk ? {} : { replayText: run.text }),
      };
    },
  },
} satisfies Handlers<"sweepLoaded">;

/**
 * The file a replay command names: the library's own file when the run is that file as it stands on disk;
 * otherwise (opened from elsewhere, imported, drawn in the editor, or the file changed since) only its name,
 * and the text the sweep ran goes with the view so the user can save exactly that.
 */
function replayFile(lab: Lab, run: Run): { path: string; onDisk: boolean } {
  const library = lab.options.scenarios;
  if (library.commandPath && library.list().includes(run.fileName)) {
    let text: string | undefined;
    try {
      text = library.read(run.fileName);
    } catch {
      // An unreadable library file is not the run's file: the name alone is the honest command.
    }
    if (text === run.text) return { path: library.commandPath(run.fileName), onDisk: true };
  }
  return { path: run.fileName, onDisk: false };
}
