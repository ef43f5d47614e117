/**
 * `npm run package:fuses [-- --binary PATH]`: flips Electron's fuses — bits in the Electron binary read at
 * start-up, which code signing then protects — to turn off what the app never uses and an attacker on the
 * machine could: running the binary as plain Node (`ELECTRON_RUN_AS_NODE`), `NODE_OPTIONS`, and `--inspect`.
 * Without `--binary` it flips the binary `npm start` runs (node_modules/electron/dist, see
 * `electronBinaryPath()`); the project has no packager yet, so a packaged copy is passed by path. It fails,
 * exit 1 and one line, when there is no binary: flipping nothing must not look like success.
 *
 * Fuses flipped in node_modules last until Electron is reinstalled. docs/ELECTRON.md, "Fuses", says why each.
 */
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from "@electron/fuses";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { electronBinaryPath } from "./electron-binary.mjs";

/**
 * The fuses set, by @electron/fuses' index; `true` on, `false` off. A fuse that Electron 41's wire has and
 * @electron/fuses 1.8.0 does not know (the wire grows with Electron) keeps Electron's default.
 */
export const FUSES = {
  // No `child_process.fork` in the main process (the audit writer is a worker thread), so nothing needs it.
  [FuseV1Options.RunAsNode]: false,
  // Chromium's cookie store encrypted with the OS keychain, as Chrome does; the app sets no cookies, so nothing to migrate.
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Off because the app is not packaged as an app.asar: Electron starts dist/electron/main.mjs from the project
  // folder. Turned on without an asar, OnlyLoadAppFromAsar would stop the app from starting at all, and the
  // integrity check has no archive to check.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: false,
  // The app ships no V8 snapshot of its own.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The app's window is served from app://lab; the only file: page left is the PDF window's self-contained
  // report (electron/pdf.ts), which needs none of file:'s extra privileges (fetching other local files among them).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

const NAMES = Object.fromEntries(Object.keys(FUSES).map((index) => [index, FuseV1Options[Number(index)]]));

const ON = 49;
const OFF = 48;
/** What the wire holds for a fuse Electron has taken out: its behaviour is fixed, and setting it does nothing. */
const REMOVED = 114;

/**
 * Flips FUSES in the Electron binary at `binaryPath` (on macOS the `.app` or a path inside it), reads the wire
 * back and returns each configured fuse's state: `true`, `false`, or `"removed"` for a fuse this Electron no
 * longer has (left as it is). Throws, saying what to do, when there is no such file, when it is not an
 * Electron binary with fuses, or when a fuse did not take.
 */
export async function setElectronFuses(binaryPath) {
  if (binaryPath === null || binaryPath === undefined || !existsSync(binaryPath)) {
    throw new Error(
      binaryPath
        ? `no Electron binary at ${binaryPath}`
        : "no Electron binary is installed (node_modules/electron has not downloaded it: run `node scripts/electron-binary.mjs` online), and no --binary PATH was given",
    );
  }
  if (!binaryPath.includes(".app") && !statSync(binaryPath).isFile()) throw new Error(`${binaryPath} is not a file`);
  const before = await getCurrentFuseWire(binaryPath);
  const removed = Object.keys(FUSES).filter((index) => before[index] === REMOVED);
  const wanted = Object.fromEntries(Object.entries(FUSES).filter(([index]) => !removed.includes(index)));
  await flipFuses(binaryPath, {
    version: FuseVersion.V1,
    ...wanted,
    // A flipped arm64 macOS binary must be signed again or it will not start; a real signature replaces this one.
    resetAdHocDarwinSignature: process.platform === "darwin" && process.arch === "arm64" && binaryPath.includes(".app"),
  });
  const after = await getCurrentFuseWire(binaryPath);
  const states = {};
  for (const [index, on] of Object.entries(FUSES)) {
    if (removed.includes(index)) {
      states[NAMES[index]] = "removed";
      continue;
    }
    if (after[index] !== (on ? ON : OFF)) throw new Error(`fuse ${NAMES[index]} reads ${String(after[index])} after flipping, not ${on ? "on" : "off"}`);
    states[NAMES[index]] = on;
  }
  return states;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf("--binary");
  const binary = at >= 0 ? process.argv[at + 1] : electronBinaryPath();
  try {
    const states = await setElectronFuses(binary ?? null);
    console.log(`Electron fuses set in ${binary}:`);
    for (const [name, state] of Object.entries(states)) console.log(`  ${name}: ${state === "removed" ? "removed from this Electron (nothing to set)" : state ? "on" : "off"}`);
  } catch (error) {
    console.error(`Electron fuses not set: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
