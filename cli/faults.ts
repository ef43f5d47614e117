/**
 * `npm run faults -- [scenario.yaml] [--region R] [--model M] [--json]`
 *
 * Sends one streaming call through each request-level fault class to a gateway whose primary target has
 * that fault, in virtual time, and prints what the gateway did: the attempts, the calls the providers saw,
 * the elapsed virtual time and what the caller got. Defaults: scenarios/request-faults.yaml, its first
 * region and logical model. Exit code 2 on invalid input.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { formatConductTable, loadScenarioFile, measureConduct, ScenarioError } from "../engine";

const USAGE = "usage: npm run faults -- [scenario.yaml] [--region R] [--model M] [--json]";
export const DEFAULT_SCENARIO = "scenarios/request-faults.yaml";

export async function main(argv: readonly string[]): Promise<number> {
  let values: { region?: string; model?: string; json: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { region: { type: "string" }, model: { type: "string" }, json: { type: "boolean", default: false } },
    }));
    if (positionals.length > 1) throw new Error(`expected at most one scenario file, got ${positionals.length}`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const file = resolve(positionals[0] ?? DEFAULT_SCENARIO);
  let scenario;
  try {
    scenario = loadScenarioFile(file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`Invalid scenario; nothing ran.\n${error.message}\n`);
    return 2;
  }
  const regions = scenario.topology.regions.map((r) => r.id);
  const models = scenario.topology.models.map((m) => m.id);
  const region = values.region ?? regions[0]!;
  const model = values.model ?? models[0]!;
  if (!regions.includes(region) || !models.includes(model)) {
    process.stderr.write(!regions.includes(region) ? `--region: unknown region "${region}" (known: ${regions.join(", ")})\n` : `--model: unknown logical model "${model}" (known: ${models.join(", ")})\n`);
    return 2;
  }
  let rows;
  try {
    rows = await measureConduct(scenario, region, model);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatConductTable(rows)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
