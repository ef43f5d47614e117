/**
 * `postinstall`: fetches the Electron binary, which package.json keeps Electron's own install script
 * from doing (`allowScripts.electron: false`) so that an offline install still succeeds. Online, this
 * downloads it; offline, it says so in one line and exits 0, and `npm start` falls back to browser mode.
 *
 * Also exports `electronBinaryPath()` for scripts that decide between the desktop app and browser mode.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * The Electron executable's path when it is installed, else null. Never throws: the `electron`
 * package's main module throws when its download never happened (no path.txt).
 */
export function electronBinaryPath() {
  try {
    const binary = createRequire(join(root, "package.json"))("electron");
    return typeof binary === "string" && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** Runs Electron's own installer (download, checksum, unzip). Returns null on success, else why it failed. */
function downloadBinary() {
  const installer = join(root, "node_modules", "electron", "install.js");
  if (!existsSync(installer)) return "the electron package is not installed";
  const run = spawnSync(process.execPath, [installer], { cwd: root, encoding: "utf8", timeout: DOWNLOAD_TIMEOUT_MS, stdio: ["ignore", "pipe", "pipe"] });
  if (run.error?.code === "ETIMEDOUT") return `download timed out after ${DOWNLOAD_TIMEOUT_MS / 1000} s`;
  if (run.error) return run.error.message;
  if (run.status !== 0) {
    // The installer prints a whole stack; its first line says what went wrong.
    const firstLine = `${run.stderr}${run.stdout}`.split("\n").find((line) => line.trim() !== "");
    return firstLine?.trim() ?? `installer exited with ${run.status ?? run.signal}`;
  }
  // The installer exits 0 without downloading when ELECTRON_SKIP_BINARY_DOWNLOAD is set.
  return electronBinaryPath() === null ? "the installer finished but no binary is present (ELECTRON_SKIP_BINARY_DOWNLOAD?)" : null;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const failure = electronBinaryPath() === null ? downloadBinary() : null;
  if (failure === null) console.log(`Electron binary ready: ${electronBinaryPath()}`);
  else console.log(`Electron binary unavailable (${failure}); \`npm start\` will use browser mode`);
}
