/**
 * What `npm run drill` and `npm run serve` share: reading the command line and the scenario file, and
 * saying what is wrong with either before anything runs.
 */
import { loadScenarioFile, ScenarioError, type Scenario } from "../engine";

/** Exit code for invalid input (bad arguments or an invalid scenario): nothing ran. */
export const EXIT_INVALID_INPUT = 2;

export class UsageError extends Error {}

/** Runs `parse`; a usage error, `parseArgs`' own included, is printed with the usage line and comes back as undefined. */
export function readCommandLine<T>(parse: () => T, usage: string): T | undefined {
  try {
    return parse();
  } catch (error: unknown) {
    const fromParseArgs = (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ?? false;
    if (!(error instanceof UsageError || fromParseArgs)) throw error;
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return undefined;
  }
}

/** The scenario file, or undefined once its problems (file, line, field) are printed. */
export function readScenario(file: string): Scenario | undefined {
  try {
    return loadScenarioFile(file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`Invalid scenario; nothing ran.\n${error.message}\n`);
    return undefined;
  }
}

/** The one scenario file named on the command line. */
export function onePositional(positionals: readonly string[]): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing scenario file" : `expected one scenario file, got ${positionals.length}`);
  return positionals[0]!;
}

/** `--seed N`: overrides the scenario's seed. */
export function parseSeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new UsageError(`--seed must be an integer from 0 to 2147483647, got "${value}"`);
  return seed;
}
