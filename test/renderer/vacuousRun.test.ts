import { describe, expect, it } from "vitest";
import type { LabSnapshot } from "../../engine/lab/contract";
import { vacuousRunNote } from "../../renderer/panels/vacuousRun";

const expectations = [{ text: "residency_violations == 0", status: "pass", actual: 0 }] as const;
const run = (requests: number, status: LabSnapshot["status"] = "finished", stated: LabSnapshot["expectations"] = expectations) => ({
  status,
  totals: { requests, ok: requests, errors: 0, rejected: 0 },
  expectations: stated,
});

describe("the drill panel's word on a run of no requests", () => {
  it("says every expectation is vacuous when a finished run sent nothing", () => {
    expect(vacuousRunNote(run(0))).toMatch(/^0 requests: every expectation is vacuous: the run sent nothing/);
  });

  it("says nothing while the run plays, once requests ran, or when there is no expectation to be vacuous", () => {
    expect(vacuousRunNote(run(0, "playing"))).toBeNull();
    expect(vacuousRunNote(run(12))).toBeNull();
    expect(vacuousRunNote(run(0, "finished", []))).toBeNull();
  });
});
