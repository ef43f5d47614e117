import type { ScenarioProblemView } from "../../../engine/lab/contract";
import { fieldPath } from "../fieldPath";

/** A list's own problems (empty where the format needs one entry), apart from its entries'. */
export function listProblems(problems: readonly ScenarioProblemView[], key: string): ScenarioProblemView[] {
  return problems.filter((p) => p.field === fieldPath(["topology", key]));
}
