import { describe, expect, it } from "vitest";
import { canRedo, canUndo, historyOf, push, redo, undo } from "../../renderer/editor/history";

describe("the editor's undo history", () => {
  it("starts with nothing to undo or redo, and undo then does nothing", () => {
    const start = historyOf("a");
    expect([canUndo(start), canRedo(start)]).toEqual([false, false]);
    expect(undo(start)).toBe(start);
    expect(redo(start)).toBe(start);
  });

  it("restores the previous draft on undo and the undone one on redo", () => {
    const edited = push(push(historyOf("a"), "b"), "c");
    const back = undo(edited);
    expect(back.present).toBe("b");
    expect(canRedo(back)).toBe(true);
    expect(undo(back).present).toBe("a");
    expect(canUndo(undo(back))).toBe(false);
    expect(redo(back).present).toBe("c");
    expect(redo(redo(undo(back)))).toEqual(edited);
  });

  it("forgets what was redoable when an edit follows an undo", () => {
    const branched = push(undo(push(push(historyOf("a"), "b"), "c")), "d");
    expect(branched).toEqual({ past: ["a", "b"], present: "d", future: [] });
    expect(canRedo(branched)).toBe(false);
  });

  it("drops the oldest draft past its depth", () => {
    let history = historyOf(0);
    for (let n = 1; n <= 5; n++) history = push(history, n, 3);
    expect(history.past).toEqual([2, 3, 4]);
    expect(history.present).toBe(5);
    expect(undo(undo(undo(history))).present).toBe(2);
  });
});
