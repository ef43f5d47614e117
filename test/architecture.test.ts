/**
 * The layer rules and the engine's determinism are enforced by dependency-cruiser (.dependency-cruiser.mjs)
 * and ESLint (eslint.config.js), both run by `npm run lint` (docs/ARCHITECTURE.md, "Arrows point one way").
 * These tests keep those configurations honest — every rule fires on a file that breaks it, so a rule whose
 * pattern has drifted from the folders cannot pass silently — and check the one property neither tool can
 * state: what the contract pulls in at run time, type-only imports left out.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { cruise, type ICruiseResult, type IConfiguration } from "dependency-cruiser";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

/** Module specifiers a file imports at run time (type-only imports are erased and left out). */
const runtimeImportsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm)].map((m) => (m[1] ?? m[2])!);

describe("dependency-cruiser's layer rules", async () => {
  const config = (await import(pathToFileURL(join(root, ".dependency-cruiser.mjs")).href)) as { default: IConfiguration };
  const { forbidden = [], options = {} } = config.default;
  /** One file per rule, each breaking it, laid out as in the repository so the rules' paths apply. */
  const breaches: Record<string, string> = {
    "engine/breach.ts": 'import "../cli/args";\nimport "react";\nimport "./missing";\n',
    "engine/cycleA.ts": 'import { b } from "./cycleB";\nexport const a = () => b;\n',
    "engine/cycleB.ts": 'import { a } from "./cycleA";\nexport const b = () => a;\n',
    "engine/typeCycleA.ts": 'import type { B } from "./typeCycleB";\nexport type A = B[];\n',
    "engine/typeCycleB.ts": 'import type { A } from "./typeCycleA";\nexport type B = A | number;\n',
    "engine/gateway/stage.ts": 'import "../sim/world";\nimport "../identity/provider";\n',
    "engine/identity/provider.ts": "export {};\n",
    "engine/report/pageData.ts": "export type Page = number;\n",
    "renderer/charts/plot.ts": 'import "uplot";\nimport "../../engine/lab/contract";\n',
    "report-page/main.ts": 'import "uplot";\nimport "../renderer/charts/plot";\nimport type { Page } from "../engine/report/pageData";\nimport "../engine/lab/contract";\nexport type P = Page;\n',
    "engine/sim/world.ts": "export {};\n",
    "engine/index.ts": "export {};\n",
    "engine/lab/contract.ts": "export {};\n",
    "engine/lab/deep/handler.ts": "export {};\n",
    "cli/args.ts": 'import "../engine/lab/contract";\nimport "../engine/sim/world";\n',
    "renderer/view.tsx": 'import type { A } from "../engine/typeCycleA";\nimport "../engine/lab/contract";\nimport "node:fs";\nimport "zod";\nexport type V = A;\n',
    "electron/main.ts": 'import "../engine/index";\nimport "../engine/sim/world";\nimport "../host/security";\nimport "../host/build";\n',
    "electron/preload.ts": 'import "electron";\nimport "../engine/lab/contract";\nimport "node:path";\n',
    "host/security.ts": "export {};\n",
    "host/build.ts": 'import "../engine/lab/deep/handler";\n',
    "bench/run.ts": 'import "../engine/index";\nimport "../engine/lab/contract";\nimport "../engine/sim/world";\n',
  };
  const dir = mkdtempSync(join(tmpdir(), "layers-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(breaches)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  const { tsConfig: _projectTsConfig, ...cruiseOptions } = options;
  const { output } = await cruise(["engine", "cli", "renderer", "report-page", "electron", "host", "bench"], {
    ...cruiseOptions,
    baseDir: dir,
    // The tree borrows the repository's node_modules through a symlink; its packages keep the paths the rules name.
    preserveSymlinks: true,
    validate: true,
    ruleSet: { forbidden },
  });
  const found = (output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

  it("each rule fires on its breach, and only there", () => {
    expect(found).toEqual(
      [
        "bench-through-entry-points: bench/run.ts → engine/sim/world.ts",
        "cli-host-through-entry-points: cli/args.ts → engine/sim/world.ts",
        "cli-host-through-entry-points: host/build.ts → engine/lab/deep/handler.ts",
        "electron-documented-host-files: electron/main.ts → host/build.ts",
        "electron-documented-surface: electron/main.ts → engine/sim/world.ts",
        "engine-core-not-sim: engine/gateway/stage.ts → engine/identity/provider.ts",
        "engine-core-not-sim: engine/gateway/stage.ts → engine/sim/world.ts",
        "charts-only-uplot: renderer/charts/plot.ts → engine/lab/contract.ts",
        "report-page-surface: report-page/main.ts → engine/lab/contract.ts",
        "engine-imports-only-engine: engine/breach.ts → ./missing",
        "engine-imports-only-engine: engine/breach.ts → cli/args.ts",
        "engine-no-cycles: engine/cycleA.ts → engine/cycleB.ts",
        "engine-no-ui-frameworks: engine/breach.ts → node_modules/react/index.js",
        "no-unresolvable: engine/breach.ts → ./missing",
        "preload-contract-only: electron/preload.ts → path",
        "renderer-browser-safe-libraries: renderer/view.tsx → node_modules/zod/index.d.cts",
        "renderer-no-node-builtins: renderer/view.tsx → fs",
        "renderer-through-contract-only: renderer/view.tsx → engine/typeCycleA.ts",
      ].sort(),
    );
  });

  it("no rule goes untried", () => {
    const tried = new Set(found.map((line) => line.slice(0, line.indexOf(":"))));
    expect(forbidden.map((rule) => rule.name).filter((name) => !tried.has(name!))).toEqual([]);
  });
});

describe("ESLint's determinism rule for engine/", async () => {
  const eslint = new ESLint({ cwd: root });
  const ruleHits = async (file: string, text: string) =>
    (await eslint.lintText(text, { filePath: join(root, file) }))[0]!.messages.map((m) => `${m.line} ${m.ruleId}`);
  const timeAndChance = [
    "export const t = Date.now();",
    "export const r = Math.random();",
    "setTimeout(() => {}, 1);",
    "setInterval(() => {}, 1);",
    "setImmediate(() => {});",
    "export const d = new Date();",
    "export const s = Date();",
    "export const p = performance.now();",
    "globalThis.setTimeout(() => {}, 1);",
    'import { setTimeout as sleep } from "node:timers/promises";\nexport const wait = sleep;',
  ].join("\n");
  const injected = "declare const clock: { setTimeout(f: () => void, ms: number): void };\nclock.setTimeout(() => {}, 1);\nexport const epoch = new Date(0);\n";

  it("flags every way of reading the wall clock, native timers or Math.random", async () => {
    expect(await ruleHits("engine/breach.ts", timeAndChance)).toEqual([
      "1 no-restricted-properties",
      "2 no-restricted-properties",
      "3 no-restricted-globals",
      "4 no-restricted-globals",
      "5 no-restricted-globals",
      "6 no-restricted-syntax",
      "7 no-restricted-syntax",
      "8 no-restricted-properties",
      "9 no-restricted-properties",
      "10 no-restricted-imports",
    ]);
  });

  it("leaves the injected clock's timers, fixed dates, the clock and random modules and code outside engine/ alone", async () => {
    expect(await ruleHits("engine/breach.ts", injected)).toEqual([]);
    expect(await ruleHits("engine/clock.ts", timeAndChance)).toEqual([]);
    expect(await ruleHits("engine/random.ts", timeAndChance)).toEqual([]);
    expect(await ruleHits("host/breach.ts", timeAndChance)).toEqual([]);
  });

  it("checks the renderer's hooks", async () => {
    const component = [
      'import { useEffect, useState } from "react";',
      "export function View({ on, n }: { on: boolean; n: number }) {",
      "  if (on) useState(0);",
      "  useEffect(() => console.log(n), []);",
      "  return null;",
      "}",
    ].join("\n");
    expect(await ruleHits("renderer/View.tsx", component)).toEqual(["3 react-hooks/rules-of-hooks", "4 react-hooks/exhaustive-deps"]);
  });
});

describe("the contract the renderer and the preload import", () => {
  it("pulls in no module at run time: its imports are types only", () => {
    const reachable = new Set<string>();
    const visit = (file: string) => {
      if (reachable.has(file)) return;
      reachable.add(file);
      for (const specifier of runtimeImportsOf(file)) {
        if (specifier.startsWith(".")) visit(`${resolve(dirname(file), specifier)}.ts`);
        else expect.unreachable(`${relative(root, file)} imports ${specifier} at run time`);
      }
    };
    visit(join(root, "engine", "lab", "contract.ts"));
    expect([...reachable].map((f) => relative(root, f))).toEqual(["engine/lab/contract.ts"]);
  });
});
