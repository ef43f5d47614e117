/**
 * Keeps the arrows one way: `engine/` is the framework-free core that everything else imports through
 * `engine/index.ts`; it never imports the CLI, the benchmarks, or UI frameworks, and it reads time and
 * randomness only through its clock and random modules.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const engineDir = join(root, "engine");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

const importsOf = (file: string) => [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);

describe("architecture", () => {
  const files = sourceFiles(engineDir);

  it("finds the engine's sources", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it("engine/ imports only its own files, package.json and libraries — never cli/, bench/, electron/, renderer/ or UI frameworks", () => {
    const offending: string[] = [];
    for (const file of files)
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) {
          const target = relative(root, resolve(dirname(file), specifier));
          if (!target.startsWith("engine/") && target !== "package.json") offending.push(`${relative(root, file)} → ${specifier}`);
        } else if (/^(electron|react|react-dom|@xyflow\/|@xstate\/react)/.test(specifier)) offending.push(`${relative(root, file)} → ${specifier}`);
      }
    expect(offending).toEqual([]);
  });

  it("only the clock and random modules touch wall time, native timers or Math.random", () => {
    const offending = files
      .filter((file) => !/engine\/(clock|random)\.ts$/.test(file))
      .filter((file) => /\bDate\.now\(|\bMath\.random\(|\bsetTimeout\(|\bsetInterval\(|\bsetImmediate\(|new Date\(\)|performance\.now\(/.test(readFileSync(file, "utf8").replace(/clock\.setTimeout\(|\.setTimeout\(/g, "")))
      .map((file) => relative(root, file));
    expect(offending).toEqual([]);
  });
});
