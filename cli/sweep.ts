/**
 * `failover-lab sweep <scenario.yaml> --seeds A..B [--vary path=v1,v2,…]… [--jobs N] [--shard i/n] [--out FILE.jsonl] [--json] [--html FILE] [--allow-large]`
 * `failover-lab sweep merge <A.jsonl> <B.jsonl>… [--json] [--html FILE]`
 *
 * Runs one drill per seed and combination of varied values across worker processes and prints the aggregate:
 * distributions, residency violations summed, each expectation's pass rate and the runs that failed it, each
 * with the command that replays it. `--shard` runs one deterministic slice, and `merge` rebuilds the aggregate
 * of the whole from the slices' lines. Progress and wall-clock figures go to stderr; the aggregate on stdout is
 * the same for the same runs, however they were split or scheduled.
 */
import { fork, type ChildProcess } from "node:child_process";
import { closeSync, createReadStream, openSync, writeFileSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import {
  ENGINE_VERSION,
  estimateRun,
  estimateRuns,
  MAX_REQUESTS_PER_RUN,
  MAX_REQUESTS_PER_SWEEP,
  enumerateRuns,
  formatSweep,
  needsRealTime,
  openRegularFile,
  parseSeedRange,
  parseShard,
  parseVary,
  renderSweepHtml,
  ScenarioError,
  shardRuns,
  SweepAggregator,
  SweepLineError,
  sweepLineSchema,
  sweepRefusal,
  describeCost,
  type RunCost,
  type SweepLine,
  type SweepRun,
} from "../engine";
import { EXIT_FAILED, EXIT_INVALID_INPUT, EXIT_OK, helpRequested, readCommandLine, readScenario, runIfScript, UsageError } from "./args";
import { startProgress } from "./progress";
import type { WorkerReply, WorkerTask } from "./sweepWorker";

const USAGE = `usage: failover-lab sweep <scenario.yaml> --seeds A..B [--vary path=v1,v2,…]… [--jobs N] [--shard i/n]
                          [--out FILE.jsonl] [--json] [--html FILE] [--allow-large]
       failover-lab sweep merge <A.jsonl> <B.jsonl>… [--json] [--html FILE]`;
const HELP = `${USAGE}

Runs the scenario once per seed and combination of varied values, in worker processes, and prints the
distribution of each metric (count, min, p50, p95, p99, max; quantiles within 1 %), residency violations
summed over every run, and each expectation's pass rate with the runs that failed it, each with the
failover-lab drill command that replays it. With --vary, per combination of values.

  --seeds A..B          the seeds to run, inclusive (0 to 2147483647)
  --vary path=v1,v2,…   tries a scenario field at each value, e.g. --vary director.ttl_s=10,60,300;
                        repeatable: every combination runs; each is checked like the file itself
  --jobs N              worker processes (default: ${availableParallelism()}, this machine's cores)
  --shard i/n           runs only the i-th of n slices of the runs (0 <= i < n), for machines that
                        share a sweep; needs --out; combine the shards' files with sweep merge
  --out FILE.jsonl      writes one JSON line per run: seed, varied values, metrics, expectations, wall ms
  --json                prints the aggregate as JSON instead of the tables; nothing else goes to stdout
  --html FILE           also writes the aggregate as a self-contained HTML page with an ECDF per metric
  --allow-large         runs a sweep with a run expected to send over ${MAX_REQUESTS_PER_RUN.toLocaleString("en-US")} requests, or
                        over ${MAX_REQUESTS_PER_SWEEP.toLocaleString("en-US")} in all, refused without it

merge reads the shards' lines (each checked; a bad line is named by file:line, a run twice is an error)
and prints exactly the aggregate the unsharded sweep prints.

exit codes: 0 every expectation held in every run; 1 an expectation failed in some run; 2 invalid input
or a sweep over the bound, nothing ran; 3 internal error`;

export async function main(argv: readonly string[]): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  if (argv[0] === "merge") return merge(argv.slice(1));
  const options = readCommandLine(() => parseCommandLine(argv), USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  // Every combination is checked before anything runs, so a typo in the last --vary value costs nothing.
  const combinations = new Map(options.runs.map((run) => [JSON.stringify(run.overrides), run.overrides]));
  const costs = new Map<string, RunCost>();
  for (const [key, overrides] of combinations) {
    const scenario = readScenario(options.file, overrides);
    if (!scenario) return EXIT_INVALID_INPUT;
    const realServers = needsRealTime(scenario);
    if (realServers) {
      process.stderr.write(`${realServers}: a sweep runs drills in virtual time. Nothing ran.\n`);
      return EXIT_INVALID_INPUT;
    }
    costs.set(key, estimateRun(scenario));
  }
  const runCosts = options.runs.map((run) => costs.get(JSON.stringify(run.overrides))!);
  const refusal = options.allowLarge ? undefined : sweepRefusal(runCosts, options.file, "--allow-large");
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    return EXIT_INVALID_INPUT;
  }
  process.stderr.write(`expected ${describeCost(estimateRuns(runCosts))} on one job\n`);
  let out: number | undefined;
  try {
    out = options.out === undefined ? undefined : openSync(options.out, "w");
  } catch (error) {
    process.stderr.write(`${options.out}: cannot write it: ${(error as Error).message}. Nothing ran.\n`);
    return EXIT_INVALID_INPUT;
  }
  const aggregator = new SweepAggregator();
  const started = performance.now();
  const progress = startProgress("sweep", options.runs.length, "runs");
  let done = 0;
  let rss: { workers: number; parentKb: number; workerKb: number };
  try {
    rss = await runAll(options, options.runs, (line) => {
      if (out !== undefined) writeSync(out, `${JSON.stringify(line)}\n`);
      aggregator.add(line);
      progress.update(++done);
    });
  } finally {
    progress.stop();
    if (out !== undefined) closeSync(out);
  }
  process.stderr.write(
    `ran ${options.runs.length} drills in ${((performance.now() - started) / 1000).toFixed(1)} s wall clock in ${rss.workers} worker${rss.workers === 1 ? "" : "s"}; ` +
      `peak RSS ${mb(rss.parentKb)} MB in this process, ${mb(rss.workerKb)} MB in the largest worker\n`,
  );
  if (options.out) process.stderr.write(`wrote ${options.runs.length} lines to ${options.out}\n`);
  return finish(aggregator, options);
}

