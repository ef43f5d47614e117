/**
 * Whether *Export evidence* can run now, and the words its button carries before it is clicked: the engine's
 * own refusal, carried by the snapshot, or what the export will write.
 */
import type { LabSnapshot } from "../../engine/lab/contract";
import { plural } from "../format";

export interface ExportState {
  readonly enabled: boolean;
  /** The button's title: what it will write, or why it cannot. */
  readonly reason: string;
}

export function evidenceExportState(snapshot: Pick<LabSnapshot, "evidenceRefusal" | "faults">): ExportState {
  const refusal = snapshot.evidenceRefusal;
  if (refusal !== null) return { enabled: false, reason: `No evidence: ${refusal}` };
  const byHand = snapshot.faults.filter((f) => f.byUser).length;
  return {
    enabled: true,
    reason:
      byHand === 0
        ? "Write a signed evidence bundle that `npm run verify` re-checks offline"
        : `Write a signed evidence bundle: its scenario schedules your ${plural(byHand, "hand-made fault")} at their virtual times, and the bundle holds that scenario's drill, which \`npm run verify\` re-runs`,
  };
}
