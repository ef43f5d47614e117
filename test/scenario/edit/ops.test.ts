/**
 * The editor's operations: each result loads once written back into the file, and a rename or removal reaches
 * every field that names the entity. Which fields those are is read off test/fixtures/every-reference.yaml, which
 * names its region, provider, logical model and population in every kind of field that can.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addCallers, addModel, addProvider, addRegion, removeEntity, renameEntity, type EntityKind, type ScenarioDraft } from "../../../engine/scenario/edit/ops";
import { draftOf, saved } from "./saved";

const SCENARIOS = join(import.meta.dirname, "../../../scenarios");
const FIXTURE = readFileSync(join(import.meta.dirname, "../../fixtures/every-reference.yaml"), "utf8");
const OUTAGE = readFileSync(join(SCENARIOS, "eu-region-outage.yaml"), "utf8");
/** Every string value and mapping key anywhere in `value` that is exactly `id`. */
function mentions(value: unknown, id: string): number {
  if (value === id) return 1;
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + mentions(item, id), 0);
  if (typeof value === "object" && value !== null)
    return Object.entries(value).reduce((n, [key, item]) => n + (key === id ? 1 : 0) + mentions(item, id), 0);
  return 0;
}

const NAMED: [EntityKind, string][] = [
  ["region", "eu-west"],
  ["provider", "openai-sim"],
  ["model", "chat-large"],
  ["callers", "eu-web"],
];

describe("adding", () => {
  it.each([
    ["a region", addRegion, "regions"],
    ["a provider", addProvider, "providers"],
    ["a logical model", addModel, "models"],
    ["a caller population", addCallers, "callers"],
  ] as const)("%s gives a fresh id and a scenario that loads", (_, add, list) => {
    for (const text of [FIXTURE, OUTAGE]) {
      const before = draftOf(text);
      const first = add(before);
      const second = add(first.draft);
      expect(first.id).not.toBe(second.id);
      expect(before.topology[list].map((e) => e.id)).not.toContain(first.id);
      expect(second.draft.topology[list].map((e) => e.id)).toEqual([...before.topology[list].map((e) => e.id), first.id, second.id]);
      expect(before).toEqual(draftOf(text));
      saved(text, second.draft);
    }
  });
});

describe("renaming", () => {
  it.each(NAMED)("a %s reaches every field that names it, and loads", (kind, id) => {
    const before = draftOf(FIXTURE);
    const count = mentions(before, id);
    expect(count).toBeGreaterThan(1);
    const after = renameEntity(before, kind, id, "renamed");
    expect(mentions(after, id)).toBe(0);
    expect(mentions(after, "renamed")).toBe(count);
    expect(mentions(draftOf(saved(FIXTURE, after)), "renamed")).toBe(count);
  });

  it("renames eu-west in eu-region-outage.yaml, changing only the lines that name it", () => {
    const after = renameEntity(draftOf(OUTAGE), "region", "eu-west", "eu-north");
    const out = saved(OUTAGE, after);
    // The description's prose and the endpoints' host names mention eu-west without naming the region.
    const [header, body] = OUTAGE.split(/(?<=\nseed: 1\n)/);
    const id = /(?<![.\w-])eu-west(?![.\w-])/g;
    expect(body!.match(id)!.length).toBeGreaterThan(5);
    expect(out).toBe(header! + body!.replace(id, "eu-north"));
  });

  it("keeps a director weight's place when its region is renamed", () => {
    const out = saved(FIXTURE, renameEntity(draftOf(FIXTURE), "region", "eu-west", "eu-north"));
    expect(out).toContain("  weights: { eu-north: 2, eu-central: 1, us-east: 1 }\n");
  });

  it("refuses an id that is taken or malformed", () => {
    expect(() => renameEntity(draftOf(FIXTURE), "region", "eu-west", "us-east")).toThrow('a region "us-east" already exists');
    expect(() => renameEntity(draftOf(FIXTURE), "region", "eu-west", "EU West")).toThrow(/is not an id/);
    expect(() => renameEntity(draftOf(FIXTURE), "provider", "nobody", "x")).toThrow('there is no provider "nobody"');
  });
});

