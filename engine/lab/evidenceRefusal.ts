/**
 * Why *Export evidence* would be refused for a run now, or null when it would not. One rule: the engine
 * refuses with it and the snapshot carries it, so the button says what the export would.
 */
import type { Run } from "./run";

export function evidenceRefusal(run: Pick<Run, "externalCalls" | "status">): string | null {
  if (run.externalCalls > 0) {
    return `this run answered ${callsFromOutside(run.externalCalls)} from outside (OpenAI clients), which a re-run cannot replay: reset, play it to the end without them, and export that run`;
  }
  if (run.status !== "finished") return "evidence covers a whole run: play the scenario to its end (or run to the end on the scrubber), then export";
  return null;
}

/** "1 call" or "N calls": the words for the OpenAI calls a run answered, in every refusal they cause. */
export const callsFromOutside = (count: number): string => (count === 1 ? "1 call" : `${count} calls`);

/** The refusal before any scenario is open. */
export const NO_RUN_REFUSAL = "evidence covers a whole run: open a scenario and play it to its end, then export";
