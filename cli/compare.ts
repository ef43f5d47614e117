/**
 * `failover-lab compare <A.yaml> <B.yaml> [--seed N] [--json] [--html FILE] [--allow-large]`
 *
 * Runs two scenarios, one after the other, on the same seed and prints what differs between the two designs,
 * and which is better where a figure has a better side. Exit codes: 0 both ran; 2 invalid input (arguments
 * or either scenario, named), nothing ran. Progress and wall-clock figures go to stderr, so that stdout,
 * with --json pure JSON, is the same for the same scenarios and seed.
 */
import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  compareReports,
  designLabels,
  ENGINE_VERSION,
  formatComparison,
  MAX_REQUESTS_PER_RUN,
  needsRealTime,
  renderComparisonHtml,
  runDrill,
  type DrillReport,
  type Scenario,
} from "../engine";
import { EXIT_INVALID_INPUT, EXIT_OK, helpRequested, parseSeed, readCommandLine, readScenario, runIfScript, UsageError } from "./args";
import { startProgress } from "./progress";
import { announceRunCost } from "./runCost";

const USAGE = "usage: failover-lab compare <A.yaml> <B.yaml> [--seed N] [--json] [--html FILE] [--allow-large]";
const HELP = `${USAGE}

Runs two designs of a drill on the same seed, one after the other, and shows what differs between them,
and which is better where a figure has a better side.

  --seed N      the seed both run on (0 to 2147483647); by default A's
  --json        prints the comparison as JSON instead of the table; nothing else goes to stdout
  --html FILE   also writes the comparison as a self-contained HTML page
  --allow-large runs a design expected to send over ${MAX_REQUESTS_PER_RUN.toLocaleString("en-US")} requests, refused without it

exit codes: 0 both ran; 2 invalid input (arguments, either scenario) or a design over the bound, nothing ran;
3 internal error`;

export async function main(argv: readonly string[]): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  const options = readCommandLine(() => parseCommandLine(argv), USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  const scenarios: Scenario[] = [];
  for (const [i, file] of options.files.entries()) {
    const scenario = readScenario(file);
    const side = i === 0 ? "A" : "B";
    if (!scenario) {
      process.stderr.write(`That was scenario ${side}.\n`);
      return EXIT_INVALID_INPUT;
    }
    const realServers = needsRealTime(scenario);
    if (realServers) {
      process.stderr.write(`scenario ${side}, ${file}: ${realServers}: a comparison runs in virtual time; play the scenario with failover-lab serve or in the app. Nothing ran.\n`);
      return EXIT_INVALID_INPUT;
    }
    if (!announceRunCost(scenario, `scenario ${side}, ${file}`, `${side}: `, options.allowLarge)) return EXIT_INVALID_INPUT;
    scenarios.push(scenario);
  }
  // Without --seed both run on A's seed: a comparison of designs holds the traffic and the faults' chance fixed.
  const seed = options.seed ?? scenarios[0]!.seed;
  const reports: DrillReport[] = [];
  for (const [i, scenario] of scenarios.entries()) {
    const progress = startProgress(i === 0 ? "A" : "B", scenario.duration_s, "virtual s");
    const started = performance.now();
    reports.push(await runDrill(scenario, { seed, onProgress: (now) => progress.update(Math.floor(now / 1000)) }));
    progress.update(scenario.duration_s);
    progress.stop();
    process.stderr.write(`ran ${basename(options.files[i]!)} (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s wall clock\n`);
  }
  const comparison = compareReports(reports[0]!, reports[1]!, designLabels(options.files[0]!, options.files[1]!));
  if (options.html) {
    writeFileSync(options.html, renderComparisonHtml(comparison, `failover-lab compare ${ENGINE_VERSION}`));
    process.stderr.write(`wrote ${options.html}\n`);
  }
  process.stdout.write(options.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${formatComparison(comparison)}\n`);
  return EXIT_OK;
}

function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { seed: { type: "string" }, json: { type: "boolean", default: false }, html: { type: "string" }, "allow-large": { type: "boolean", default: false } },
  });
  if (positionals.length !== 2) throw new UsageError(`expected two scenario files, got ${positionals.length}`);
  return { files: positionals.map((file) => resolve(file)), seed: parseSeed(values.seed), json: values.json, html: values.html && resolve(values.html), allowLarge: values["allow-large"] };
}

await runIfScript(import.meta.url, "compare", main);
