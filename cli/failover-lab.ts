/**
 * `failover-lab <command> [arguments]`: one command, a subcommand per module of `cli/`, each loaded only when
 * it is asked for. Every subcommand answers `--help` and exits by the codes of `./args`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT_INVALID_INPUT, EXIT_OK, runGuarded } from "./args";

type Subcommand = (argv: readonly string[]) => Promise<number>;

const SUBCOMMANDS: Readonly<Record<string, { summary: string; run: Subcommand }>> = {
  start: { summary: "open the app (desktop, or the browser when Electron or a display is missing)", run: async (argv) => (await import("./start")).main(argv) },
  drill: { summary: "run a scenario headless in virtual time and answer the four questions", run: async (argv) => (await import("./drill")).main(argv) },
  serve: { summary: "play a scenario in real time behind an OpenAI-compatible API, no UI", run: async (argv) => (await import("./serve")).main(argv) },
  verify: { summary: "re-check an evidence bundle offline", run: async (argv) => (await import("./verify")).main(argv) },
  key: { summary: "export this installation's public key; trust another's for verify; list the trusted keys", run: async (argv) => (await import("./key")).main(argv) },
  sweep: { summary: "run a scenario over many seeds and settings on every core; merge the shards of a sweep", run: async (argv) => (await import("./sweep")).main(argv) },
  compare: { summary: "run two scenarios on the same seed and show what differs", run: async (argv) => (await import("./compare")).main(argv) },
  import: { summary: "turn a gateway config (LiteLLM, Portkey, Envoy) into a scenario", run: async (argv) => (await import("./import")).main(argv) },
  lesson: { summary: "check a lesson, play it headless with a participant's answers, merge a class's scorecards", run: async (argv) => (await import("./lesson")).main(argv) },
};

const USAGE = `usage: failover-lab <command> [arguments] [--debug]
       failover-lab <command> --help
       failover-lab --help | --version

commands:
${Object.entries(SUBCOMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(8)} ${summary}`)
  .join("\n")}

exit codes: 0 ok; 1 an expectation or check failed; 2 invalid input (arguments, files), nothing ran;
3 internal error (--debug prints its stack trace)
`;

/** `subcommands` replaces the table in tests, to make a subcommand fail on purpose. */
export async function main(argv: readonly string[], subcommands: Readonly<Record<string, { run: Subcommand }>> = SUBCOMMANDS): Promise<number> {
  // --debug may come before the command too; the subcommand's guard is the one that reads it.
  const [name, ...rest] = argv.filter((arg) => arg !== "--debug");
  if (name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (name === "--version") {
    process.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const subcommand = name === undefined ? undefined : subcommands[name];
  if (!subcommand) {
    process.stderr.write(`${name === undefined ? "missing command" : `unknown command "${name}"`}\n${USAGE}`);
    return EXIT_INVALID_INPUT;
  }
  return runGuarded(name!, subcommand.run, argv.includes("--debug") ? [...rest, "--debug"] : rest);
}

function version(): string {
  return (JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }).version;
}
