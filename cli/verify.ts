/**
 * `npm run verify -- <bundle-dir> [--trusted-key FILE] [--no-rerun]`
 *
 * Checks an evidence bundle offline: the signed manifest and every file's SHA-256, every audit chain,
 * the signed Merkle checkpoints and their consistency proofs, and — by re-running the scenario with the
 * recorded seed — that the outcome reproduces the same audit heads. Prints a verdict per check. Exit codes:
 * 0 every check passed; 1 a check failed; 2 bad arguments.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { verifyEvidence } from "../engine";

export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
const USAGE = "usage: npm run verify -- <bundle-dir> [--trusted-key PUBLIC_KEY.pem] [--no-rerun]";

export async function main(argv: readonly string[]): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { "trusted-key": { type: "string" }, "no-rerun": { type: "boolean", default: false } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`${positionals.length === 0 ? "missing bundle directory" : "expected one bundle directory"}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  let trustedPublicKeyPem: string | undefined;
  if (values["trusted-key"] !== undefined) {
    try {
      trustedPublicKeyPem = readFileSync(values["trusted-key"], "utf8");
    } catch (error) {
      process.stderr.write(`${values["trusted-key"]}: cannot read the trusted key: ${(error as Error).message}\n`);
      return EXIT_USAGE;
    }
  }
  const bar = process.stderr.isTTY ? new SingleBar({ format: "re-running the scenario {bar} {value}/{total} virtual s", stream: process.stderr, hideCursor: true }) : undefined;
  let started = false;
  const results = await verifyEvidence(resolve(positionals[0]!), {
    rerun: !values["no-rerun"],
    ...(trustedPublicKeyPem === undefined ? {} : { trustedPublicKeyPem }),
    onProgress: (now, total) => {
      if (!started) bar?.start(Math.round(total / 1000), 0);
      started = true;
      bar?.update(Math.floor(now / 1000));
    },
  });
  bar?.stop();
  for (const result of results) process.stdout.write(`${result.ok ? "PASS" : "FAIL"}  ${result.check}: ${result.detail}\n`);
  const failed = results.filter((r) => !r.ok);
  process.stdout.write(failed.length === 0 ? `Bundle verified: ${results.length} checks passed.\n` : `Bundle NOT verified: ${failed.map((r) => r.check).join(", ")} failed.\n`);
  return failed.length === 0 ? 0 : EXIT_CHECK_FAILED;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
