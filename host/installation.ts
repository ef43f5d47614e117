/**
 * This installation's own directory: where its Ed25519 key lives, the key that signs evidence bundles
 * and audit checkpoints, where the app writes evidence bundles and `npm run serve` keeps its audit
 * stores. `FAILOVER_LAB_HOME` moves it (tests, shared machines); the default is per user.
 */
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { loadOrCreateInstallationKey, type InstallationKey } from "../engine";

function installationDir(): string {
  return process.env.FAILOVER_LAB_HOME ?? join(homedir(), ".failover-lab");
}

export function installationKey(): InstallationKey {
  return loadOrCreateInstallationKey(installationDir());
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
