import { describe, expect, it } from "vitest";
import type { FaultView, GatewayApiView } from "../../engine/lab/contract";
import { evidenceExportState } from "../../renderer/evidence/exportState";

const api = (calls: number) => ({ baseUrls: [], models: [], calls, refusal: null }) as unknown as GatewayApiView;
const byHand = { id: "u1", byUser: true } as FaultView;

describe("the Export evidence button", () => {
  it("says why it cannot export before it is clicked: a run not played to its end, or calls from outside", () => {
    expect(evidenceExportState({ status: "paused", gatewayApi: api(0), faults: [] })).toEqual({ enabled: false, reason: expect.stringMatching(/play the scenario to its end/) });
    expect(evidenceExportState({ status: "finished", gatewayApi: api(1), faults: [] })).toEqual({ enabled: false, reason: expect.stringMatching(/answered 1 call from OpenAI clients/) });
  });

  it("exports a finished run with hand-made faults, saying the bundled scenario schedules them", () => {
    expect(evidenceExportState({ status: "finished", gatewayApi: null, faults: [] })).toMatchObject({ enabled: true });
    expect(evidenceExportState({ status: "finished", gatewayApi: api(0), faults: [byHand] })).toEqual({ enabled: true, reason: expect.stringMatching(/schedules your 1 hand-made fault at/) });
  });
});
