/**
 * Whether *Export evidence* can run now, and the words its button carries before it is clicked: the same
 * conditions the engine's `exportEvidence` refuses on, read from the snapshot.
 */
import type { LabSnapshot } from "../../engine/lab/contract";
import { plural } from "../format";

export interface ExportState {
  readonly enabled: boolean;
  /** The button's title: what it will write, or why it cannot. */
  readonly reason: string;
}

export function evidenceExportState(snapshot: Pick<LabSnapshot, "status" | "gatewayApi" | "faults">): ExportState {
  const outside = snapshot.gatewayApi?.calls ?? 0;
  if (outside > 0)
    return {
      enabled: false,
      reason: `No evidence from this run: it answered ${plural(outside, "call")} from OpenAI clients, which a re-run cannot replay. Reset and play it to the end without them.`,
    };
  if (snapshot.status !== "finished") return { enabled: false, reason: "Evidence covers a whole run: play the scenario to its end first" };
  const byHand = snapshot.faults.filter((f) => f.byUser).length;
  return {
    enabled: true,
    reason:
      byHand === 0
        ? "Write a signed evidence bundle that `npm run verify` re-checks offline"
        : `Write a signed evidence bundle: its scenario schedules your ${plural(byHand, "hand-made fault")} at their virtual times, and the bundle holds that scenario's drill, which \`npm run verify\` re-runs`,
  };
}
