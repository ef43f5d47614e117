/**
 * The topology editor's commands: open a draft, edit it, apply it. Drafts live in the editor, not here, so
 * undo and redo are the editor's own list of drafts; only *Apply* changes the run.
 */
import { applyDraftOp, draftProblems, EMPTY_DRAFT_FILE, EMPTY_DRAFT_TEXT, loadDraft, openDraftText } from "../draft";
import type { Handlers } from "./handler";

export const draftCommands = {
  openDraft: {
    readOnly: true,
    run: (lab, input) => {
      if (input.source === "empty") return openDraftText(EMPTY_DRAFT_TEXT, EMPTY_DRAFT_FILE);
      if (input.source === "loaded") {
        const { text, fileName } = lab.requireRun();
        return openDraftText(text, fileName);
      }
      let text: string;
      try {
        text = lab.options.scenarios.read(input.name);
      } catch (error) {
        throw new Error(`cannot read ${input.name}: ${(error as Error).message}`);
      }
      return openDraftText(text, input.name);
    },
  },
  editDraft: {
    readOnly: true,
    run: (_lab, { baseText, draft, op }) => {
      const edited = applyDraftOp(draft, op);
      return { ...edited, problems: draftProblems(baseText, edited.draft) };
    },
  },
  applyDraft: {
    readOnly: false,
    refusedInLesson: "a lesson is open: close it before applying a draft, or its answers and run are lost",
    run: async (lab, { fileName, baseText, draft }) => {
      const { text, parsed } = loadDraft(baseText, draft, fileName);
      // A draft with problems changes nothing: the run plays on as it was.
      if (!parsed.ok) return { ok: false, problems: parsed.problems };
      await lab.replaceRun(lab.newRun(parsed.scenario, text, fileName));
      return { ok: true, text };
    },
  },
} satisfies Handlers<"openDraft" | "editDraft" | "applyDraft">;
