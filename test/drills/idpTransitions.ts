/** The identity machines' transitions in a drill report, as `<virtual s> <subject>: <from>→<to>` for assertions. */
import type { DrillReport } from "../../engine";

export function identityTransitions(report: DrillReport, subject: string): { t: number; from: string; to: string }[] {
  return report.transitions.filter((e) => e.machine === "identity" && e.subject === subject).map((e) => ({ t: e.t / 1000, from: e.from, to: e.to }));
}
