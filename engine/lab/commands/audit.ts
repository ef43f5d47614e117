/** The audit inspector's commands: pages, entries, inclusion proofs, the chains verified. */
import { auditEntry, auditPage, auditProof, verifyChain } from "../auditQueries";
import type { Handlers } from "./handler";

export const auditCommands = {
  auditPage: { readOnly: true, run: (lab, input) => auditPage(lab.run, input) },
  auditEntry: { readOnly: true, run: (lab, input) => auditEntry(lab.requireRun(), input) },
  auditProof: { readOnly: true, run: (lab, input) => auditProof(lab.requireRun(), input) },
  // Not read-only: verifying reads the stores up to now, and the snapshot after it shows the new status.
  verifyChain: { readOnly: false, run: (lab) => verifyChain(lab.requireRun()) },
} satisfies Handlers<"auditPage" | "auditEntry" | "auditProof" | "verifyChain">;
