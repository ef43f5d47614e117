/**
 * Words for the engine machines' state ids. The ids stay camelCase in the snapshot, the audit log and the
 * `data-state` attributes tests read; only what a person reads goes through here. test/renderer/stateLabels
 * reads every state of every machine in engine/machines/, so a new state without words fails there.
 */
import type { TimelineItem, TransitionView } from "../engine/lab/contract";

const STATE_LABELS: Readonly<Record<string, string>> = {
  // traffic director
  start: "starting",
  allServing: "all serving",
  regionsWithdrawn: "regions withdrawn",
  primaryActive: "primary active",
  standbyPromoted: "standby promoted",
  // regional gateway
  healthy: "healthy",
  degraded: "degraded",
  failed: "failed",
  recovering: "recovering",
  // circuit breaker
  closed: "closed",
  open: "open",
  halfOpen: "half-open",
};

/** The label of a machine state id; an unknown id is shown as it is rather than hidden. */
export function stateLabel(id: string): string {
  return STATE_LABELS[id] ?? id;
}

export function hasStateLabel(id: string): boolean {
  return Object.hasOwn(STATE_LABELS, id);
}

/** A machine's change of state in words: `director global: all serving → regions withdrawn`. */
export function transitionText({ machine, subject, from, to }: TransitionView): string {
  return `${machine} ${subject}: ${stateLabel(from)} → ${stateLabel(to)}`;
}

/** A timeline item in words: a state change with what caused it; a fault or a command as the engine wrote it. */
export function timelineText({ transition, text }: TimelineItem): string {
  return transition ? `${transitionText(transition)} (${transition.cause})` : text;
}
