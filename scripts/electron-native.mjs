/**
 * Builds better-sqlite3 for Electron's ABI, for machines where the Electron binary exists. Electron
 * cannot load the addon in node_modules (built for Node's ABI) and `npm test` needs that one as it is,
 * so this works on a copy in .electron-native/better-sqlite3 and the main process passes the copy's
 * addon to better-sqlite3 as `nativeBinding`. Skips the work when the stamp says the copy is current.
 *
 * Usage: node scripts/electron-native.mjs [--force]
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const REBUILD = "@electron/rebuild@3.7.1";
const source = join(root, "node_modules", "better-sqlite3");
const copy = join(root, ".electron-native", "better-sqlite3");
const stampFile = join(root, ".electron-native", "better-sqlite3.stamp.json");

/** Where the Electron build of the addon lands; `electron/paths.ts` names the same file. */
export const NATIVE_BINDING = join(copy, "build", "Release", "better_sqlite3.node");

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));

/** What the build depends on: a change to any of these makes the copy stale. */
function wantedStamp() {
  const electron = join(root, "node_modules", "electron");
  return {
    electron: readJson(join(electron, "package.json")).version,
    // Electron ships its ABI number; passing it keeps @electron/rebuild's ABI table out of the way.
    abi: readFileSync(join(electron, "abi_version"), "utf8").trim(),
    betterSqlite3: readJson(join(source, "package.json")).version,
    platform: process.platform,
    arch: process.arch,
  };
}

/** Size and mtime of the Node build of the addon, to prove the rebuild left it alone. */
function nodeAddonFingerprint() {
  const addon = join(source, "build", "Release", "better_sqlite3.node");
  if (!existsSync(addon)) return "absent";
  const { size, mtimeMs } = statSync(addon);
  return `${size}@${mtimeMs}`;
}

function isCurrent(stamp) {
  if (!existsSync(stampFile) || !existsSync(NATIVE_BINDING)) return false;
  return JSON.stringify(readJson(stampFile)) === JSON.stringify(stamp);
}

/**
 * Makes sure NATIVE_BINDING is better-sqlite3 built for the installed Electron and returns its path.
 * Throws when the rebuild fails (it needs the network for Electron's headers, and a C++ toolchain
 * unless a prebuilt addon is found).
 */
export function ensureElectronNative({ force = false } = {}) {
  const stamp = wantedStamp();
  const shown = relative(root, copy);
  if (!force && isCurrent(stamp)) {
    console.log(`better-sqlite3 for Electron ${stamp.electron} is up to date in ${shown} (node_modules untouched).`);
    return NATIVE_BINDING;
  }
  console.log(`Building better-sqlite3 ${stamp.betterSqlite3} for Electron ${stamp.electron} (ABI ${stamp.abi}) in ${shown}; node_modules/better-sqlite3 stays built for Node.`);
  rmSync(copy, { recursive: true, force: true });
  rmSync(stampFile, { force: true });
  // Resolved, because some package managers link packages into node_modules.
  const from = realpathSync(source);
  // The Node build output would otherwise be mistaken for a finished build.
  cpSync(from, copy, { recursive: true, filter: (path) => path !== join(from, "build") && path !== join(from, "node_modules") });
  const before = nodeAddonFingerprint();
  const args = ["--yes", REBUILD, "--version", stamp.electron, "--force-abi", stamp.abi, "--module-dir", copy, "--only", "better-sqlite3", "--force"];
  console.log(`$ npx ${args.join(" ")}`);
  const run = spawnSync("npx", args, { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  // @electron/rebuild scans the project's node_modules too; `--only` must have kept it off the Node build.
  if (nodeAddonFingerprint() !== before) throw new Error("node_modules/better-sqlite3 was rebuilt as well; run `npm rebuild better-sqlite3` to restore the Node build");
  if (run.status !== 0 || !existsSync(NATIVE_BINDING)) throw new Error(`${REBUILD} did not produce ${relative(root, NATIVE_BINDING)} (exit ${run.status ?? run.signal})`);
  writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
  console.log(`better-sqlite3 for Electron ready: ${relative(root, NATIVE_BINDING)}`);
  return NATIVE_BINDING;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    ensureElectronNative({ force: process.argv.includes("--force") });
  } catch (error) {
    console.error(`electron-native: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
