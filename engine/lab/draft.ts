/**
 * The topology editor's engine side, pure: a draft opened from a file's text, one edit applied to it, and its
 * problems by field, found by writing it into its text (comments and order kept, `engine/scenario/edit/`) and
 * loading that as any scenario file is loaded, so the editor shows exactly what *Apply* would refuse.
 */
import { isMap } from "yaml";
import { connectEntities, disconnectEntities } from "../scenario/edit/connect";
import { addCallers, addModel, addProvider, addRegion, removeEntity, renameEntity, type ScenarioDraft } from "../scenario/edit/ops";
import { patchScenarioText } from "../scenario/edit/patch";
import { formatProblems } from "../fileProblems";
import { parseScenario, type ParseResult } from "../scenario/load";
import { parseYamlText, yamlTextProblem } from "../yamlDocument";
import type { DraftOp, DraftView, ScenarioDraftValue, ScenarioProblemView } from "./contract";

/** What *New* starts from: the sections every scenario needs, with nothing in the topology yet. */
export const EMPTY_DRAFT_TEXT = `# yaml-language-server: $schema=./scenario.schema.json
# A topology drawn in Failover Lab's editor.
revision: 1
name: "Untitled topology"
duration_s: 600
topology:
  regions: []
  providers: []
  models: []
  callers: []
policy:
  residency: {}
expect: []
`;
export const EMPTY_DRAFT_FILE = "untitled.yaml";

const ADD = { region: addRegion, provider: addProvider, model: addModel, callers: addCallers } as const;
/** Keys that would walk out of the draft into an object's prototype. */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The file's text as a draft; throws, saying why, when the text is not a YAML mapping. */
export function openDraftText(text: string, fileName: string): DraftView {
  const parsed = parseYamlText(text, fileName, "scenario");
  if (!parsed.ok) throw new Error(formatProblems(parsed.problems));
  const { doc } = parsed;
  const invalid = doc.errors[0] ?? parsed.duplicates[0];
  if (invalid) throw new Error(`${fileName} is not valid YAML: ${invalid.message}`);
  if (!isMap(doc.contents)) throw new Error(`${fileName} is not a scenario: its top level is not a mapping`);
  const draft = doc.toJS() as ScenarioDraftValue;
  return { fileName, baseText: text, draft, problems: draftProblems(text, draft, fileName) };
}

/** The draft written into its text and loaded, or why it would not load. */
export function loadDraft(baseText: string, draft: ScenarioDraftValue, fileName: string): { text: string; parsed: ParseResult } {
  // The base text comes back from the app with each edit, so it is held to a scenario's caps before it is parsed again.
  const refused = yamlTextProblem(baseText, fileName, "scenario");
  if (refused) return { text: baseText, parsed: { ok: false, problems: [refused] } };
  const text = patchScenarioText(baseText, draft);
  return { text, parsed: parseScenario(text, fileName) };
}

export function draftProblems(baseText: string, draft: ScenarioDraftValue, fileName = EMPTY_DRAFT_FILE): readonly ScenarioProblemView[] {
  const { parsed } = loadDraft(baseText, draft, fileName);
  return parsed.ok ? [] : parsed.problems;
}

/** One edit; throws, saying why, for an edit the draft cannot take (a removal that would empty a required list, a taken id, an edge no field joins). */
export function applyDraftOp(draft: ScenarioDraftValue, op: DraftOp): { draft: ScenarioDraftValue; added?: string } {
  if (op.op === "set") return { draft: setField(draft, op.path, op.value) };
  const typed = asScenarioDraft(draft);
  switch (op.op) {
    case "add": {
      const { draft: next, id } = ADD[op.entity](typed);
      return { draft: next, added: id };
    }
    case "remove":
      return { draft: removeEntity(typed, op.entity, op.id) };
    case "rename":
      return { draft: renameEntity(typed, op.entity, op.from, op.to) };
    case "connect":
      return { draft: connectEntities(typed, op.from, op.to) };
    case "disconnect":
      return { draft: disconnectEntities(typed, op.from, op.to) };
  }
}

/** The ops walk `topology`'s four lists; a draft without them is refused before any op runs on it. */
function asScenarioDraft(draft: ScenarioDraftValue): ScenarioDraft {
  const topology = draft.topology as Record<string, unknown> | undefined;
  for (const list of ["regions", "providers", "models", "callers"])
    if (typeof topology !== "object" || topology === null || !Array.isArray(topology[list])) throw new Error(`the draft has no topology.${list} list to edit`);
  return draft as unknown as ScenarioDraft;
}

/** A copy of the draft with one field written, the objects and lists on its way made as needed; `undefined` removes it. */
function setField(draft: ScenarioDraftValue, path: readonly (string | number)[], value: unknown): ScenarioDraftValue {
  for (const key of path) if (typeof key === "string" && UNSAFE_KEYS.has(key)) throw new Error(`"${key}" is not a scenario field`);
  const next = structuredClone(draft) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = next;
  path.slice(0, -1).forEach((key, i) => {
    const child = node[key];
    if (typeof child !== "object" || child === null) node[key] = typeof path[i + 1] === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
    else delete node[last];
  } else node[last] = structuredClone(value);
  return next;
}
