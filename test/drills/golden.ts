/**
 * Goldens: for every shipped scenario, the `npm run drill -- --json` report and every audit store's head,
 * committed under `test/goldens/`. A restructuring must leave them byte for byte; a commit that changes one
 * names the behaviour that changed and why. `UPDATE_GOLDENS=1 npx vitest run test/drills` rewrites them.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { DrillReport } from "../../engine";

const goldenDir = join(import.meta.dirname, "..", "goldens");

/** The report exactly as `npm run drill -- --json` prints it. */
const reportJson = (report: DrillReport): string => `${JSON.stringify(report, null, 2)}\n`;

/** Every store's head and length, by store name: the part of the golden a reviewer reads first. */
const headsJson = (report: DrillReport): string =>
  `${JSON.stringify(Object.fromEntries(report.questions.audit.stores.map((s) => [s.name, { head: s.head, entries: s.entries }])), null, 2)}\n`;

export function expectGolden(scenarioFile: string, report: DrillReport): void {
  const name = scenarioFile.replace(/\.ya?ml$/, "");
  for (const [suffix, text] of [
    ["heads.json", headsJson(report)],
    ["report.json", reportJson(report)],
  ] as const) {
    const path = join(goldenDir, `${name}.${suffix}`);
    if (process.env.UPDATE_GOLDENS === "1") writeFileSync(path, text);
    expect(existsSync(path), `${path} is missing: run UPDATE_GOLDENS=1 npx vitest run test/drills`).toBe(true);
    // Compared as text, not with toEqual: a golden is about bytes, and a long diff of a report is unreadable.
    const golden = readFileSync(path, "utf8");
    if (text !== golden) {
      const at = [...text].findIndex((c, i) => c !== golden[i]);
      const line = text.slice(0, at).split("\n").length;
      expect.fail(`${name}.${suffix} differs from the golden from line ${line}:\n  now:    ${text.split("\n")[line - 1]}\n  golden: ${golden.split("\n")[line - 1]}`);
    }
  }
}
