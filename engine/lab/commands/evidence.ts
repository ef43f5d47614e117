/** The evidence library: the bundles this host has written, each verified or downloaded on demand. */
import { bundleArchive, bundleDir, listBundles } from "../../evidence/library";
import { verifyEvidence } from "../../evidence/verify";
import type { Lab } from "../lab";
import type { Handlers } from "./handler";

function folderOf(lab: Lab): string {
  const folder = lab.options.evidence?.folder;
  if (folder === undefined) throw new Error("this host keeps no evidence bundles");
  return folder;
}

export const evidenceCommands = {
  listEvidence: { readOnly: true, run: (lab) => ({ folder: folderOf(lab), bundles: listBundles(folderOf(lab)) }) },
  // Read-only: it reads a bundle and re-runs its scenario apart from the loaded run.
  verifyBundle: {
    readOnly: true,
    run: async (lab, { bundle }) => {
      const { nativeBinding, evidence } = lab.options;
      const trustedKeys = evidence?.trustedKeys?.() ?? (evidence ? [{ publicKey: evidence.key().publicKey, source: "this installation's key" }] : []);
      return { bundle, checks: await verifyEvidence(bundleDir(folderOf(lab), bundle), { trustedKeys, ...(nativeBinding === undefined ? {} : { nativeBinding }) }) };
    },
  },
  evidenceArchive: { readOnly: true, run: (lab, { bundle }) => ({ fileName: `${bundle}.tar`, base64: bundleArchive(folderOf(lab), bundle).toString("base64") }) },
} satisfies Handlers<"listEvidence" | "verifyBundle" | "evidenceArchive">;
