import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBin } from "./runCli";

// Issue 18, item 4, through the real command: each file is refused with exit 2 and its name, nothing run.
// BENCHMARKS.md ("Hostile files") has the time and memory each takes.
const dir = mkdtempSync(join(tmpdir(), "failover-lab-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runBin(args);

describe("failover-lab on hostile files", () => {
  it("drill refuses a link to /dev/zero, a FIFO, 2.4 million keys and invalid UTF-8 by name, exit 2", async () => {
    const zero = join(dir, "zero.yaml");
    symlinkSync("/dev/zero", zero);
    const fifo = join(dir, "fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    const keys = join(dir, "keys.yaml");
    writeFileSync(keys, `revision: 1\n${Array.from({ length: 2_400_000 }, (_, i) => `k${i}: ${i}`).join("\n")}\n`);
    const latin1 = join(dir, "latin1.yaml");
    writeFileSync(latin1, Buffer.concat([Buffer.from("revision: 1\nname: caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    const expected: [string, RegExp][] = [
      [zero, /zero\.yaml:1:1: cannot read the file: it is a character device/],
      [fifo, /fifo\.yaml:1:1: cannot read the file: it is a FIFO/],
      [keys, /keys\.yaml:1:1: the file is [\d,]+ bytes; a scenario is at most 0\.5 MiB/],
      [latin1, /latin1\.yaml:2:10: not UTF-8: byte 0xe9/],
    ];
    for (const [file, message] of expected) {
      const { code, stdout, stderr } = await cli("drill", file);
      expect({ file, code, stdout }).toEqual({ file, code: 2, stdout: "" });
      expect(stderr).toMatch(message);
    }
  }, 120_000);

  it("import, lesson check, lesson merge, verify --trusted-key and sweep merge refuse special files by name, exit 2", async () => {
    const fifo = join(dir, "config-fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    const runs: [string[], RegExp][] = [
      [["import", "litellm", "/dev/urandom", "--region", "x=eu-west:EU:Dublin"], /\/dev\/urandom:1:1: cannot read the file: it is a character device .*a gateway config is a regular file/],
      [["lesson", "check", fifo], /config-fifo\.yaml:1:1: cannot read the file: it is a FIFO .*a lesson is a regular file/],
      [["lesson", "merge", dir], /:1:1: cannot read the file: it is a directory; a scorecard is a regular file/],
      [["verify", dir, "--trusted-key", "/dev/zero"], /^\/dev\/zero:1:1: cannot read the file: it is a character device .*a public key file is a regular file\. Nothing checked\./],
      [["sweep", "merge", fifo], /config-fifo\.yaml:1:1: cannot read the file: it is a FIFO \(named pipe\); a sweep's file of runs is a regular file\. Nothing merged\./],
    ];
    for (const [args, message] of runs) {
      const { code, stderr } = await cli(...args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toMatch(message);
    }
  }, 120_000);
});
