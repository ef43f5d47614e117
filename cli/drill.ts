/**
 * `failover-lab drill <scenario.yaml> [--seed N] [--set path=value]… [--out DIR] [--evidence DIR] [--json] [--allow-large]` (also `npm run drill --`)
 *
 * Runs a scenario headless in virtual time and prints the four questions answered. `--evidence DIR` also
 * writes a signed evidence bundle that `failover-lab verify DIR` re-checks offline. Exit codes: 0 every
 * expectation holds; 1 an expectation failed; 2 invalid input (arguments or scenario), nothing ran.
 * Progress and wall-clock figures go to stderr so that stdout, like the report, is identical for the same
 * seed, and with --json is JSON only.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { addPdf, MAX_REQUESTS_PER_RUN, drillPassed, ENGINE_VERSION, formatSummary, needsRealTime, readTextFile, runDrill, writeEvidence, type DrillReport } from "../engine";
import { ensureReportPageBuilt } from "../host/build";
import { installationKey } from "../host/installation";
import { printPdf } from "../host/pdf";
import { EXIT_FAILED, EXIT_INVALID_INPUT, EXIT_OK, helpRequested, onePositional, parseOverrides, parseSeed, readCommandLine, readScenario, runIfScript } from "./args";
import { startProgress } from "./progress";
import { announceRunCost } from "./runCost";

const USAGE = "usage: failover-lab drill <scenario.yaml> [--seed N] [--set path=value]… [--out DIR] [--evidence DIR] [--json] [--allow-large]";
const HELP = `${USAGE}

Runs a scenario headless in virtual time and answers the four questions: how fast failover was, whether
policy held, what happened to requests in flight, whether the audit log is intact.

  --seed N          the random seed, instead of the scenario's own (0 to 2147483647)
  --set path=value  sets a field of the scenario for this run, e.g. --set director.ttl_s=30 (a number
                    segment indexes a list: faults.0.heal_s); repeatable; checked like the file itself
  --out DIR         also writes report.json and the audit stores (SQLite) to DIR; DIR/audit must not exist
  --evidence DIR    also writes a signed evidence bundle to DIR (empty or new), for failover-lab verify
  --json            prints the report as JSON instead of the summary; nothing else goes to stdout
  --allow-large     runs a scenario expected to send over ${MAX_REQUESTS_PER_RUN.toLocaleString("en-US")} requests, refused without it

exit codes: 0 every expectation holds; 1 an expectation failed, or no request ran (every expectation vacuous);
2 invalid input or a run over the bound, nothing ran; 3 internal error`;

export async function main(argv: readonly string[]): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  const options = readCommandLine(() => parseCommandLine(argv), USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  const scenario = readScenario(options.file, options.overrides);
  if (!scenario) return EXIT_INVALID_INPUT;
  const realServers = needsRealTime(scenario);
  if (realServers) {
    process.stderr.write(`${realServers}: a drill runs in virtual time; play the scenario with failover-lab serve or in the app. Nothing ran.\n`);
    return EXIT_INVALID_INPUT;
  }
  if (!announceRunCost(scenario, options.file, "", options.allowLarge)) return EXIT_INVALID_INPUT;
  if (options.evidence && existsSync(options.evidence) && !(statSync(options.evidence).isDirectory() && readdirSync(options.evidence).length === 0)) {
    process.stderr.write(`${options.evidence} is not an empty directory; an evidence bundle needs a directory of its own. Nothing ran.\n`);
    return EXIT_INVALID_INPUT;
  }
  // The bundle is made from the stores, so an evidence run keeps them on disk even without --out.
  const scratch = options.evidence && !options.out ? mkdtempSync(join(tmpdir(), "failover-lab-evidence-")) : undefined;
  const auditDir = options.out ? join(options.out, "audit") : scratch && join(scratch, "audit");
  if (options.out && auditDir) {
    if (existsSync(auditDir)) {
      process.stderr.write(`${auditDir} already exists; choose another --out directory or remove it. Nothing ran.\n`);
      return EXIT_INVALID_INPUT;
    }
    try {
      mkdirSync(auditDir, { recursive: true });
    } catch (error) {
      process.stderr.write(`${auditDir}: cannot create it: ${(error as Error).message}. Nothing ran.\n`);
      return EXIT_INVALID_INPUT;
    }
  }

  const progress = startProgress("drill", scenario.duration_s, "virtual s");
  const started = performance.now();
  const report = await runDrill(scenario, {
    ...(auditDir === undefined ? {} : { auditDir }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    onProgress: (now) => progress.update(Math.floor(now / 1000)),
  });
  progress.update(scenario.duration_s);
  progress.stop();
  const wallS = (performance.now() - started) / 1000;
  process.stderr.write(
    `ran ${report.totals.requests.toLocaleString("en-US")} requests in ${wallS.toFixed(1)} s wall clock ` +
      `(${Math.round(report.totals.requests / wallS).toLocaleString("en-US")} requests/s, ${speedUp(scenario.duration_s / wallS)} real time)\n`,
  );
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.out) {
    writeFileSync(join(options.out, "report.json"), json);
    process.stderr.write(`wrote ${join(options.out, "report.json")} and the audit stores in ${auditDir}\n`);
  }
  if (options.evidence) {
    try {
      await writeBundle(options.evidence, readTextFile(options.file, "scenario"), report, auditDir!);
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }
  }
  process.stdout.write(options.json ? json : `${formatSummary(report)}\n`);
  return drillPassed(report) ? EXIT_OK : EXIT_FAILED;
}

async function writeBundle(dir: string, scenarioText: string, report: DrillReport, auditDir: string): Promise<void> {
  await ensureReportPageBuilt((line) => process.stderr.write(`${line}\n`));
  const key = installationKey();
  const seal = { key, writtenAt: new Date().toISOString(), generatedBy: `failover-lab drill ${ENGINE_VERSION}` };
  writeEvidence(dir, { scenarioText, report, auditDir, ...seal });
  // A machine without Chromium still produces verifiable evidence, only without the PDF.
  const pdfMissing = await addPdf(dir, report, seal, printPdf);
  if (pdfMissing) process.stderr.write(`no report.pdf: ${pdfMissing}\n`);
  process.stderr.write(`wrote the evidence bundle to ${dir}, signed with key ${key.keyId}; check it with: failover-lab verify ${dir}\n`);
}

function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      seed: { type: "string" },
      set: { type: "string", multiple: true },
      out: { type: "string" },
      evidence: { type: "string" },
      json: { type: "boolean", default: false },
      "allow-large": { type: "boolean", default: false },
    },
  });
  const file = onePositional(positionals);
  const path = (value: string | undefined) => (value === undefined ? undefined : resolve(value));
  return { file: resolve(file), seed: parseSeed(values.seed), overrides: parseOverrides(values.set), out: path(values.out), evidence: path(values.evidence), json: values.json, allowLarge: values["allow-large"] };
}

await runIfScript(import.meta.url, "drill", main);

/** "120×" and "0.43×": a run slower than real time must not read "0×". */
function speedUp(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toPrecision(2)}×`;
}
