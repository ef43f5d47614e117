/**
 * `failover-lab verify <bundle-dir> [--trusted-key FILE] [--no-rerun]` (also `npm run verify --`)
 *
 * Checks an evidence bundle offline: the signed manifest and every file's SHA-256, every audit chain,
 * the signed Merkle checkpoints and their consistency proofs, and — by re-running the scenario with the
 * recorded seed — that the outcome reproduces the same audit heads. Prints a verdict per check. Exit codes:
 * 0 every check passed; 1 a check failed; 2 bad arguments or no such directory.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { verifyEvidence } from "../engine";
import { EXIT_FAILED, EXIT_INVALID_INPUT, EXIT_OK, helpRequested, readCommandLine, runIfScript, UsageError } from "./args";

const USAGE = "usage: failover-lab verify <bundle-dir> [--trusted-key PUBLIC_KEY.pem] [--no-rerun]";
const HELP = `${USAGE}

Checks an evidence bundle (failover-lab drill --evidence, or the app's export) offline and prints a verdict
per check: the signed manifest and every file's SHA-256, every audit chain, the signed Merkle checkpoints
and their consistency proofs, and that re-running the scenario reproduces the same audit heads.

  --trusted-key FILE   the PEM public key the manifest must be signed with; without it, the bundle's own key
  --no-rerun           skips re-running the scenario (faster; the outcome is then not re-derived)

exit codes: 0 every check passed; 1 a check failed; 2 invalid input, nothing checked; 3 internal error`;

export async function main(argv: readonly string[]): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  const options = readCommandLine(() => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { "trusted-key": { type: "string" }, "no-rerun": { type: "boolean", default: false } },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing bundle directory" : "expected one bundle directory");
    return { dir: resolve(positionals[0]!), values };
  }, USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  const { dir, values } = options;
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write(`${dir}: not a directory; a bundle is the directory drill --evidence wrote. Nothing checked.\n`);
    return EXIT_INVALID_INPUT;
  }
  let trustedPublicKeyPem: string | undefined;
  if (values["trusted-key"] !== undefined) {
    try {
      trustedPublicKeyPem = readFileSync(values["trusted-key"], "utf8");
    } catch (error) {
      process.stderr.write(`${values["trusted-key"]}: cannot read the trusted key: ${(error as Error).message}\n`);
      return EXIT_INVALID_INPUT;
    }
  }
  const bar = process.stderr.isTTY ? new SingleBar({ format: "re-running the scenario {bar} {value}/{total} virtual s", stream: process.stderr, hideCursor: true }) : undefined;
  let started = false;
  const results = await verifyEvidence(dir, {
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
  return failed.length === 0 ? EXIT_OK : EXIT_FAILED;
}

await runIfScript(import.meta.url, "verify", main);
