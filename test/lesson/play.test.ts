/**
 * A lesson played through the lab's commands, as the app and `failover-lab lesson play` play it: time holds at
 * the task until it is done and at the pause until the reveal; answers are scored against what the run measured
 * there, the same whoever plays; the fault menu and the run's replacement are locked while the lesson is open.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LabController } from "../../engine/lab/controller";
import { playLesson } from "../../engine/lab/lessonPlayer";
import { scenarioFolder } from "../../host/scenarioLibrary";

const SCENARIOS = join(import.meta.dirname, "../../scenarios");

const LESSON = `revision: 1
title: "EU outage, by hand"
goals: ["Predict detection and where EU traffic goes"]
duration_min: 15
steps:
  - id: outage
    title: "Fail eu-west"
    narrative: "Fail **eu-west** at 120 s and watch the gateways."
    scenario: eu-region-outage-by-hand.yaml
    tasks:
      - task: inject
        fault: { kind: region-outage, region: eu-west, at_s: 120, heal_s: 360 }
    pause: { at_s: 200 }
    questions:
      - id: detect
        kind: number
        prompt: "How many seconds until the gateways detect the outage?"
        measure: detection_s
        tolerance: 3
        unit: s
        explain: "Detected after {detection_s} s."
      - id: border
        kind: choice
        prompt: "Does any EU request leave the EU?"
        options:
          - { text: "No", when: "residency_violations == 0" }
          - { text: "Yes", when: "residency_violations > 0" }
        explain: "{residency_violations} violations."
  - id: recovery
    title: "Recovery"
    narrative: "The region comes back at 360 s."
    questions:
      - id: rto
        kind: number
        prompt: "What is the RTO?"
        measure: rto_s
        tolerance: 5
        unit: s
        explain: "RTO {rto_s} s."
`;

/** The shipped outage (eu-west at 120 s) with a second fault to inject at 300 s, after the pause on the director's withdrawal. */
const LATER_TASK = `revision: 1
title: "A task after the pause"
goals: ["g"]
duration_min: 5
steps:
  - id: outage
    title: "eu-west"
    narrative: "n"
    scenario: eu-region-outage.yaml
    tasks:
      - task: inject
        fault: { kind: region-outage, region: eu-central, at_s: 300 }
    pause: { on: { machine: director, to: regionsWithdrawn }, after_s: 5 }
    questions:
      - { id: detect, kind: number, prompt: "p", measure: detection_s, tolerance: 3, explain: "Detected after {detection_s} s." }
`;

let controller: LabController | undefined;
afterEach(async () => {
  await controller?.close();
  controller = undefined;
});

