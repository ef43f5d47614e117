/**
 * A draft's fields, pure: their paths as the engine's problems name them (`topology.callers[0].rate_per_s`), and
 * their values as the editor's inputs show and write them. The renderer reaches the engine through its contract
 * only, so fieldPath mirrors engine/yamlFile.ts's formatField; its tests pin the format the engine's draft
 * tests show.
 */
import type { ScenarioDraftValue, ScenarioProblemView } from "../../engine/lab/contract";

export type FieldPath = readonly (string | number)[];
export type Row = Readonly<Record<string, unknown>>;

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

/** A draft is any data until it validates, so each read checks the shape it expects. */
export function rows(draft: ScenarioDraftValue, key: string): Row[] {
  const topology = draft.topology;
  return typeof topology === "object" && topology !== null ? list((topology as Row)[key]) : [];
}

export function list(value: unknown): Row[] {
  return Array.isArray(value) ? value.filter((v): v is Row => typeof v === "object" && v !== null) : [];
}

export function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

export function valueAt(draft: ScenarioDraftValue, path: FieldPath): unknown {
  return path.reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[key] : undefined), draft);
}

export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A deployment's model names, whether written as a name or as `{ model, rpm, … }`. */
export function deployedModels(models: unknown): string[] {
  return Array.isArray(models) ? models.map((m) => (typeof m === "object" && m !== null ? text((m as Row).model) : text(m))) : [];
}

/** The names typed, each keeping its `{ model, rpm, … }` entry where it had one, so the comma list loses no limits. */
export function withModelNames(before: unknown, names: readonly string[]): unknown[] {
  const entries = Array.isArray(before) ? (before as unknown[]) : [];
  return names.map((name) => entries.find((m) => typeof m === "object" && m !== null && (m as Row).model === name) ?? name);
}

/**
 * `provider/model` entries, split at the first slash (a provider id has none, a model name may: `meta-llama/…`),
 * each keeping the weight it had.
 */
export function withModelRefs(before: unknown, entries: readonly string[]): Row[] {
  const refs = list(before);
  return entries.map((entry) => {
    const slash = entry.indexOf("/");
    const provider = slash < 0 ? entry : entry.slice(0, slash);
    const model = slash < 0 ? "" : entry.slice(slash + 1);
    return refs.find((r) => r.provider === provider && r.model === model) ?? { provider, model };
  });
}

/** A list of names as checkboxes show it: what is not a list reads as none. */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text) : [];
}

/** The list with `item` in it once (appended, the others' order kept) or not at all. */
export function withMember(before: unknown, item: string, member: boolean): string[] {
  const others = strings(before).filter((s) => s !== item);
  return member ? [...others, item] : others;
}