/**
 * Runs every run on `jobs` workers, each sent its next run as soon as it answers, and hands the lines to
 * `onLine` in the runs' order (a line that finishes early waits for those before it), so the --out file is
 * the same from one sweep to the next but for wall times. Returns the peak memory of this process and the
 * largest worker.
 */
async function runAll(
  options: { file: string; label: string; jobs: number },
  runs: readonly SweepRun[],
  onLine: (line: SweepLine) => void,
): Promise<{ workers: number; parentKb: number; workerKb: number }> {
  const waiting = new Map<number, SweepLine>();
  let next = 0;
  let emitted = 0;
  let workerKb = 0;
  const workerCount = Math.min(options.jobs, runs.length);
  const workers = Array.from({ length: workerCount }, () =>
    fork(join(import.meta.dirname, "sweepWorker.ts"), [], { execArgv: ["--max-semi-space-size=32", "--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] }),
  );
  const drive = (worker: ChildProcess) =>
    new Promise<void>((done, fail) => {
      const sendNext = () => {
        if (next < runs.length) worker.send({ file: options.file, label: options.label, run: runs[next++]! } satisfies WorkerTask);
        else worker.send("done");
      };
      worker.on("message", (reply: WorkerReply) => {
        if ("error" in reply) return fail(new Error(`a worker failed: ${reply.error}`));
        if ("maxRssKb" in reply) {
          workerKb = Math.max(workerKb, reply.maxRssKb);
          return done();
        }
        waiting.set(reply.line.index, sweepLineSchema.parse(reply.line));
        for (let line = waiting.get(runs[emitted]?.index ?? -1); line; line = waiting.get(runs[emitted]?.index ?? -1)) {
          waiting.delete(line.index);
          emitted++;
          onLine(line);
        }
        sendNext();
      });
      worker.on("exit", (code) => fail(new Error(`a worker exited (code ${code}) before its last run was done`)));
      sendNext();
    });
  try {
    await Promise.all(workers.map(drive));
  } finally {
    for (const worker of workers) if (worker.exitCode === null) worker.kill();
  }
  return { workers: workerCount, parentKb: process.resourceUsage().maxRSS, workerKb };
}

async function merge(argv: readonly string[]): Promise<number> {
  const options = readCommandLine(() => parseMergeLine(argv), USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  const aggregator = new SweepAggregator();
  let lines = 0;
  for (const file of options.files) {
    let lineNumber = 0;
    let fd: number;
    try {
      // A FIFO or a device would hang or never end; a shard's file has no size cap, since it grows with its runs.
      fd = openRegularFile(file, "sweep's file of runs").fd;
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      process.stderr.write(`${error.message}. Nothing merged.\n`);
      return EXIT_INVALID_INPUT;
    }
    try {
      for await (const text of createInterface({ input: createReadStream(file, { fd }), crlfDelay: Infinity })) {
        lineNumber++;
        if (text.trim() === "") continue;
        aggregator.add(readLine(text));
        lines++;
      }
    } catch (error) {
      if (!(error instanceof SweepLineError || (error as NodeJS.ErrnoException).code !== undefined)) throw error;
      process.stderr.write(`${file}:${lineNumber === 0 ? 1 : lineNumber}: ${(error as Error).message}. Nothing merged.\n`);
      return EXIT_INVALID_INPUT;
    }
  }
  if (lines === 0) {
    process.stderr.write("the files hold no runs. Nothing merged.\n");
    return EXIT_INVALID_INPUT;
  }
  process.stderr.write(`merged ${lines} runs from ${options.files.length} files\n`);
  return finish(aggregator, options);
}

/** One line of a shard's file, checked: the file may come from anywhere. */
function readLine(text: string): SweepLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SweepLineError(`not JSON: ${(error as Error).message}`);
  }
  const result = sweepLineSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new SweepLineError(`not a sweep line: ${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`);
  }
  return result.data;
}

function finish(aggregator: SweepAggregator, options: { json: boolean; html: string | undefined }): number {
  const aggregate = aggregator.result();
  if (options.html) {
    writeFileSync(options.html, renderSweepHtml(aggregate, aggregator.curves(), `failover-lab sweep ${ENGINE_VERSION}`));
    process.stderr.write(`wrote ${options.html}\n`);
  }
  process.stdout.write(options.json ? `${JSON.stringify(aggregate, null, 2)}\n` : `${formatSweep(aggregate)}\n`);
  const failed = aggregate.groups.some((group) => group.expectations.some((e) => e.passed < e.runs));
  return failed ? EXIT_FAILED : EXIT_OK;
}

const mb = (kb: number) => Math.round(kb / 1024);

function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      seeds: { type: "string" },
      vary: { type: "string", multiple: true },
      jobs: { type: "string" },
      shard: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
      html: { type: "string" },
      "allow-large": { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing scenario file" : `expected one scenario file, got ${positionals.length}`);
  if (values.seeds === undefined) throw new UsageError("missing --seeds A..B");
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`--jobs must be an integer from 1 to 256, got "${values.jobs}"`);
  if (values.shard !== undefined && values.out === undefined) throw new UsageError("--shard needs --out: a shard's lines are what sweep merge reads");
  const runs = asUsage(() => {
    const all = enumerateRuns(parseSeedRange(values.seeds!), (values.vary ?? []).map(parseVary));
    return values.shard === undefined ? all : shardRuns(all, parseShard(values.shard));
  });
  if (runs.length === 0) throw new UsageError(`shard ${values.shard} has no runs: there are fewer runs than shards`);
  const label = positionals[0]!;
  return { file: resolve(label), label, runs, jobs, out: values.out && resolve(values.out), json: values.json, html: values.html && resolve(values.html), allowLarge: values["allow-large"] };
}

function parseMergeLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: "boolean", default: false }, html: { type: "string" } } });
  if (positionals.length === 0) throw new UsageError("missing the shards' .jsonl files");
  return { files: positionals.map((file) => resolve(file)), json: values.json, html: values.html && resolve(values.html) };
}

/** The engine's parsers throw plain errors about the command line; here they are usage errors. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

await runIfScript(import.meta.url, "sweep", main);
