import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LabController } from "../../engine/lab/controller";
import type { HostMessage, LabSnapshot } from "../../engine/lab/contract";
import { serveCommand } from "../../engine/lab/validation";
import { parseScenario } from "../../engine";
import { scenarioFolder } from "../../host/scenarioLibrary";

const scenarioDir = join(import.meta.dirname, "../../scenarios");

/** A wall clock that moves only when the controller waits on it, so playing is paced but instant. */
function pacedController() {
  let wall = 0;
  const controller = new LabController({
    scenarios: scenarioFolder(scenarioDir),
    wallNow: () => wall,
    waitWallMs: async (ms) => {
      wall += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  const snapshots: LabSnapshot[] = [];
  const errors: string[] = [];
  controller.subscribe((message: HostMessage) => (message.type === "snapshot" ? snapshots.push(message.snapshot) : message.type === "error" && errors.push(message.message)));
  const latest = () => snapshots.at(-1)!;
  const call = async (name: string, payload: unknown = {}) => {
    const reply = await serveCommand(controller, name, payload);
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as never;
  };
  /** Plays until virtual time reaches `ms`, then pauses. */
  const playUntil = async (ms: number) => {
    await call("play");
    while (latest().nowMs < ms && latest().status === "playing") await new Promise((resolve) => setTimeout(resolve, 5));
    await call("pause");
  };
  return { controller, snapshots, errors, latest, call, playUntil };
}

let open: LabController | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe("LabController", () => {
  it("starts empty and lists the scenario library", async () => {
    const lab = pacedController();
    open = lab.controller;
    expect(lab.latest().status).toBe("empty");
    const { scenarios } = (await lab.call("listScenarios")) as { scenarios: { file: string }[] };
    expect(scenarios.map((s) => s.file)).toContain("eu-region-outage.yaml");
  });

  it("plays at a speed factor, fails a region on command and moves EU traffic to the surviving EU region", async () => {
    const lab = pacedController();
    open = lab.controller;
    await lab.call("loadScenario", { source: "library", name: "eu-region-outage.yaml" });
    await lab.call("setSpeed", { speed: 100 });
    await lab.playUntil(20_000);
    const before = lab.latest();
    expect(before.status).toBe("paused");
    expect(before.nowMs).toBeGreaterThanOrEqual(20_000);
    expect(before.regions.find((r) => r.id === "eu-west")!.trafficShare).toBeGreaterThan(0.2);

    const { faultId } = (await lab.call("injectFault", { fault: { kind: "gateway-down", region: "eu-west" } })) as { faultId: string };
    expect(faultId).toBe("u1");
    await lab.playUntil(before.nowMs + 90_000);
    const after = lab.latest();
    const euWest = after.regions.find((r) => r.id === "eu-west")!;
    expect(euWest.health).toBe("failed");
    expect(euWest.withdrawn).toBe(true);
    expect(euWest.trafficShare).toBe(0);
    expect(after.regions.find((r) => r.id === "eu-central")!.trafficShare).toBeGreaterThan(0.4);
    expect(after.questions.residency.violations).toBe(0);
    expect(after.chain?.ok).toBe(true);
    expect(after.timeline.some((item) => item.kind === "command" && item.text.startsWith("inject u1"))).toBe(true);
    expect(after.metrics.length).toBeGreaterThan(60);

    const page = (await lab.call("auditPage", { filter: { region: "eu-central", kind: "request" }, offset: 0, limit: 50 })) as { total: number; rows: { region: string }[] };
    expect(page.total).toBeGreaterThan(50);
    expect(page.rows).toHaveLength(50);
    expect(page.rows.every((row) => row.region === "eu-central")).toBe(true);
  });

  it("steps to the next event and saves the user's faults into a scenario that loads again", async () => {
    const lab = pacedController();
    open = lab.controller;
    await lab.call("loadScenario", { source: "library", name: "eu-region-outage.yaml" });
    const { advancedTo } = (await lab.call("step")) as { advancedTo: number };
    expect(advancedTo).toBeGreaterThan(0);
    expect(lab.latest().totals.requests + lab.latest().timeline.length).toBeGreaterThan(0);
    await lab.call("injectFault", { fault: { kind: "region-outage", region: "eu-west", behaviour: "error-503" } });
    await lab.call("step");
    await lab.call("heal", { faultId: "u1" });
    const saved = (await lab.call("saveScenario")) as { fileName: string; text: string };
    expect(saved.fileName).toBe("eu-region-outage-edited.yaml");
    const reparsed = parseScenario(saved.text, saved.fileName);
    expect(reparsed.ok).toBe(true);
    if (!reparsed.ok) return;
    const added = reparsed.scenario.faults.at(-1)!;
    expect(added).toMatchObject({ kind: "region-outage", region: "eu-west" });
    expect(added.heal_s).toBeGreaterThan(added.at_s);
    expect(saved.text).toContain("# yaml-language-server");
  });

  it("rejects an invalid file, an unknown region and a bad heal, and keeps the loaded run", async () => {
    const lab = pacedController();
    open = lab.controller;
    await lab.call("loadScenario", { source: "library", name: "eu-region-outage.yaml" });
    const bad = (await lab.call("loadScenario", { source: "text", fileName: "broken.yaml", text: "revision: 1\nname: x\nduration_s: -5\n" })) as { ok: boolean; problems: { line: number; field: string }[] };
    expect(bad.ok).toBe(false);
    expect(bad.problems.some((p) => p.field === "duration_s" && p.line === 3)).toBe(true);
    expect(lab.latest().scenario?.fileName).toBe("eu-region-outage.yaml");
    await expect(lab.call("injectFault", { fault: { kind: "gateway-down", region: "mars" } })).rejects.toThrow(/unknown region "mars"/);
    await expect(lab.call("heal", { faultId: "u9" })).rejects.toThrow(/u9 is not active/);
    await expect(lab.call("setSpeed", { speed: 1e9 })).rejects.toThrow(/speed/);
    expect(lab.latest().faults).toEqual([]);
  });

  it("takes commands that change the run in turn, so concurrent ones never drive the clock twice", async () => {
    const lab = pacedController();
    open = lab.controller;
    await lab.call("loadScenario", { source: "library", name: "eu-region-outage.yaml" });
    const results = await Promise.allSettled([
      lab.call("runTo", { ms: 5_000 }),
      lab.call("step"),
      lab.call("step"),
      lab.call("runTo", { ms: 9_000 }),
      lab.call("loadScenario", { source: "library", name: "anycast.yaml" }),
      lab.call("step"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    expect(lab.latest().scenario?.fileName).toBe("anycast.yaml");
    expect(lab.latest().nowMs).toBeLessThan(5_000);
    // Back in time is a rewind (test/lab/timeTravel.test.ts): the same scenario started over.
    expect(await lab.call("runTo", { ms: 0 })).toEqual({ advancedTo: 0 });
    expect(lab.latest()).toMatchObject({ scenario: { fileName: "anycast.yaml" }, nowMs: 0, status: "paused" });
  });

  it("lists a library file that does not validate, and opening it returns its problems and text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lab-library-"));
    copyFileSync(join(scenarioDir, "anycast.yaml"), join(dir, "anycast.yaml"));
    writeFileSync(join(dir, "broken.yaml"), "revision: 1\nname: broken\nduration_s: fast\n");
    const controller = new LabController({ scenarios: scenarioFolder(dir), wallNow: () => 0, waitWallMs: async () => undefined });
    open = controller;
    const { scenarios } = await controller.execute("listScenarios", {});
    expect(scenarios.map((s) => [s.file, s.valid])).toEqual([["anycast.yaml", true], ["broken.yaml", false]]);
    const opened = await controller.execute("loadScenario", { source: "library", name: "broken.yaml" });
    expect(opened).toMatchObject({ ok: false, text: expect.stringContaining("duration_s: fast") });
    if (!opened.ok) expect(opened.problems.some((p) => p.field === "duration_s" && p.line === 3)).toBe(true);
  });
});
