/**
 * This installation's own directory: where its Ed25519 key lives, the key that signs evidence bundles
 * and audit checkpoints. `FAILOVER_LAB_HOME` moves it (tests, shared machines); the default is per user.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { loadOrCreateInstallationKey, type InstallationKey } from "../engine";

export function installationDir(): string {
  return process.env.FAILOVER_LAB_HOME ?? join(homedir(), ".failover-lab");
}

export function installationKey(): InstallationKey {
  return loadOrCreateInstallationKey(installationDir());
}
