/** What the edit tests share: a scenario file's text as a draft, and a draft written back into its text and loaded. */
import { expect } from "vitest";
import { parseDocument } from "yaml";
import type { ScenarioDraft } from "../../../engine/scenario/edit/ops";
import { patchScenarioText } from "../../../engine/scenario/edit/patch";
import { formatProblems, parseScenario } from "../../../engine/scenario/load";

export const draftOf = (text: string) => parseDocument(text).toJS() as ScenarioDraft;

/** The draft written into `text`, loaded: fails the test with the loader's problems if it does not load. */
export function saved(text: string, draft: ScenarioDraft): string {
  const out = patchScenarioText(text, draft);
  const result = parseScenario(out, "edited.yaml");
  if (!result.ok) expect.fail(formatProblems(result.problems));
  return out;
}
