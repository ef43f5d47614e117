/**
 * Property: whatever text the loader is fed — a valid scenario mangled line by line, absurd values, or
 * arbitrary data — it returns either a scenario that the schema accepts or located problems. It never
 * throws, never hangs, and never hands back invalid data.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseScenario, scenarioSchema } from "../../engine";

const valid = readFileSync(join(import.meta.dirname, "../fixtures/minimal-scenario.yaml"), "utf8");
const lines = valid.split("\n");

/**
 * A parse takes milliseconds; the bound only catches runaway work (an alias expanding, a quadratic walk). It is
 * generous because this runs on a shared 2-core machine, where a GC pause or a busy neighbour costs real time.
 */
const MAX_PARSE_MS = 2_000;

function checkOutcome(text: string): void {
  const started = performance.now();
  const result = parseScenario(text, "fuzz.yaml");
  expect(performance.now() - started).toBeLessThan(MAX_PARSE_MS);
  if (result.ok) {
    expect(scenarioSchema.safeParse(result.scenario).success).toBe(true);
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(problem.file).toBe("fuzz.yaml");
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    expect(typeof problem.field).toBe("string");
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

const absurd = fc.constantFrom("-1", "0", "1e308", "-1e308", ".nan", ".inf", "NaN", '"x"', "[]", "{}", "null", "~", "99999999999999999999", "0x1F", "true", "'" + "a".repeat(5000) + "'");

/** Edits pick lines by a number taken modulo the current line count: earlier edits may have removed lines. */
const line = fc.nat({ max: lines.length - 1 });
const mangle = fc.oneof(
  line.map((n) => (ls: string[]) => ls.filter((_, j) => j !== n % ls.length)),
  line.map((n) => (ls: string[]) => {
    const i = n % ls.length;
    return [...ls.slice(0, i + 1), ls[i]!, ...ls.slice(i + 1)];
  }),
  fc.tuple(line, line).map(([a, b]) => (ls: string[]) => {
    const copy = [...ls];
    const [i, j] = [a % ls.length, b % ls.length];
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    return copy;
  }),
  fc.tuple(line, fc.nat({ max: 200 }), fc.string({ maxLength: 5 })).map(([n, at, inserted]) => (ls: string[]) =>
    ls.map((l, j) => (j === n % ls.length ? l.slice(0, at) + inserted + l.slice(at) : l)),
  ),
  fc.tuple(line, absurd).map(([n, value]) => (ls: string[]) => ls.map((l, j) => (j === n % ls.length ? l.replace(/-?\d+(\.\d+)?/, value) : l))),
  fc.nat({ max: valid.length }).map((cut) => (ls: string[]) => ls.join("\n").slice(0, cut).split("\n")),
);

describe("scenario loader under fuzzing", () => {
  it("returns a valid scenario or located problems for mangled scenario text", () => {
    fc.assert(
      fc.property(fc.array(mangle, { minLength: 1, maxLength: 4 }), (edits) => {
        // Once every line is gone there is nothing left to pick: later edits leave the empty text as it is.
        checkOutcome(edits.reduce((ls, edit) => (ls.length === 0 ? ls : edit(ls)), lines).join("\n"));
      }),
      { numRuns: 400 },
    );
  });

  it("returns located problems for arbitrary data serialised as YAML", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = stringify(value);
        const result = parseScenario(text, "fuzz.yaml");
        expect(result.ok).toBe(false);
        checkOutcome(text);
      }),
      { numRuns: 300 },
    );
  });

  it("returns located problems for arbitrary values, odd keys (__proto__, toString) and numbers (NaN, -0) included", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        // yaml serialises a bare `undefined` as no document at all.
        const text = stringify(value) ?? "";
        expect(parseScenario(text, "fuzz.yaml").ok).toBe(false);
        checkOutcome(text);
      }),
      { numRuns: 300 },
    );
  });

  it("returns located problems for arbitrary text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => checkOutcome(text)), { numRuns: 300 });
  });
});
