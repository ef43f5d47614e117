/**
 * Time in the app (issue 14 item 7): the step to the next state change lands on a transition, the scrubber
 * shows the scenario's scheduled faults from t = 0 on a time axis, and a click behind the cursor rewinds to
 * exactly the run a straight run to that time gives (audit chain head included), with a fault made by hand
 * before then replayed.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabSnapshot } from "../../engine/lab/contract";
import { LabController } from "../../engine/lab/controller";
import { scenarioFolder } from "../../host/scenarioLibrary";
import { chromiumAvailable, clockOf, openApp, type AppUnderTest } from "./browser";

const SCENARIO = "eu-outage-reject.yaml";
/** Its one scheduled fault: eu-west's provider out from 90 s to 270 s of a 360 s run. */
const OUTAGE = { atMs: 90_000, healMs: 270_000, durationMs: 360_000 };

describe.skipIf(!chromiumAvailable)("time in the app", () => {
  let app: AppUnderTest;
  const snapshot = () => app.controller.execute("getSnapshot", {});

  beforeAll(async () => {
    app = await openApp({ scenario: SCENARIO });
    await app.page.getByTestId("play").waitFor();
  }, 120_000);
  afterAll(() => app?.close());

  /** A point of the scrubber's track, by virtual time. */
  const trackPoint = async (ms: number) => {
    const box = (await app.page.getByTestId("scrubber-track").boundingBox())!;
    return { x: box.x + (ms / OUTAGE.durationMs) * box.width, y: box.y + box.height / 2, box };
  };

  it("marks the scheduled fault on the scrubber at t = 0, where it will happen, over a labelled time axis", async () => {
    const { page } = app;
    expect(await clockOf(page)).toBe(0);
    const mark = page.getByTestId("scheduled-fault");
    await expect.poll(() => mark.count()).toBe(1);
    expect(await mark.getAttribute("data-fault-id")).toBe("f1");
    const markBox = (await mark.boundingBox())!;
    const { box } = await trackPoint(0);
    expect(markBox.x - box.x).toBeCloseTo((OUTAGE.atMs / OUTAGE.durationMs) * box.width, 0);
    expect(markBox.width).toBeCloseTo(((OUTAGE.healMs - OUTAGE.atMs) / OUTAGE.durationMs) * box.width, 0);
    expect(await mark.getAttribute("title")).toMatch(/^f1 at 01:30\.000, healed at 04:30\.000: /);
    const labels = await page.getByTestId("scrubber-axis").locator("span").allTextContents();
    expect(labels[0]).toBe("00:00");
    expect(labels).toContain("01:30");
    expect(labels.at(-1)).toBe("06:00");
  });

  it("steps to the next state change, which lands on a transition's time, past the requests before it", async () => {
    const { page } = app;
    expect(await clockOf(page)).toBe(0);
    // Nothing changes state before the scheduled outage: the step passes its first 90 s of requests.
    await page.getByTestId("step-change").click();
    await expect.poll(() => clockOf(page), { timeout: 60_000 }).toBe(OUTAGE.atMs);
    const atOutage = await snapshot();
    expect(atOutage.totals.requests).toBeGreaterThan(1_000);
    expect(atOutage.timeline.at(-1)).toMatchObject({ t: OUTAGE.atMs, kind: "fault", text: expect.stringMatching(/^inject f1/) });
    // The keyboard's way to the next one, Shift+→: the gateway's reaction, at its own time.
    await page.keyboard.press("Shift+ArrowRight");
    await expect.poll(() => clockOf(page), { timeout: 60_000 }).toBeGreaterThan(OUTAGE.atMs);
    const next = await snapshot();
    expect(next.timeline.at(-1)).toMatchObject({ kind: "transition", t: next.nowMs });
    expect(await clockOf(page)).toBe(next.nowMs);
  });

  it("rewinds on a click behind the cursor to the run a straight run to that time gives, the hand-made fault replayed", async () => {
    const { page, controller } = app;
    await controller.execute("reset", {});
    await controller.execute("runTo", { ms: 20_000 });
    expect(await controller.execute("injectFault", { fault: { kind: "gateway-down", region: "us-east" } })).toEqual({ faultId: "u1" });
    await controller.execute("runTo", { ms: 60_000 });
    await expect.poll(() => clockOf(page)).toBe(60_000);

    const { x, y } = await trackPoint(45_000);
    await page.mouse.click(x, y);
    await expect.poll(() => clockOf(page), { timeout: 60_000 }).toBeLessThan(60_000);
    await expect.poll(async () => (await snapshot()).seekingTo, { timeout: 60_000 }).toBeNull();
    const rewound = await snapshot();
    // The click lands within a pixel of 45 s.
    expect(Math.abs(rewound.nowMs - 45_000)).toBeLessThan(1_000);
    expect(rewound.faults.map((f) => [f.id, f.injectedAt])).toEqual([["u1", 20_000]]);
    await expect.poll(() => page.getByTestId("status").textContent()).toBe("paused");

    const straight = new LabController({ scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")), wallNow: () => 0, waitWallMs: async () => undefined });
    try {
      await straight.execute("loadScenario", { source: "library", name: SCENARIO });
      await straight.execute("runTo", { ms: 20_000 });
      await straight.execute("injectFault", { fault: { kind: "gateway-down", region: "us-east" } });
      await straight.execute("runTo", { ms: rewound.nowMs });
      const expected = await straight.execute("getSnapshot", {});
      const facts = (s: LabSnapshot) => ({ nowMs: s.nowMs, head: s.chain?.head, entries: s.chain?.entries, ok: s.chain?.ok, totals: s.totals, faults: s.faults.map((f) => f.id) });
      expect(rewound.chain!.entries).toBeGreaterThan(500);
      expect(facts(rewound)).toEqual(facts(expected));
    } finally {
      await straight.close();
    }
  });
});
