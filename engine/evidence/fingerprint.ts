/**
 * What ties a printed report to its bundle: the drill's date, the signing key and a fingerprint that
 * `npm run verify` recomputes. The fingerprint cannot be the manifest's hash — the manifest signs
 * report.html, which prints the fingerprint — so it is taken over what the run was and what it wrote:
 * the scenario file's bytes, the seed, and every audit store's chain head.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/canonical";
import type { DrillReport } from "../drill";

/** How the fingerprint is made, in words: printed beside it, so a reader knows what to recompute. */
export const FINGERPRINT_BASIS = "SHA-256 of the scenario file, the seed and every audit store's head";

export function bundleFingerprint(scenarioText: string, report: Pick<DrillReport, "seed" | "questions">): string {
  const scenario = createHash("sha256").update(scenarioText).digest("hex");
  const heads = report.questions.audit.stores.map((store) => [store.name, store.head]);
  return createHash("sha256").update(canonicalJson({ scenario, seed: report.seed, heads })).digest("hex");
}
