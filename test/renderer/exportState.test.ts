import { describe, expect, it } from "vitest";
import type { FaultView } from "../../engine/lab/contract";
import { evidenceRefusal } from "../../engine/lab/evidenceRefusal";
import { evidenceExportState } from "../../renderer/evidence/exportState";

const byHand = { id: "u1", byUser: true } as FaultView;

describe("the Export evidence button", () => {
  it("says why it cannot export before it is clicked, in the engine's words: a run not played to its end, or calls from outside", () => {
    const unfinished = evidenceRefusal({ status: "paused", externalCalls: 0 });
    expect(evidenceExportState({ evidenceRefusal: unfinished, faults: [] })).toEqual({ enabled: false, reason: `No evidence: ${unfinished}` });
    expect(unfinished).toMatch(/play the scenario to its end/);
    const outside = evidenceRefusal({ status: "finished", externalCalls: 1 });
    expect(evidenceExportState({ evidenceRefusal: outside, faults: [] })).toMatchObject({ enabled: false, reason: expect.stringMatching(/answered 1 call from outside \(OpenAI clients\)/) });
    expect(evidenceRefusal({ status: "finished", externalCalls: 3 })).toMatch(/answered 3 calls from outside/);
  });

  it("exports a finished run with hand-made faults, saying the bundled scenario schedules them", () => {
    expect(evidenceRefusal({ status: "finished", externalCalls: 0 })).toBeNull();
    expect(evidenceExportState({ evidenceRefusal: null, faults: [] })).toMatchObject({ enabled: true });
    expect(evidenceExportState({ evidenceRefusal: null, faults: [byHand] })).toEqual({ enabled: true, reason: expect.stringMatching(/schedules your 1 hand-made fault at/) });
  });
});
