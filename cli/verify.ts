/**
 * `failover-lab verify <bundle-dir> [--trusted-key FILE]… [--no-rerun]` (also `npm run verify --`)
 *
 * Checks an evidence bundle offline: the signed manifest, by a trusted key, and every file's SHA-256, every
 * audit chain, the report pages, the signed Merkle checkpoints and their consistency proofs, and — by
 * re-running the scenario with the recorded seed — that the outcome reproduces the same audit heads. Prints
 * a verdict per check. Exit codes: 0 every check passed; 1 a check failed; 2 bad arguments, no such
 * directory or a trusted key that is not one.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { verifyEvidence, type TrustedKey } from "../engine";
import { ensureReportPageBuilt } from "../host/build";
import { installationTrustedKeys, readPublicKey } from "../host/installation";
import { EXIT_FAILED, EXIT_INVALID_INPUT, EXIT_OK, helpRequested, readCommandLine, runIfScript, UsageError } from "./args";

const USAGE = "usage: failover-lab verify <bundle-dir> [--trusted-key PUBLIC_KEY.pem]… [--no-rerun]";
const HELP = `${USAGE}

Checks an evidence bundle (failover-lab drill --evidence, or the app's export) offline and prints a verdict
per check: the signed manifest and every file's SHA-256, every audit chain, report.html rendered again
from report.json and report.pdf bound to it, the signed Merkle checkpoints and their consistency proofs,
and that re-running the scenario reproduces the same audit heads.

The manifest must be signed by a key you trust: this installation's own, one added with
failover-lab key trust FILE, or one named here. A valid signature by any other key fails ("not trusted"):
anyone can re-sign a forged bundle with a fresh key. Ask the bundle's author for the output of
failover-lab key export, over a channel other than the bundle.

  --trusted-key FILE   also trust this PEM public key (repeatable)
  --no-rerun           skips re-running the scenario (faster; the outcome is then not re-derived)

exit codes: 0 every check passed; 1 a check failed; 2 invalid input, nothing checked; 3 internal error`;

export async function main(argv: readonly string[]): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  const options = readCommandLine(() => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { "trusted-key": { type: "string", multiple: true }, "no-rerun": { type: "boolean", default: false } },
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
  let trustedKeys: TrustedKey[];
  try {
    trustedKeys = [
      ...(values["trusted-key"] ?? []).map((file) => ({ publicKey: readPublicKey(file), source: `--trusted-key ${file}` })),
      ...installationTrustedKeys(),
    ];
  } catch (error) {
    process.stderr.write(`${(error as Error).message}. Nothing checked.\n`);
    return EXIT_INVALID_INPUT;
  }
  // report.html is rendered again, with the page bundle it inlines.
  await ensureReportPageBuilt((line) => process.stderr.write(`${line}\n`));
  const bar = process.stderr.isTTY ? new SingleBar({ format: "re-running the scenario {bar} {value}/{total} virtual s", stream: process.stderr, hideCursor: true }) : undefined;
  let started = false;
  const results = await verifyEvidence(dir, {
    rerun: !values["no-rerun"],
    trustedKeys,
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
