/**
 * The editor's undo and redo: a list of drafts, pure. Each entry keeps the problems the engine found in it, as
 * the engine cannot be asked to re-check a draft without editing it.
 */

export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
}

/**
 * Each entry holds a whole draft (a scenario as plain data, a few kB to a few hundred), so the list is bounded to
 * keep a long editing session's memory flat; 200 steps back is more than anyone undoes by hand.
 */
const HISTORY_DEPTH = 200;

export function historyOf<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new edit: what was redoable is gone, and past the bound the oldest step is forgotten. */
export function push<T>(history: History<T>, next: T, depth = HISTORY_DEPTH): History<T> {
  const past = [...history.past, history.present];
  return { past: past.slice(Math.max(0, past.length - depth)), present: next, future: [] };
}

export const canUndo = <T>(history: History<T>): boolean => history.past.length > 0;
export const canRedo = <T>(history: History<T>): boolean => history.future.length > 0;

export function undo<T>(history: History<T>): History<T> {
  if (!canUndo(history)) return history;
  return { past: history.past.slice(0, -1), present: history.past.at(-1)!, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  if (!canRedo(history)) return history;
  return { past: [...history.past, history.present], present: history.future[0]!, future: history.future.slice(1) };
}
