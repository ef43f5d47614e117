import { VACUOUS_RUN, type LabSnapshot } from "../../engine/lab/contract";

/** What the drill panel says of a finished run that sent no request, where the CLI and the report say it too; null otherwise. */
export function vacuousRunNote({ status, totals, expectations }: Pick<LabSnapshot, "status" | "totals" | "expectations">): string | null {
  if (status !== "finished" || totals.requests > 0 || expectations.length === 0) return null;
  return `${VACUOUS_RUN}: the run sent nothing, so none of these says anything about the design.`;
}
