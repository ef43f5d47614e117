/**
 * The topology editor's engine side through the controller, as the app will drive it: a topology built from an
 * empty draft one edit at a time, its problems shrinking to none, applied as the running session and saved with
 * the template's comments; a loaded file applied unedited comes back byte for byte; bad edits refused, saying why.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DraftOp, DraftView, ScenarioDraftValue } from "../../engine/lab/contract";
import { LabController } from "../../engine/lab/controller";
import { serveCommand } from "../../engine/lab/validation";
import { scenarioFolder } from "../../host/scenarioLibrary";

const fixtures = join(import.meta.dirname, "../fixtures");
let controller: LabController | undefined;
afterEach(async () => {
  await controller?.close();
  controller = undefined;
});

function open(): LabController {
  let wall = 0;
  controller = new LabController({
    scenarios: scenarioFolder(fixtures),
    wallNow: () => wall,
    waitWallMs: async (ms) => {
      wall += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  return controller;
}

describe("the topology editor's commands", () => {
  it("builds a topology from an empty draft, applies it as the run, plays it and saves it with the template's comments", async () => {
    const lab = open();
    const empty = await lab.execute("openDraft", { source: "empty" });
    expect(empty.problems.map((p) => p.field)).toEqual(["topology.regions", "topology.providers", "topology.models"]);

    let view: Pick<DraftView, "draft" | "problems"> = empty;
    const edit = async (op: DraftOp) => {
      const result = await lab.execute("editDraft", { baseText: empty.baseText, draft: view.draft, op });
      view = result;
      return result;
    };
    expect((await edit({ op: "add", entity: "region" })).added).toBe("region-1");
    expect((await edit({ op: "add", entity: "region" })).added).toBe("region-2");
    await edit({ op: "set", path: ["topology", "regions", 1, "location"], value: "Frankfurt" });
    await edit({ op: "rename", entity: "region", from: "region-1", to: "eu-west" });
    await edit({ op: "add", entity: "provider" });
    await edit({ op: "add", entity: "model" });
    expect(view.problems).toEqual([]);
    expect((await edit({ op: "add", entity: "callers" })).added).toBe("callers-1");
    await edit({ op: "set", path: ["topology", "callers", 0, "rate_per_s"], value: 5 });
    expect(view.problems).toEqual([]);
    const topology = view.draft.topology as { regions: { id: string; location: string }[]; rtt_ms: unknown[]; callers: { region: string; rate_per_s: number }[] };
    expect(topology.regions.map((r) => `${r.id} ${r.location}`)).toEqual(["eu-west New region", "region-2 Frankfurt"]);
    // The rename reached every field naming the region, the round trip added with the second one included.
    expect(topology.rtt_ms).toEqual([["eu-west", "region-2", 50]]);
    expect(topology.callers[0]).toMatchObject({ region: "eu-west", rate_per_s: 5 });

    const applied = await lab.execute("applyDraft", { fileName: empty.fileName, baseText: empty.baseText, draft: view.draft });
    expect(applied.ok).toBe(true);
    await lab.execute("runTo", { ms: 20_000 });
    const snapshot = await lab.execute("getSnapshot", {});
    expect(snapshot.scenario).toMatchObject({ fileName: "untitled.yaml", name: "Untitled topology" });
    expect(snapshot.totals.requests).toBeGreaterThan(50);
    const saved = await lab.execute("saveScenario", {});
    expect(saved.text).toContain("# A topology drawn in Failover Lab's editor.");
    expect(saved.text).toContain("location: Frankfurt");
  });

  it("applies a loaded file edited in nothing as the same bytes, and an edit as that one change", async () => {
    const lab = open();
    await lab.execute("loadScenario", { source: "library", name: "short-drill.yaml" });
    const file = readFileSync(join(fixtures, "short-drill.yaml"), "utf8");
    const loaded = await lab.execute("openDraft", { source: "loaded" });
    expect(loaded).toMatchObject({ fileName: "short-drill.yaml", baseText: file, problems: [] });
    expect(await lab.execute("applyDraft", loaded)).toEqual({ ok: true, text: file });

    const { draft } = await lab.execute("editDraft", { baseText: file, draft: loaded.draft, op: { op: "set", path: ["duration_s"], value: 90 } });
    const applied = await lab.execute("applyDraft", { fileName: "short-drill.yaml", baseText: file, draft });
    expect(applied.ok && applied.text).toBe(file.replace("duration_s: 60", "duration_s: 90"));
    expect((await lab.execute("getSnapshot", {})).scenario?.durationS).toBe(90);
  });

  it("draws and erases an edge as one edit, either end first, and refuses an edge no field joins", async () => {
    const lab = open();
    await lab.execute("loadScenario", { source: "library", name: "short-drill.yaml" });
    const loaded = await lab.execute("openDraft", { source: "loaded" });
    const editOf = (op: DraftOp, draft: ScenarioDraftValue = loaded.draft) => lab.execute("editDraft", { baseText: loaded.baseText, draft, op });
    const added = await editOf({ op: "add", entity: "region" });
    const connected = await editOf({ op: "connect", from: { entity: "region", id: added.added! }, to: { entity: "provider", id: "openai-sim" } }, added.draft);
    expect(connected.problems).toEqual([]);
    const topology = connected.draft.topology as { providers: { deployments: { region: string; endpoint: string; models: string[] }[] }[] };
    expect(topology.providers[0]!.deployments.at(-1)).toEqual({ region: "region-1", endpoint: "https://openai-sim.region-1.sim.test", models: ["gpt-4o"] });
    const erased = await editOf({ op: "disconnect", from: { entity: "provider", id: "openai-sim" }, to: { entity: "region", id: "region-1" } }, connected.draft);
    expect(erased.draft).toEqual(added.draft);
    await expect(editOf({ op: "connect", from: { entity: "model", id: "chat-large" }, to: { entity: "region", id: "eu-west" } })).rejects.toThrow(
      "a logical model is not placed in a region: connect it to a provider, and the provider to the region",
    );
  });

  it("refuses what a draft cannot take, saying why, and a draft with problems changes nothing", async () => {
    const lab = open();
    await lab.execute("loadScenario", { source: "library", name: "short-drill.yaml" });
    const loaded = await lab.execute("openDraft", { source: "loaded" });
    const editOf = (op: DraftOp, draft: ScenarioDraftValue = loaded.draft) => lab.execute("editDraft", { baseText: loaded.baseText, draft, op });
    await expect(editOf({ op: "rename", entity: "region", from: "eu-west", to: "us-east" })).rejects.toThrow(/us-east/);
    await expect(editOf({ op: "set", path: ["__proto__", "polluted"], value: true })).rejects.toThrow('"__proto__" is not a scenario field');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expect(editOf({ op: "add", entity: "provider" }, { revision: 1 })).rejects.toThrow("the draft has no topology.regions list to edit");
    await expect(lab.execute("openDraft", { source: "library", name: "missing.yaml" })).rejects.toThrow(/^cannot read missing\.yaml/);

    const { draft, problems } = await editOf({ op: "set", path: ["topology", "callers", 0, "rate_per_s"], value: -1 });
    expect(problems.map((p) => p.field)).toEqual(["topology.callers[0].rate_per_s"]);
    const refused = await lab.execute("applyDraft", { fileName: "short-drill.yaml", baseText: loaded.baseText, draft });
    expect(refused.ok).toBe(false);
    expect((await lab.execute("getSnapshot", {})).scenario?.fileName).toBe("short-drill.yaml");
    // A forged op or a draft that is not an object never reaches the engine.
    expect(await serveCommand(lab, "editDraft", { baseText: "", draft: [], op: { op: "add", entity: "region" } })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid editDraft payload/) });
    expect(await serveCommand(lab, "editDraft", { baseText: "", draft: {}, op: { op: "eval", entity: "region" } })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid editDraft payload/) });
  });
});
