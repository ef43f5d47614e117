/**
 * Draft fields as the engine's problems name them: `topology.callers[0].rate_per_s`. The renderer reaches the
 * engine through its contract only, so this mirrors engine/scenario/load.ts's formatField; the
 * fieldPath tests pin the format the engine's draft tests show.
 */
import type { ScenarioProblemView } from "../../engine/lab/contract";

export type FieldPath = readonly (string | number)[];

export function fieldPath(path: FieldPath): string {
  return path.reduce<string>((field, key) => (typeof key === "number" ? `${field}[${key}]` : field ? `${field}.${key}` : key), "");
}

/**
 * The problems of a field and of everything inside it: `topology.callers[1]` takes `topology.callers[1].model`
 * but not `topology.callers[10]`, which merely starts with the same characters.
 */
export function problemsAt(problems: readonly ScenarioProblemView[], prefix: FieldPath): ScenarioProblemView[] {
  const field = fieldPath(prefix);
  return problems.filter((p) => p.field === field || p.field.startsWith(`${field}.`) || p.field.startsWith(`${field}[`));
}
