/**
 * The topology editor's panel: a draft of a scenario file, opened from the loaded run, a library file or nothing,
 * edited one engine op at a time (the engine adds with valid defaults, removes and renames everywhere, and finds each
 * draft's problems by loading it as *Apply* would), then applied to the session or saved as a file. Its state is
 * the app's (useDraftEditor), shared with the canvas that draws the draft on the stage.
 */
import type { KeyboardEvent } from "react";
import type { ScenarioProblemView } from "../../engine/lab/contract";
import { download } from "../download";
import { plural } from "../format";
import { DraftForm } from "./DraftForm";
import type { DraftEditor, DraftStatus } from "./useDraftEditor";
import "./editor.css";

/** Not a file name: a library file is named `*.yaml`. */
const EMPTY_TEMPLATE = "empty";

export function EditorPanel({ editor, loaded }: { editor: DraftEditor; loaded: string | null }) {
  const { doc, status } = editor;
  const onKeyDown = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
    // Typing not yet committed is the input's own to undo.
    if (e.target instanceof HTMLInputElement && e.target.value !== e.target.defaultValue) return;
    e.preventDefault();
    if (e.shiftKey) editor.redo();
    else editor.undo();
  };

  const present = doc?.history.present;
  return (
    <section className="editor" aria-label="Topology editor" data-testid="editor-panel" onKeyDown={onKeyDown}>
      <header className="editor-header">
        <select
          data-testid="editor-template"
          aria-label="New from template"
          value=""
          onChange={(e) => editor.open(e.target.value === EMPTY_TEMPLATE ? { source: "empty" } : { source: "library", name: e.target.value })}
        >
          <option value="" disabled>
            New from template…
          </option>
          <option value={EMPTY_TEMPLATE}>Empty topology</option>
          {editor.library.map((s) => (
            <option key={s.file} value={s.file}>
              {s.file}
            </option>
          ))}
        </select>
        <button data-testid="editor-open-loaded" disabled={loaded === null} onClick={() => editor.open({ source: "loaded" })} title={loaded === null ? "No scenario is loaded" : `Edit ${loaded}`}>
          Edit the loaded scenario
        </button>
        {doc && present && (
          <>
            <strong className="editor-file" data-testid="editor-file" data-dirty={editor.dirty}>
              {doc.fileName}
              {editor.dirty && <span title="Edited since it was opened or last applied"> (edited)</span>}
            </strong>
            <button data-testid="editor-undo" disabled={!editor.canUndo} onClick={editor.undo} title="Undo (Ctrl+Z)">
              Undo
            </button>
            <button data-testid="editor-redo" disabled={!editor.canRedo} onClick={editor.redo} title="Redo (Ctrl+Shift+Z)">
              Redo
            </button>
            <button
              data-testid="editor-apply"
              disabled={status.kind === "busy"}
              onClick={() => {
                editor.showOnStage("run");
                editor.apply();
              }}
              title="Load this draft as the session's run"
            >
              Apply
            </button>
            <button
              data-testid="editor-save"
              disabled={status.kind === "busy"}
              onClick={() => editor.apply((fileName, yaml) => download(fileName, yaml, "application/yaml"))}
              title="Apply, then download the scenario file"
            >
              Save
            </button>
            <button data-testid="editor-stage" onClick={() => editor.showOnStage(editor.stage === "draft" ? "run" : "draft")} title="What the canvas above shows">
              {editor.stage === "draft" ? "Show the run" : "Show the draft"}
            </button>
            <ProblemList problems={present.problems} />
          </>
        )}
        <StatusLine status={status} />
      </header>
      {editor.pendingOpen && doc && <DiscardPrompt fileName={doc.fileName} onAnswer={editor.confirmOpen} />}
      {!present ? <p className="editor-empty">Start from a template or edit the loaded scenario.</p> : <DraftForm draft={present.draft} problems={present.problems} edit={editor.edit} />}
    </section>
  );
}

/** Asked in the panel, not with `confirm()`: a modal dialog would stop the engine's updates and cannot be styled for a projector. */
function DiscardPrompt({ fileName, onAnswer }: { fileName: string; onAnswer: (discard: boolean) => void }) {
  return (
    <div className="editor-discard" role="alertdialog" aria-label="Discard unsaved edits" data-testid="editor-discard">
      <span>{fileName} has edits not applied or saved. Open the other draft and lose them?</span>
      <button data-testid="editor-discard-yes" onClick={() => onAnswer(true)}>
        Discard and open
      </button>
      <button data-testid="editor-discard-no" onClick={() => onAnswer(false)} autoFocus>
        Keep editing
      </button>
    </div>
  );
}

function ProblemList({ problems }: { problems: readonly ScenarioProblemView[] }) {
  if (problems.length === 0)
    return (
      <span className="editor-ok" data-testid="editor-problems">
        No problems
      </span>
    );
  return (
    <details className="editor-problems" data-testid="editor-problems">
      <summary>{plural(problems.length, "problem")}</summary>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {p.field && <code>{p.field}</code>} {p.message}
          </li>
        ))}
      </ul>
    </details>
  );
}

function StatusLine({ status }: { status: DraftStatus }) {
  switch (status.kind) {
    case "idle":
      return null;
    case "busy":
      return <span className="editor-status">{status.doing}</span>;
    case "applied":
      return (
        <span className="editor-status editor-applied" data-testid="editor-status">
          Applied: the session runs {status.fileName}
        </span>
      );
    case "refused":
      return (
        <span className="editor-status editor-error" role="alert" data-testid="editor-status">
          Not applied, {plural(status.problems.length, "problem")}: {status.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join("; ")}
        </span>
      );
    case "error":
      return (
        <span className="editor-status editor-error" role="alert" data-testid="editor-status">
          {status.message}
        </span>
      );
  }
}