describe("removing", () => {
  it.each(NAMED)("a %s removes every field that names it, and loads", (kind, id) => {
    const before = draftOf(FIXTURE);
    const after = removeEntity(before, kind, id);
    expect(mentions(after, id)).toBe(0);
    expect(before).toEqual(draftOf(FIXTURE));
    saved(FIXTURE, after);
  });

  it("keeps every comment outside the removed region", () => {
    const out = saved(FIXTURE, removeEntity(draftOf(FIXTURE), "region", "eu-west"));
    const comments = (text: string) => text.split("\n").flatMap((line) => line.match(/#.*$/) ?? []);
    expect(comments(out)).toEqual(comments(FIXTURE).filter((c) => c !== "# the region the edit tests rename and remove"));
  });

  it("fills what the format requires: a standby's primary, replicas within the regions; drops a primary nothing needs", () => {
    const after = removeEntity(draftOf(FIXTURE), "region", "eu-west");
    expect(after.director).toMatchObject({ primary: "eu-central", checkers: ["us-east"], weights: { "eu-central": 1, "us-east": 1 } });
    expect(after.audit).toEqual({ pattern: "central", high_risk_replicas: 2 });
    expect(after.identity).toEqual({ regions: ["eu-central"] });
    const activeActive = draftOf(FIXTURE);
    activeActive.director!.layout = "active-active";
    expect(removeEntity(activeActive, "region", "eu-west").director).not.toHaveProperty("primary");
  });

  it("drops the identity section with its last region, and what needed it", () => {
    let draft = removeEntity(draftOf(FIXTURE), "region", "eu-west");
    draft = removeEntity(draft, "region", "eu-central");
    expect(draft.identity).toBeUndefined();
    expect(draft.faults?.map((f) => f.kind)).toEqual([]);
    expect(draft.topology.callers.map((c) => c.bad_tokens)).toEqual([undefined]);
    saved(FIXTURE, draft);
  });

  it.each(readdirSync(SCENARIOS).filter((f) => f.endsWith(".yaml")))("leaves %s loading after any rename or removal, or refuses a removal that would empty a list", (file) => {
    const text = readFileSync(join(SCENARIOS, file), "utf8");
    const draft = draftOf(text);
    for (const [kind, list] of [["region", "regions"], ["provider", "providers"], ["model", "models"], ["callers", "callers"]] as const)
      for (const { id } of draft.topology[list]) {
        saved(text, renameEntity(draft, kind, id, "renamed"));
        let after: ScenarioDraft;
        try {
          after = removeEntity(draft, kind, id);
        } catch (error) {
          expect((error as Error).message).toMatch(/would leave (no (regions|providers|models): a scenario needs at least one|.* no gateway in .*)$/);
          continue;
        }
        expect(mentions(after, id)).toBe(0);
        saved(text, after);
      }
  });

  it("refuses to leave a residency rule without a gateway it allows, under gateway-and-model", () => {
    const text = readFileSync(join(SCENARIOS, "eu-gateway-down-gateway-scope.yaml"), "utf8");
    const oneLeft = removeEntity(draftOf(text), "region", "eu-west");
    saved(text, oneLeft);
    expect(() => removeEntity(oneLeft, "region", "eu-central")).toThrow(
      'removing region "eu-central" would leave EU-origin callers no gateway in EU, which residency_scope gateway-and-model requires',
    );
  });

  it("refuses to remove the only region", () => {
    const one = removeEntity(removeEntity(draftOf(OUTAGE), "region", "eu-west"), "region", "eu-central");
    expect(() => removeEntity(one, "region", "us-east")).toThrow('removing region "us-east" would leave no regions: a scenario needs at least one');
  });
});
