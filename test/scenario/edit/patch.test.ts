/**
 * Saving an edited scenario rewrites only what changed: these pin that the file's bytes, comments, key order and
 * layout survive, on every shipped scenario and on a fixture with comments where edits land.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { patchScenarioText, rewriteScenarioText } from "../../../engine/scenario/edit/patch";
import { parseScenario } from "../../../engine/scenario/load";

const SCENARIOS = join(import.meta.dirname, "../../../scenarios");
const shipped = readdirSync(SCENARIOS).filter((f) => f.endsWith(".yaml"));
const read = (path: string) => readFileSync(path, "utf8");
const FIXTURE = read(join(import.meta.dirname, "../../fixtures/every-reference.yaml"));
const OUTAGE = read(join(SCENARIOS, "eu-region-outage.yaml"));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- drafts are edited as plain data, as the editor does
const draftOf = (text: string): any => parseDocument(text).toJS();

/** Lines of `after` not in `before` and of `before` not in `after`, by position-free multiset difference. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const count = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const a = count(before.split("\n"));
  const b = count(after.split("\n"));
  const minus = (x: Map<string, number>, y: Map<string, number>) => [...x].flatMap(([l, n]) => Array<string>(Math.max(0, n - (y.get(l) ?? 0))).fill(l));
  return { removed: minus(a, b), added: minus(b, a) };
}

describe("round trip", () => {
  it.each(shipped)("%s comes back byte for byte through the Document path", (file) => {
    const text = read(join(SCENARIOS, file));
    expect(rewriteScenarioText(text, draftOf(text))).toBe(text);
    expect(patchScenarioText(text, draftOf(text))).toBe(text);
  });

  it("gives the fixture's comments back byte for byte", () => {
    expect(rewriteScenarioText(FIXTURE, draftOf(FIXTURE))).toBe(FIXTURE);
  });

  it("keeps a file's \\r\\n line ends, in a folded scalar too, when a value changes", () => {
    const crlf = OUTAGE.replaceAll("\n", "\r\n");
    expect(rewriteScenarioText(crlf, draftOf(crlf))).toBe(crlf);
    const draft = draftOf(crlf);
    draft.seed = 2;
    expect(patchScenarioText(crlf, draft)).toBe(crlf.replace("seed: 1\r\n", "seed: 2\r\n"));
  });
});

describe("edits", () => {
  it("changes exactly the line of an edited scalar, keeping its comment", () => {
    const draft = draftOf(FIXTURE);
    draft.director.primary = "eu-central";
    const out = patchScenarioText(FIXTURE, draft);
    expect(changedLines(FIXTURE, out)).toEqual({ removed: ["  primary: eu-west # the standby takes over when it fails"], added: ["  primary: eu-central # the standby takes over when it fails"] });
  });

  it("changes one value inside a flow mapping and nothing else", () => {
    const draft = draftOf(OUTAGE);
    draft.topology.callers[1].rate_per_s = 6;
    const out = patchScenarioText(OUTAGE, draft);
    expect(changedLines(OUTAGE, out)).toEqual({
      removed: ["    - { id: eu-batch, region: eu-central, jurisdiction: EU, model: chat-small, rate_per_s: 4 }"],
      added: ["    - { id: eu-batch, region: eu-central, jurisdiction: EU, model: chat-small, rate_per_s: 6 }"],
    });
  });

  it("matches list items by id: removing the first region removes its line, comment included, and rewrites no other", () => {
    const draft = draftOf(FIXTURE);
    draft.topology.regions.shift();
    const out = rewriteScenarioText(FIXTURE, draft);
    expect(changedLines(FIXTURE, out)).toEqual({ removed: ["    - { id: eu-west, jurisdiction: EU, location: Dublin } # the region the edit tests rename and remove"], added: [] });
  });

  it("appends a new key at the end of its mapping and keeps the order of the others", () => {
    const draft = draftOf(OUTAGE);
    draft.policy.residency_scope = "gateway-and-model";
    const out = patchScenarioText(OUTAGE, draft);
    expect(out).toBe(OUTAGE.replace("  outage_choice: reject\n", "  outage_choice: reject\n  residency_scope: gateway-and-model\n"));
    expect(Object.keys(draftOf(out))).toEqual(Object.keys(draftOf(OUTAGE)));
    expect(parseScenario(out, "edited.yaml").ok).toBe(true);
  });

  it("writes a region added to a list of flow mappings as a flow mapping", () => {
    const draft = draftOf(OUTAGE);
    draft.topology.regions.push({ id: "ap-south", jurisdiction: "IN", location: "Mumbai" });
    const out = patchScenarioText(OUTAGE, draft);
    expect(changedLines(OUTAGE, out)).toEqual({ removed: [], added: ["    - { id: ap-south, jurisdiction: IN, location: Mumbai }"] });
  });

  it("keeps an alias that still names the draft's value and writes out one whose value was edited", () => {
    const text = "a: &shared { x: 1 }\nb: *shared\nc: *shared\n";
    const draft = draftOf(text);
    draft.c = { x: 2 };
    expect(patchScenarioText(text, draft)).toBe("a: &shared { x: 1 }\nb: *shared\nc: { x: 2 }\n");
  });

  it("quotes a new text that YAML would otherwise read as a number", () => {
    const draft = draftOf(OUTAGE);
    draft.name = "480";
    expect(draftOf(patchScenarioText(OUTAGE, draft)).name).toBe("480");
  });
});

describe("hostile drafts", () => {
  it.each([
    ["null", null, /must be a mapping of keys, not null/],
    ["a list", [], /not a list/],
    ["a string", "revision: 1", /not a string/],
    ["a number", 1, /not a number/],
  ])("refuses %s as the whole draft", (_, draft, message) => {
    expect(() => patchScenarioText(OUTAGE, draft)).toThrow(message);
  });

  it("refuses a draft that refers to itself, naming where", () => {
    const draft = draftOf(OUTAGE);
    draft.topology.regions[0].self = draft.topology;
    expect(() => patchScenarioText(OUTAGE, draft)).toThrow(/^topology\.regions\[0\]\.self: the draft refers to itself$/);
  });

  it("refuses a huge text, a non-finite number, a Date and undefined", () => {
    const draft = () => draftOf(OUTAGE);
    expect(() => patchScenarioText(OUTAGE, { ...draft(), name: "x".repeat(200_000) })).toThrow(/^name: a text of 200000 characters, over the 100000 allowed$/);
    expect(() => patchScenarioText(OUTAGE, { ...draft(), seed: Number.NaN })).toThrow(/^seed: NaN is not a finite number$/);
    expect(() => patchScenarioText(OUTAGE, { ...draft(), seed: new Date(0) })).toThrow(/^seed: a Date is not plain data$/);
    expect(() => patchScenarioText(OUTAGE, { ...draft(), seed: undefined })).toThrow(/^seed: undefined is not plain data$/);
  });

  it("refuses nesting deeper than a scenario could need", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => patchScenarioText(OUTAGE, { ...draftOf(OUTAGE), expect: deep })).toThrow(/nested deeper than 64 levels/);
  });

  it("refuses text that is not YAML or not a mapping", () => {
    expect(() => patchScenarioText("a: [1", {})).toThrow(/^the scenario text is not valid YAML/);
    expect(() => patchScenarioText("- 1\n", {})).toThrow(/^the scenario text is not a YAML mapping$/);
  });
});
