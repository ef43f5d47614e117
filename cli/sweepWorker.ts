/**
 * A sweep's worker process, forked by cli/sweep.ts: it runs the drills it is sent, one at a time, and answers
 * each with the run's JSON line. The parent validated the scenario under every combination before forking, so
 * a failure here is an internal error, reported back as a message rather than a dead process.
 */
import { applyOverrides, readTextFile, runDrill, sweepLineOf, type SweepLine, type SweepRun } from "../engine";

/** A run to do: the scenario file (absolute), its name as typed on the command line, and the run. */
export interface WorkerTask {
  readonly file: string;
  readonly label: string;
  readonly run: SweepRun;
}

export type WorkerReply = { readonly line: SweepLine } | { readonly error: string } | { readonly maxRssKb: number };

const texts = new Map<string, string>();

async function runTask({ file, label, run }: WorkerTask): Promise<SweepLine> {
  const text = texts.get(file) ?? readTextFile(file, "scenario");
  texts.set(file, text);
  const parsed = applyOverrides(text, file, run.overrides);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const started = performance.now();
  const report = await runDrill(parsed.scenario, { seed: run.seed });
  return sweepLineOf(label, run, report, performance.now() - started);
}

const reply = (message: WorkerReply) => process.send!(message);

process.on("message", (message: WorkerTask | "done") => {
  if (message === "done") {
    // The parent reports the workers' peak memory; resourceUsage gives it in kilobytes.
    reply({ maxRssKb: process.resourceUsage().maxRSS });
    process.disconnect();
    return;
  }
  runTask(message).then(
    (line) => reply({ line }),
    (error: unknown) => reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
