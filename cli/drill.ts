/**
 * `npm run drill -- <scenario.yaml> [--seed N] [--out DIR] [--json]`
 *
 * Runs a scenario headless in virtual time and prints the four questions answered. Exit codes: 0 every
 * expectation holds; 1 an expectation failed; 2 invalid input (arguments or scenario), nothing ran.
 * Wall-clock figures go to stderr so that stdout, like the report, is identical for the same seed.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { formatSummary, loadScenarioFile, runDrill, ScenarioError } from "../engine";

export const EXIT_EXPECTATION_FAILED = 1;
export const EXIT_INVALID_INPUT = 2;

const USAGE = "usage: npm run drill -- <scenario.yaml> [--seed N] [--out DIR] [--json]";

class UsageError extends Error {}

export async function main(argv: readonly string[]): Promise<number> {
  let options: { file: string; seed: number | undefined; out: string | undefined; json: boolean };
  try {
    options = parseCommandLine(argv);
  } catch (error: unknown) {
    const fromParseArgs = (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ?? false;
    if (!(error instanceof UsageError || fromParseArgs)) throw error;
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  let scenario;
  try {
    scenario = loadScenarioFile(options.file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`Invalid scenario; nothing ran.\n${error.message}\n`);
    return EXIT_INVALID_INPUT;
  }
  const auditPath = options.out ? join(options.out, "audit.db") : ":memory:";
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    if (existsSync(auditPath)) {
      process.stderr.write(`${auditPath} already exists; choose another --out directory or remove it. Nothing ran.\n`);
      return EXIT_INVALID_INPUT;
    }
  }

  const bar = process.stderr.isTTY
    ? new SingleBar({ format: "virtual time {bar} {value}/{total} s · {eta_formatted} left", stream: process.stderr, hideCursor: true })
    : undefined;
  bar?.start(scenario.duration_s, 0);
  const started = performance.now();
  const report = await runDrill(scenario, {
    auditPath,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    onProgress: (now) => bar?.update(Math.floor(now / 1000)),
  });
  bar?.update(scenario.duration_s);
  bar?.stop();
  const wallS = (performance.now() - started) / 1000;
  process.stderr.write(
    `ran ${report.totals.requests.toLocaleString("en-US")} requests in ${wallS.toFixed(1)} s wall clock ` +
      `(${Math.round(report.totals.requests / wallS).toLocaleString("en-US")} requests/s, ${(scenario.duration_s / wallS).toFixed(0)}× real time)\n`,
  );
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.out) {
    writeFileSync(join(options.out, "report.json"), json);
    process.stderr.write(`wrote ${join(options.out, "report.json")} and ${auditPath}\n`);
  }
  process.stdout.write(options.json ? json : `${formatSummary(report)}\n`);
  return report.passed ? 0 : EXIT_EXPECTATION_FAILED;
}

function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { seed: { type: "string" }, out: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing scenario file" : `expected one scenario file, got ${positionals.length}`);
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new UsageError(`--seed must be an integer from 0 to 2147483647, got "${values.seed}"`);
  }
  return { file: resolve(positionals[0]!), seed, out: values.out === undefined ? undefined : resolve(values.out), json: values.json };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