function lab(): LabController {
  const scenarios = scenarioFolder(SCENARIOS);
  let wall = 0;
  controller = new LabController({
    // The shipped outage without its scheduled fault: the participant injects it.
    scenarios: { list: () => [...scenarios.list(), "eu-region-outage-by-hand.yaml"], read: (f) => (f === "eu-region-outage-by-hand.yaml" ? scenarios.read("eu-region-outage.yaml").replace(/^faults:\n.*\n/m, "") : scenarios.read(f)) },
    lessons: { list: () => ["by-hand.yaml", "later-task.yaml"], read: (f) => (f === "later-task.yaml" ? LATER_TASK : LESSON) },
    wallNow: () => wall,
    waitWallMs: async (ms) => {
      wall += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  return controller;
}

describe("a lesson played through the lab", () => {
  it("holds time at the task and the pause, scores against the run, and gives the same figures played by hand or headless", async () => {
    const byHand = lab();
    expect((await byHand.execute("openLesson", { name: "by-hand.yaml" })).ok).toBe(true);
    await byHand.execute("runTo", { ms: 400_000 });
    let view = (await byHand.execute("getSnapshot", {})).lesson!;
    expect((await byHand.execute("getSnapshot", {})).nowMs).toBe(120_000);
    expect(view.held).toMatch(/waits for you to inject/);
    expect(view.step.tasks[0]).toMatchObject({ kind: "inject", due: true, done: false });
    await expect(byHand.execute("injectFault", { fault: { kind: "region-outage", region: "eu-central", behaviour: "no-response" } })).rejects.toThrow(/asks you to inject/);
    await expect(byHand.execute("loadScenario", { source: "library", name: "anycast.yaml" })).rejects.toThrow(/close it before loading/);
    await byHand.execute("injectFault", { fault: { kind: "region-outage", region: "eu-west", behaviour: "no-response" } });
    await expect(byHand.execute("lessonReveal", {})).rejects.toThrow(/at the step's pause/);
    await byHand.execute("runTo", { ms: 400_000 });
    view = (await byHand.execute("getSnapshot", {})).lesson!;
    expect((await byHand.execute("getSnapshot", {})).nowMs).toBe(200_000);
    expect(view.step.pause.reached).toBe(true);
    await byHand.execute("lessonAnswer", { question: "detect", answer: 30 });
    await byHand.execute("lessonAnswer", { question: "border", answer: 0 });
    await byHand.execute("lessonReveal", {});
    await expect(byHand.execute("lessonAnswer", { question: "detect", answer: 2 })).rejects.toThrow(/locked/);
    view = (await byHand.execute("getSnapshot", {})).lesson!;
    const [detect, border] = view.step.questions;
    expect(border!.reveal).toMatchObject({ correct: true, rightAnswer: "No", explanation: "0 violations." });
    const detected = Number(/^([\d.]+) s/.exec(detect!.reveal!.rightAnswer)![1]);
    expect(detected).toBeGreaterThan(0);
    expect(detected).toBeLessThan(15);
    expect(detect!.reveal!.correct).toBe(false);
    expect(detect!.reveal!.explanation).toBe(`Detected after ${detected} s.`);
    await byHand.execute("lessonNext", {});
    await byHand.execute("runTo", { ms: 480_000 });
    await byHand.execute("lessonReveal", {});
    const card = JSON.parse((await byHand.execute("lessonScorecard", {})).json) as { score: unknown; questions: { rightAnswer: string }[] };
    expect(card.score).toEqual({ correct: 1, revealed: 3, total: 3 });
    await controller!.close();

    // Headless, right on every question: the same run, so the same figures.
    const headless = await playLesson(lab(), "by-hand.yaml", { answers: { "outage/detect": detected, "outage/border": 0, "recovery/rto": Number(card.questions[2]!.rightAnswer.split(" ")[0]) } });
    expect(headless.questions.map((q) => q.rightAnswer)).toEqual(card.questions.map((q) => q.rightAnswer));
    expect(headless.score).toEqual({ correct: 3, revealed: 3, total: 3 });
  }, 120_000);

  it("stops at a pause that comes before a task's time, on a transition: the reveal is there, the task left undone", async () => {
    const lab_ = lab();
    await lab_.execute("openLesson", { name: "later-task.yaml" });
    await lab_.execute("runTo", { ms: 400_000 });
    const { nowMs, lesson } = await lab_.execute("getSnapshot", {});
    expect(lesson!.step.pause.reached).toBe(true);
    // The director withdraws eu-west some tens of seconds after the outage at 120 s; time stops 5 s later.
    expect(nowMs).toBeGreaterThan(125_000);
    expect(nowMs).toBeLessThan(300_000);
    expect(lesson!.step.tasks[0]).toMatchObject({ kind: "inject", done: false, due: false });
    await lab_.execute("lessonReveal", {});
    expect((await lab_.execute("getSnapshot", {})).lesson!.step.questions[0]!.reveal).toMatchObject({ explanation: expect.stringMatching(/^Detected after [\d.]+ s\.$/) });
  }, 60_000);

  it("plays a step whose scenario is written inline in the lesson", async () => {
    const inline = readFileSync(join(import.meta.dirname, "../fixtures/short-drill.yaml"), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
      .map((line) => `      ${line}`)
      .join("\n");
    const text = `revision: 1
title: "Inline"
goals: ["g"]
duration_min: 5
steps:
  - id: only
    title: "t"
    narrative: "n"
    inline_scenario:
${inline}
    questions:
      - { id: refused, kind: choice, prompt: "p", explain: "{rejected_by_policy}", options: [{ text: "some", when: "rejected_by_policy > 0" }, { text: "none", when: "rejected_by_policy == 0" }] }
`;
    const scenarios = scenarioFolder(SCENARIOS);
    controller = new LabController({ scenarios, lessons: { list: () => ["inline.yaml"], read: () => text }, wallNow: () => 0, waitWallMs: async () => undefined });
    const card = await playLesson(controller, "inline.yaml", { answers: { "only/refused": 0 } });
    expect((await controller.execute("getSnapshot", {})).scenario?.fileName).toBe("inline-only.yaml");
    expect(card.questions).toMatchObject([{ question: "refused", correct: true, rightAnswer: "some" }]);
  }, 60_000);
});

