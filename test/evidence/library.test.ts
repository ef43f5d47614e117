/** The evidence library on disk: which directories are bundles, in what order, and a bundle as a tar. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleArchive, bundleDir, listBundles } from "../../engine/evidence/library";
import { tarArchive } from "../../engine/evidence/tar";

const work = mkdtempSync(join(tmpdir(), "failover-lab-library-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const manifest = (name: string, written?: string) =>
  JSON.stringify({
    manifest: { format: 1, engine: "0.1.0", scenario: { file: "scenario.yaml", name, seed: 7 }, ...(written ? { written } : {}), files: {} },
    signature: "c2ln",
    publicKey: "pem",
    keyId: "0123456789abcdef",
  });

function bundle(folder: string, dir: string, text: string): void {
  mkdirSync(join(folder, dir, "audit"), { recursive: true });
  writeFileSync(join(folder, dir, "manifest.json"), text);
  writeFileSync(join(folder, dir, "audit", "canonical.jsonl"), "{}\n");
}

describe("the evidence library", () => {
  it("lists the bundles newest first, an unreadable manifest too, and nothing that is not a bundle", () => {
    const folder = join(work, "list");
    bundle(folder, "older", manifest("drill A", "2026-12-04T10:00:00.000Z"));
    bundle(folder, "newer", manifest("drill B", "2026-12-05T10:00:00.000Z"));
    bundle(folder, "broken", "not json");
    mkdirSync(join(folder, "no-manifest"));
    expect(listBundles(folder).map((b) => [b.name, b.scenario, b.writtenAt])).toEqual([
      ["newer", "drill B", "2026-12-05T10:00:00.000Z"],
      ["older", "drill A", "2026-12-04T10:00:00.000Z"],
      ["broken", null, null],
    ]);
    expect(listBundles(join(work, "absent"))).toEqual([]);
    expect(() => bundleDir(folder, "no-manifest")).toThrow(/no evidence bundle "no-manifest"/);
    expect(() => bundleDir(folder, "..")).toThrow(/no evidence bundle "\.\."/);
  });

  it("archives a bundle as a tar that tar extracts byte for byte, long paths included", () => {
    const folder = join(work, "tar");
    const name = `bundle-${"x".repeat(90)}`;
    bundle(folder, name, manifest("drill"));
    const out = join(work, "out");
    mkdirSync(out);
    writeFileSync(join(out, "b.tar"), bundleArchive(folder, name));
    expect(spawnSync("tar", ["-xf", "b.tar"], { cwd: out }).status).toBe(0);
    expect(readFileSync(join(out, name, "manifest.json"), "utf8")).toBe(manifest("drill"));
    expect(readFileSync(join(out, name, "audit", "canonical.jsonl"), "utf8")).toBe("{}\n");
    expect(() => tarArchive([{ path: "y".repeat(300), bytes: Buffer.alloc(0), mtime: 0 }])).toThrow(/too long a path/);
  });
});
