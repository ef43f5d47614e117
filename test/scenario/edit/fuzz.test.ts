/**
 * Whatever plain data the editor hands over, the text written back reads as exactly that data: random values
 * replace, add and remove keys of a shipped scenario at every depth.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { patchScenarioText } from "../../../engine/scenario/edit/patch";

const TEXT = readFileSync(join(import.meta.dirname, "../../../scenarios/eu-region-outage.yaml"), "utf8");
const BASE = parseDocument(TEXT).toJS() as Record<string, unknown>;

type Edit = { path: number[]; value: unknown; remove: boolean };

/** The draft with the value at `path` (each step an index into the keys or items there) replaced or removed. */
function applyEdit(draft: unknown, { path, value, remove }: Edit): unknown {
  if (path.length === 0 || typeof draft !== "object" || draft === null) return remove ? draft : value;
  const [step, ...rest] = path;
  if (Array.isArray(draft)) {
    if (draft.length === 0) return draft;
    const i = step! % draft.length;
    if (rest.length === 0 && remove) return draft.filter((_, j) => j !== i);
    return draft.map((item, j) => (j === i ? applyEdit(item, { path: rest, value, remove }) : item));
  }
  const entries = Object.entries(draft);
  if (entries.length === 0) return draft;
  const k = step! % (entries.length + 1);
  // One past the last key adds one.
  if (k === entries.length) return { ...draft, [`added-${rest.length}`]: value };
  if (rest.length === 0 && remove) return Object.fromEntries(entries.filter((_, j) => j !== k));
  return Object.fromEntries(entries.map(([key, item], j) => [key, j === k ? applyEdit(item, { path: rest, value, remove }) : item]));
}

const value = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const edit = fc.record({ path: fc.array(fc.nat(20), { maxLength: 6 }), value, remove: fc.boolean() });

describe("patching under fuzzing", () => {
  it("writes text that reads back as the draft", () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        const draft = edits.reduce<unknown>(applyEdit, BASE);
        fc.pre(typeof draft === "object" && draft !== null && !Array.isArray(draft));
        expect(parseDocument(patchScenarioText(TEXT, draft)).toJS()).toEqual(draft);
      }),
      { numRuns: 300 },
    );
  });
});
