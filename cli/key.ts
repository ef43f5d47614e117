/**
 * `failover-lab key export | trust FILE | list`
 *
 * This installation's signing key and the keys it trusts, for `failover-lab verify`: a bundle verifies only
 * when signed by one of them (or by a `--trusted-key`). A reviewer gets the author's `key export` over a
 * channel other than the bundle, checks the key id with the author, and runs `key trust` on it once.
 * Exit codes: 0 done; 2 bad arguments or a file that is not an Ed25519 public key.
 */
import { parseArgs } from "node:util";
import { keyIdOf } from "../engine";
import { installationKey, installationTrustedKeys, trustedKeysFolder, trustKey } from "../host/installation";
import { EXIT_INVALID_INPUT, EXIT_OK, helpRequested, readCommandLine, UsageError } from "./args";

const USAGE = "usage: failover-lab key export | trust PUBLIC_KEY.pem | list";
const HELP = `${USAGE}

  export  prints this installation's public key (PEM) and its key id, the id a drill report prints:
          failover-lab key export > my-key.pem, and hand my-key.pem to whoever reviews your bundles
  trust   trusts a public key from now on: failover-lab verify then accepts bundles it signed
          (copied to the installation's trusted-keys folder; FAILOVER_LAB_HOME moves the installation)
  list    the keys verify trusts without --trusted-key: key id and where each comes from

exit codes: 0 done; 2 invalid input (arguments, a file that is not an Ed25519 public key); 3 internal error`;

export async function main(argv: readonly string[]): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  const args = readCommandLine(() => {
    const { positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: {} });
    const [action, ...rest] = positionals;
    const files = action === "trust" ? 1 : 0;
    if (action !== "export" && action !== "trust" && action !== "list") throw new UsageError(action === undefined ? "missing action" : `unknown action "${action}"`);
    if (rest.length !== files) throw new UsageError(files === 1 ? "key trust takes one public key file" : `key ${action} takes no arguments`);
    return { action, file: rest[0] };
  }, USAGE);
  if (!args) return EXIT_INVALID_INPUT;

  if (args.action === "export") {
    const key = installationKey();
    process.stdout.write(`# failover-lab installation key ${key.keyId}\n${key.publicKeyPem}`);
    return EXIT_OK;
  }
  if (args.action === "list") {
    for (const { publicKey, source } of installationTrustedKeys()) process.stdout.write(`${keyIdOf(publicKey)}  ${source}\n`);
    return EXIT_OK;
  }
  try {
    const keyId = trustKey(args.file!);
    process.stdout.write(`trusted key ${keyId}, now in ${trustedKeysFolder()}\n`);
    return EXIT_OK;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}. Nothing trusted.\n`);
    return EXIT_INVALID_INPUT;
  }
}
