/**
 * This installation's own directory: where its Ed25519 key lives, the key that signs evidence bundles
 * and audit checkpoints, the public keys of others it trusts (`trusted-keys/`), where the app writes
 * evidence bundles and `npm run serve` keeps its audit stores. `FAILOVER_LAB_HOME` moves it (tests, shared
 * machines); the default is per user.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { keyIdOf, loadOrCreateInstallationKey, parseEd25519PublicKey, readTextFile, type InstallationKey, type TrustedKey } from "../engine";

function installationDir(): string {
  return process.env.FAILOVER_LAB_HOME ?? join(homedir(), ".failover-lab");
}

export function installationKey(): InstallationKey {
  return loadOrCreateInstallationKey(installationDir());
}

/** The public keys `failover-lab key trust` added, one `<key id>.pem` each. */
export const trustedKeysFolder = (): string => join(installationDir(), "trusted-keys");

/**
 * The Ed25519 public key in the PEM file `path`; throws, naming the file, for anything else, so that a
 * mistyped key is never silently trusted or silently ignored.
 */
export function readPublicKey(path: string): TrustedKey["publicKey"] {
  const key = parseEd25519PublicKey(readTextFile(path, "key"));
  if (!key) throw new Error(`${path}: not an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----); failover-lab key export prints one`);
  return key;
}

/** The keys this installation trusts without being told: its own and those in {@link trustedKeysFolder}. */
export function installationTrustedKeys(): TrustedKey[] {
  const folder = trustedKeysFolder();
  const names = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(".pem")).sort() : [];
  return [
    { publicKey: installationKey().publicKey, source: "this installation's key" },
    ...names.map((name) => ({ publicKey: readPublicKey(join(folder, name)), source: `trusted-keys/${name}` })),
  ];
}

/** Adds the public key in `path` to {@link trustedKeysFolder}; returns its key id. */
export function trustKey(path: string): string {
  const key = readPublicKey(path);
  const keyId = keyIdOf(key);
  mkdirSync(trustedKeysFolder(), { recursive: true });
  writeFileSync(join(trustedKeysFolder(), `${keyId}.pem`), key.export({ type: "spki", format: "pem" }));
  return keyId;
}

/** Where the app writes evidence bundles, one directory each: the evidence library lists it. */
export const evidenceFolder = (): string => join(installationDir(), "evidence");

/** A new directory for one evidence bundle of a scenario file, under the installation's `evidence/`. */
const newEvidenceDir = (scenarioFile: string): string => newDirUnder("evidence", scenarioFile);

/** The app's evidence options but the printer, which differs between Electron and browser mode. */
export const installationEvidence = () => ({
  folder: evidenceFolder(),
  newDir: newEvidenceDir,
  key: installationKey,
  trustedKeys: installationTrustedKeys,
  wallDate: () => new Date().toISOString(),
});

/** A new directory for the audit stores of one `npm run serve` of a scenario file, under the installation's `serve/`. */
export const newServeDir = (scenarioFile: string): string => newDirUnder("serve", scenarioFile);

function newDirUnder(folder: string, scenarioFile: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const dir = join(installationDir(), folder, `${scenarioFile.replace(/\.ya?ml$/, "")}-${stamp}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
