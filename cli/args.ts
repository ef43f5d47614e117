/**
 * What the subcommands share: the exit codes, `--help`, reading the command line and the scenario file, and
 * saying what is wrong with either before anything runs.
 */
import { pathToFileURL } from "node:url";
import { applyOverrides, formatProblems, parseOverride, parseScenario, readTextFile, ScenarioError, type FieldOverride, type Scenario, type TextKind } from "../engine";

/** The exit codes of every subcommand, so that a script can tell a failed drill from a typo or a crash. */
export const EXIT_OK = 0;
/** An expectation or a check failed: the run itself worked. */
export const EXIT_FAILED = 1;
/** Invalid input (bad arguments, an unreadable or invalid file): nothing ran. */
export const EXIT_INVALID_INPUT = 2;
/** A bug or an environment the tool cannot work in: an exception reached the top. */
export const EXIT_INTERNAL_ERROR = 3;

type Main = (argv: readonly string[]) => Promise<number>;

/** Prints `help` to stdout when the arguments ask for it; the caller then exits 0 and runs nothing. */
export function helpRequested(argv: readonly string[], help: string): boolean {
  const options = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  if (!options.includes("--help") && !options.includes("-h")) return false;
  process.stdout.write(`${help}\n`);
  return true;
}

/**
 * Runs a subcommand's `main` under the exit-code convention: an exception that escapes it is an internal
 * error, one line on stderr, with the stack only under `--debug` (which the subcommand never sees).
 */
export async function runGuarded(name: string, main: Main, argv: readonly string[]): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    return await main(argv.filter((arg) => arg !== "--debug"));
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`failover-lab ${name}: internal error: ${message.split("\n")[0]}\n`);
    process.stderr.write(debug && error instanceof Error && error.stack ? `${error.stack}\n` : "(run again with --debug for the stack trace)\n");
    return EXIT_INTERNAL_ERROR;
  }
}

/** Runs `main` when its module is the script node was started with (`npm run drill`), not when imported. */
export async function runIfScript(moduleUrl: string, name: string, main: Main): Promise<void> {
  if (process.argv[1] && moduleUrl === pathToFileURL(process.argv[1]).href) process.exitCode = await runGuarded(name, main, process.argv.slice(2));
}

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

/**
 * The scenario file with `overrides` set, or undefined once its problems (file, line, field) or the overrides'
 * are printed. The file is checked as written first, so that a problem blamed on an override is the override's.
 */
export function readScenario(file: string, overrides: readonly FieldOverride[] = []): Scenario | undefined {
  const text = readText(file, "scenario");
  if (text === undefined) return undefined;
  const parsed = parseScenario(text, file);
  if (!parsed.ok) {
    process.stderr.write(`Invalid scenario; nothing ran.\n${formatProblems(parsed.problems)}\n`);
    return undefined;
  }
  if (overrides.length === 0) return parsed.scenario;
  const result = applyOverrides(text, file, overrides);
  if (result.ok) return result.scenario;
  process.stderr.write(`Invalid value set; nothing ran.\n${result.problems.join("\n")}\n`);
  return undefined;
}

/**
 * A file's text through the engine's one reader (a regular file, within the kind's cap, UTF-8, no NUL), or
 * undefined once why not is printed as `file:line:column: message`; the caller then exits {@link EXIT_INVALID_INPUT}.
 */
export function readText(file: string, kind: TextKind): string | undefined {
  try {
    return readTextFile(file, kind);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`Unreadable file; nothing ran.\n${error.message}\n`);
    return undefined;
  }
}

/** Repeated `--set path=value` options: fields of the scenario to change for this run. */
export function parseOverrides(values: readonly string[] | undefined): FieldOverride[] {
  return (values ?? []).map((text) => {
    try {
      return parseOverride(text);
    } catch (error) {
      throw new UsageError(`--set ${(error as Error).message}`);
    }
  });
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
