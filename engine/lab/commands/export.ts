/** Commands that take a run out of the app: its report, and a signed evidence bundle. */
import { exportEvidence, exportReport } from "../evidence";
import type { Handlers } from "./handler";

export const exportCommands = {
  exportReport: { readOnly: true, run: (lab) => exportReport(lab.requireRun()) },
  // Not read-only: it finishes the run's books before it writes them.
  exportEvidence: { readOnly: false, run: (lab) => exportEvidence(lab.requireRun(), lab.options) },
} satisfies Handlers<"exportReport" | "exportEvidence">;
