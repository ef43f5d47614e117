/**
 * scripts/electron-fuses.mjs against a fake Electron binary: the Electron binary cannot be downloaded here, so
 * the fake carries what @electron/fuses looks for — its sentinel, the wire's version and length, and one byte
 * per fuse — between filler bytes, laid out as in node_modules/@electron/fuses/dist/index.js.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FuseV1Options } from "@electron/fuses";
import { FuseState, SENTINEL } from "@electron/fuses/dist/constants";
import { afterAll, describe, expect, it } from "vitest";
import { FUSES, setElectronFuses } from "../../scripts/electron-fuses.mjs";

const root = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "fuses-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ON = FuseState.ENABLE; // "1"
const OFF = FuseState.DISABLE; // "0"
/** Electron's defaults for the eight fuses @electron/fuses 1.8.0 names, and a ninth it does not know. */
const DEFAULT_WIRE = [ON, OFF, ON, ON, OFF, OFF, OFF, ON, ON];
const prefix = Buffer.from("\x7fELF fake electron binary ");
const suffix = Buffer.from(" more code");

function fakeBinary(name: string, wire: readonly number[] = DEFAULT_WIRE): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(SENTINEL), Buffer.from([1, wire.length, ...wire]), suffix]));
  return path;
}

/** The wire bytes of a fake binary, after the sentinel, version and length. */
const wireOf = (path: string) => [...readFileSync(path).subarray(prefix.length + SENTINEL.length + 2, prefix.length + SENTINEL.length + 2 + DEFAULT_WIRE.length)];

describe("scripts/electron-fuses.mjs", () => {
  it("turns off running as Node, NODE_OPTIONS, --inspect and file:'s extra privileges, and turns on cookie encryption", async () => {
    const binary = fakeBinary("electron");
    const states = await setElectronFuses(binary);
    expect(states).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: false,
      OnlyLoadAppFromAsar: false,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
    // Byte by byte: the eight fuses set, the unknown ninth left as Electron shipped it, nothing else touched.
    expect(wireOf(binary)).toEqual([OFF, ON, OFF, OFF, OFF, OFF, OFF, OFF, ON]);
    const bytes = readFileSync(binary);
    expect(bytes.subarray(0, prefix.length)).toEqual(prefix);
    expect(bytes.subarray(bytes.length - suffix.length)).toEqual(suffix);
    expect(bytes.length).toBe(prefix.length + SENTINEL.length + 2 + DEFAULT_WIRE.length + suffix.length);
  });

  it("leaves the asar fuses off, because the app is not packaged as an asar", () => {
    expect(FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(false);
    expect(FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(false);
  });

  it("flips both slices of a universal macOS binary (two sentinels)", async () => {
    const path = join(dir, "universal");
    const slice = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length, ...DEFAULT_WIRE])]);
    writeFileSync(path, Buffer.concat([prefix, slice, suffix, slice]));
    await setElectronFuses(path);
    const bytes = readFileSync(path);
    const second = bytes.lastIndexOf(SENTINEL) + SENTINEL.length + 2;
    expect([...bytes.subarray(second, second + DEFAULT_WIRE.length)]).toEqual([OFF, ON, OFF, OFF, OFF, OFF, OFF, OFF, ON]);
  });

  it("reports a fuse this Electron has removed, and leaves its byte alone", async () => {
    const wire = [...DEFAULT_WIRE];
    wire[FuseV1Options.GrantFileProtocolExtraPrivileges] = FuseState.REMOVED;
    const binary = fakeBinary("removed", wire);
    expect(await setElectronFuses(binary)).toMatchObject({ RunAsNode: false, GrantFileProtocolExtraPrivileges: "removed" });
    expect(wireOf(binary)).toEqual([OFF, ON, OFF, OFF, OFF, OFF, OFF, FuseState.REMOVED, ON]);
  });

  it("fails when the wire is of a version @electron/fuses does not know, and changes nothing", async () => {
    const path = join(dir, "v2");
    const original = Buffer.concat([prefix, Buffer.from(SENTINEL), Buffer.from([2, DEFAULT_WIRE.length, ...DEFAULT_WIRE]), suffix]);
    writeFileSync(path, original);
    await expect(setElectronFuses(path)).rejects.toThrow(/fuse wire version/);
    expect(readFileSync(path)).toEqual(original);
  });

  it("fails clearly when there is no binary, or no fuse wire in it, and changes nothing", async () => {
    await expect(setElectronFuses(null)).rejects.toThrow(/no Electron binary is installed .*electron-binary\.mjs/);
    await expect(setElectronFuses(join(dir, "missing"))).rejects.toThrow(/no Electron binary at .*missing/);
    await expect(setElectronFuses(dir)).rejects.toThrow(/is not a file/);
    const notElectron = join(dir, "not-electron");
    writeFileSync(notElectron, "just text");
    await expect(setElectronFuses(notElectron)).rejects.toThrow(/Could not find sentinel/);
    expect(readFileSync(notElectron, "utf8")).toBe("just text");
  });

  it("exits 1 with one line from `npm run package:fuses` when the binary is absent", () => {
    const run = spawnSync(process.execPath, [join(root, "scripts", "electron-fuses.mjs"), "--binary", join(dir, "absent")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`Electron fuses not set: no Electron binary at ${join(dir, "absent")}`);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["package:fuses"]).toBe("node scripts/electron-fuses.mjs");
  });
});
