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
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** Module specifiers a file imports at run time (type-only imports are erased and left out). */
const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm)].map((m) => (m[1] ?? m[2])!);
const allImportsOf = (file: string) => [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
const resolvedFrom = (file: string, specifier: string) => relative(root, resolve(dirname(file), specifier));

describe("architecture", () => {
  const files = sourceFiles(engineDir);

  it("finds the engine's sources", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it("engine/ imports only its own files, package.json and libraries — never cli/, bench/, electron/, renderer/ or UI frameworks", () => {
    const offending: string[] = [];
    for (const file of files)
      for (const specifier of allImportsOf(file)) {
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

  it("the renderer reaches the engine only through the browser-safe protocol, and never Node, Electron or the hosts", () => {
    const renderer = sourceFiles(join(root, "renderer"));
    expect(renderer.length).toBeGreaterThan(5);
    const offending: string[] = [];
    for (const file of renderer)
      for (const specifier of importsOf(file)) {
        const target = specifier.startsWith(".") ? resolvedFrom(file, specifier) : specifier;
        const allowed = specifier.startsWith(".") ? target.startsWith("renderer/") || target === "engine/lab/protocol" : !/^(node:|electron|better-sqlite3|msw|ws$)/.test(specifier);
        if (!allowed) offending.push(`${relative(root, file)} → ${specifier}`);
      }
    expect(offending).toEqual([]);
  });

  it("the protocol the renderer imports pulls in no Node module", () => {
    const reachable = new Set<string>();
    const visit = (file: string) => {
      if (reachable.has(file)) return;
      reachable.add(file);
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) visit(`${resolve(dirname(file), specifier)}.ts`);
        else expect(specifier, `${relative(root, file)} imports ${specifier}`).toMatch(/^zod$/);
      }
    };
    visit(join(engineDir, "lab", "protocol.ts"));
    // The fault kinds (engine/faults/) come with the scenario schema, which builds its fault union from them.
    const outsideFaults = [...reachable].map((f) => relative(root, f)).filter((f) => !f.startsWith("engine/faults/"));
    expect(outsideFaults).toEqual(["engine/lab/protocol.ts", "engine/scenario/schema.ts", "engine/scenario/fields.ts"]);
  });

  it("electron/ and host/ use the engine's public entry points only: engine/index.ts and engine/lab/", () => {
    const offending: string[] = [];
    for (const file of [...sourceFiles(join(root, "electron")), ...sourceFiles(join(root, "host"))])
      for (const specifier of allImportsOf(file)) {
        if (!specifier.startsWith(".")) continue;
        const target = resolvedFrom(file, specifier);
        if (target.startsWith("engine") && !(target === "engine" || target === "engine/index" || target.startsWith("engine/lab/"))) offending.push(`${relative(root, file)} → ${specifier}`);
        if (target.startsWith("renderer")) offending.push(`${relative(root, file)} → ${specifier}`);
      }
    expect(offending).toEqual([]);
  });
});
