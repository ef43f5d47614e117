/**
 * `failover-lab`: help and version on stdout with exit 0, for the tool and every subcommand; one exit-code
 * convention (2 invalid input, 3 internal error with its stack only under --debug); `drill --json` through
 * the bin is JSON and nothing else.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/failover-lab";
import { inProcess, root, runBin } from "./runCli";

const tool = (...args: string[]) => inProcess(() => main(args));
const dir = mkdtempSync(join(tmpdir(), "failover-lab-tool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SUBCOMMANDS = ["start", "drill", "serve", "verify", "key", "compare", "sweep", "import", "lesson"];
/** Each usage line, as `<command> --help` prints it; lesson's is the three of check, play and merge. */
const HELPS = [...SUBCOMMANDS.filter((name) => name !== "lesson").map((name) => [name]), ["lesson", "check"], ["lesson", "play"], ["lesson", "merge"]];

describe("failover-lab", () => {
  it("--help, -h and help print every subcommand with a summary and the exit codes to stdout, exit 0", async () => {
    for (const flag of ["--help", "-h", "help"]) {
      const { code, stdout, stderr } = await tool(flag);
      expect([code, stderr], flag).toEqual([0, ""]);
      for (const name of SUBCOMMANDS) expect(stdout).toMatch(new RegExp(`^ {2}${name} +\\S.{20,}$`, "m"));
      expect(stdout).toMatch(/exit codes: 0 ok; 1 an expectation or check failed; 2 invalid input .*\n3 internal error/);
    }
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(await tool("--version")).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("<command> --help prints that command's usage, each of its options explained, to stdout, exit 0", async () => {
    for (const args of [...HELPS, ["lesson"]]) {
      const { code, stdout, stderr } = await tool(...args, "--help");
      expect([code, stderr], args.join(" ")).toEqual([0, ""]);
      const usage = stdout.split("\n")[0]!;
      expect(usage).toMatch(new RegExp(`^usage: failover-lab ${args.join(" ")} `));
      expect(stdout).toMatch(/\nexit codes: 0 /);
      if (args[0] === "lesson" && args.length === 1) continue;
      for (const option of usage.match(/--[a-z-]+/g) ?? []) expect(stdout, `${args.join(" ")} ${option}`).toMatch(new RegExp(`^ {2}${option} +\\S`, "m"));
    }
    expect((await tool("drill", "-h")).stdout).toMatch(/^usage: failover-lab drill /);
  });

  it("an unknown or missing command prints the usage to stderr, exit 2", async () => {
    for (const args of [["bogus"], []]) {
      const { code, stdout, stderr } = await tool(...args);
      expect([code, stdout]).toEqual([2, ""]);
      expect(stderr).toMatch(args.length === 0 ? /^missing command\nusage: failover-lab / : /^unknown command "bogus"\nusage: failover-lab /);
    }
  });

  it("invalid input is exit 2 in every command, before anything runs", async () => {
    const notADir = join(dir, "file");
    writeFileSync(notADir, "");
    const fixture = join(root, "test/fixtures/short-drill.yaml");
    const cases: [string[], RegExp][] = [
      [["start", "--port", "x"], /--port must be a port number from 0 to 65535 \(0 picks a free one\), got "x"\nusage: failover-lab start /],
      [["verify", join(dir, "nowhere")], /nowhere: not a directory; .* Nothing checked\./],
      [["verify", "--bogus"], /^Unknown option '--bogus'.*\nusage: failover-lab verify /],
      [["drill", fixture, "--out", notADir], /file\/audit: cannot create it: .*\. Nothing ran\./],
      [["drill", fixture, "--evidence", notADir], /file is not an empty directory; .* Nothing ran\./],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await tool(...args);
      expect([code, stdout], args.join(" ")).toEqual([2, ""]);
      expect(stderr).toMatch(message);
    }
  });

  it("an exception in a command is an internal error, exit 3: one line naming it, the stack only with --debug", async () => {
    const seen: (readonly string[])[] = [];
    const failing = {
      broken: {
        run: async (argv: readonly string[]) => {
          seen.push(argv);
          throw new Error("the audit store vanished\nmore detail");
        },
      },
    };
    const run = (...args: string[]) => inProcess(() => main(args, failing));
    expect(await run("broken", "x.yaml")).toEqual({
      code: 3,
      stdout: "",
      stderr: "failover-lab broken: internal error: the audit store vanished\n(run again with --debug for the stack trace)\n",
    });
    for (const args of [["broken", "x.yaml", "--debug"], ["--debug", "broken", "x.yaml"]]) {
      const { code, stderr } = await run(...args);
      expect(code).toBe(3);
      expect(stderr).toMatch(/^failover-lab broken: internal error: the audit store vanished\nError: the audit store vanished\nmore detail\n {4}at /);
    }
    expect(seen).toEqual([["x.yaml"], ["x.yaml"], ["x.yaml"]]);
  });

  it("npx failover-lab drill X --json writes the report as JSON and nothing else to stdout", async () => {
    const { code, stdout, stderr } = await runBin(["drill", join(root, "test/fixtures/short-drill.yaml"), "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { passed: boolean; seed: number };
    expect(report.passed).toBe(true);
    expect(stderr).toMatch(/requests\/s/);
  }, 60_000);
});
