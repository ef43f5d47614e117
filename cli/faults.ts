/**
 * `npm run faults -- [scenario.yaml] [--region R] [--model M] [--json]`
 *
 * Sends one streaming call through each request-level fault class to a gateway whose primary target has
 * that fault, in virtual time, and prints what the gateway did: the attempts, the calls the providers saw,
 * the elapsed virtual time and what the caller got. Defaults: scenarios/request-faults.yaml, its first
 * region and logical model. Exit code 2 on invalid input.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatConductTable, measureConduct } from "../engine";
import { EXIT_INVALID_INPUT, EXIT_OK, readCommandLine, readScenario, runIfScript, UsageError } from "./args";

const USAGE = "usage: npm run faults -- [scenario.yaml] [--region R] [--model M] [--json]";
export const DEFAULT_SCENARIO = "scenarios/request-faults.yaml";

export async function main(argv: readonly string[]): Promise<number> {
  const options = readCommandLine(() => parseCommandLine(argv), USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  const scenario = readScenario(options.file);
  if (!scenario) return EXIT_INVALID_INPUT;
  const regions = scenario.topology.regions.map((r) => r.id);
  const models = scenario.topology.models.map((m) => m.id);
  const region = options.region ?? regions[0]!;
  const model = options.model ?? models[0]!;
  if (!regions.includes(region) || !models.includes(model)) {
    process.stderr.write(!regions.includes(region) ? `--region: unknown region "${region}" (known: ${regions.join(", ")})\n` : `--model: unknown logical model "${model}" (known: ${models.join(", ")})\n`);
    return EXIT_INVALID_INPUT;
  }
  let rows;
  try {
    rows = await measureConduct(scenario, region, model);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT_INVALID_INPUT;
  }
  process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatConductTable(rows)}\n`);
  return EXIT_OK;
}

function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { region: { type: "string" }, model: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length > 1) throw new UsageError(`expected at most one scenario file, got ${positionals.length}`);
  return { file: resolve(positionals[0] ?? DEFAULT_SCENARIO), region: values.region, model: values.model, json: values.json };
}

await runIfScript(import.meta.url, "faults", main);
