/**
 * `failover-lab <command> [arguments]`: one command, a subcommand per module of `cli/`, each loaded only when
 * it is asked for. Issue 17 gives it help, `--version` and the exit codes of every subcommand.
 */
import { EXIT_INVALID_INPUT } from "./args";

type Subcommand = (argv: readonly string[]) => Promise<number>;

const SUBCOMMANDS: Readonly<Record<string, { summary: string; run: Subcommand }>> = {
  drill: { summary: "run a scenario headless in virtual time and answer the four questions", run: async (argv) => (await import("./drill")).main(argv) },
  compare: { summary: "run two scenarios on the same seed and show what differs", run: async (argv) => (await import("./compare")).main(argv) },
  import: { summary: "turn a gateway config (LiteLLM, Portkey, Envoy) into a scenario", run: async (argv) => (await import("./import")).main(argv) },
  verify: { summary: "re-check an evidence bundle offline", run: async (argv) => (await import("./verify")).main(argv) },
  lesson: { summary: "check a lesson, play it headless with a participant's answers, merge a class's scorecards", run: async (argv) => (await import("./lesson")).main(argv) },
};

const USAGE = `usage: failover-lab <command> [arguments]\n\ncommands:\n${Object.entries(SUBCOMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(8)} ${summary}`)
  .join("\n")}\n`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const subcommand = name === undefined ? undefined : SUBCOMMANDS[name];
  if (!subcommand) {
    process.stderr.write(`${name === undefined ? "missing command" : `unknown command "${name}"`}\n${USAGE}`);
    return EXIT_INVALID_INPUT;
  }
  return subcommand.run(rest);
}

