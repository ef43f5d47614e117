/**
 * The topology editor's state, held by the app rather than by the editor's panel: the form in the dock and the
 * canvas on the stage edit one draft, and collapsing the dock or switching tabs loses neither it nor its undo list.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { DraftOp, LabApi, ScenarioDraftValue, ScenarioListing, ScenarioProblemView } from "../../engine/lab/contract";
import { draftNodeId, type Position } from "./canvas/draftGraph";
import { canRedo, canUndo, historyOf, push, redo, undo, type History } from "./history";

/** A draft and the problems the engine found in it when it was made, so undo and redo need no engine call. */
export interface DraftEntry {
  readonly draft: ScenarioDraftValue;
  readonly problems: readonly ScenarioProblemView[];
}
export interface DraftDoc {
  readonly fileName: string;
  readonly baseText: string;
  readonly history: History<DraftEntry>;
  /** The draft last opened, applied or saved: anything else is an unsaved edit. */
  readonly kept: ScenarioDraftValue;
}
export type DraftStatus =
  | { kind: "idle" }
  | { kind: "busy"; doing: string }
  | { kind: "applied"; fileName: string }
  | { kind: "refused"; problems: readonly ScenarioProblemView[] }
  | { kind: "error"; message: string };

export type DraftSource = Parameters<LabApi["openDraft"]>[0];
export type DraftEditorApi = Pick<LabApi, "listScenarios" | "openDraft" | "editDraft" | "applyDraft">;
/** One edit; resolves with the id an `add` gave, or undefined when the edit was refused or superseded. */
export type Edit = (op: DraftOp) => Promise<string | undefined>;

export interface DraftEditor {
  readonly library: readonly ScenarioListing[];
  readonly doc: DraftDoc | null;
  readonly status: DraftStatus;
  readonly dirty: boolean;
  /** A draft asked for while the present one has unsaved edits: it opens once confirmed. */
  readonly pendingOpen: DraftSource | null;
  readonly open: (source: DraftSource) => void;
  readonly confirmOpen: (discard: boolean) => void;
  readonly edit: Edit;
  readonly apply: (andThen?: (fileName: string, yaml: string) => void) => void;
  readonly undo: () => void;
  readonly redo: () => void;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** What the stage's canvas shows while the editor is open: the draft, or the run it was applied to. */
  readonly stage: StageShows;
  readonly showOnStage: (shows: StageShows) => void;
  /** Where the user put each node on the canvas, by node id; the others stand where the canvas lays them out. */
  readonly placed: ReadonlyMap<string, Position>;
  readonly place: (nodeId: string, at: Position) => void;
}
export type StageShows = "draft" | "run";

export function useDraftEditor(api: DraftEditorApi): DraftEditor {
  const [library, setLibrary] = useState<readonly ScenarioListing[]>([]);
  const [doc, setDocState] = useState<DraftDoc | null>(null);
  const [status, setStatus] = useState<DraftStatus>({ kind: "idle" });
  const [pendingOpen, setPendingOpen] = useState<DraftSource | null>(null);
  const [stage, showOnStage] = useState<StageShows>("draft");
  const [placed, setPlaced] = useState<ReadonlyMap<string, Position>>(new Map());
  const place = useCallback((nodeId: string, at: Position) => setPlaced((before) => new Map(before).set(nodeId, at)), []);
  // Edits and applies run one after another, each on the draft the one before left: a field committed on blur by
  // a click on Add or Save would otherwise send both from the same draft, and the later reply drop the edit.
  const docRef = useRef<DraftDoc | null>(null);
  const queue = useRef(Promise.resolve());
  const setDoc = useCallback((next: DraftDoc) => {
    docRef.current = next;
    setDocState(next);
  }, []);
  const fail = useCallback((e: Error) => setStatus({ kind: "error", message: e.message }), []);
  const enqueue = useCallback(
    <T>(task: (doc: DraftDoc) => Promise<T>): Promise<T | undefined> => {
      const run = queue.current.then(() => (docRef.current ? task(docRef.current) : undefined));
      queue.current = run.then(
        () => undefined,
        (e: Error) => fail(e),
      );
      return run.catch(() => undefined);
    },
    [fail],
  );

  useEffect(() => {
    api.listScenarios({}).then(({ scenarios }) => setLibrary(scenarios), fail);
  }, [api, fail]);

  const dirty = doc !== null && doc.history.present.draft !== doc.kept;

  const load = useCallback(
    (source: DraftSource) => {
      setStatus({ kind: "busy", doing: "Opening…" });
      api.openDraft(source).then((view) => {
        setDoc({ fileName: view.fileName, baseText: view.baseText, history: historyOf({ draft: view.draft, problems: view.problems }), kept: view.draft });
        setStatus({ kind: "idle" });
        showOnStage("draft");
        setPlaced(new Map());
      }, fail);
    },
    [api, fail, setDoc],
  );

  const open = useCallback((source: DraftSource) => (dirty ? setPendingOpen(source) : load(source)), [dirty, load]);
  const confirmOpen = useCallback(
    (discard: boolean) => {
      if (discard && pendingOpen) load(pendingOpen);
      setPendingOpen(null);
    },
    [load, pendingOpen],
  );

  const edit: Edit = useCallback(
    (op) =>
      enqueue(async (before) => {
        const reply = await api.editDraft({ baseText: before.baseText, draft: before.history.present.draft, op });
        // An undo, or another draft opened, while the engine answered wins: the edit was of a draft no longer shown.
        if (docRef.current !== before) return undefined;
        setDoc({ ...before, history: push(before.history, { draft: reply.draft, problems: reply.problems }) });
        setStatus({ kind: "idle" });
        // A renamed node stays where it was put; the old id keeps the place too, for an undo of the rename.
        if (op.op === "rename")
          setPlaced((before) => {
            const at = before.get(draftNodeId(op.entity, op.from));
            return at ? new Map(before).set(draftNodeId(op.entity, op.to), at) : before;
          });
        return reply.added;
      }),
    [api, enqueue, setDoc],
  );

  const apply = useCallback(
    (andThen?: (fileName: string, yaml: string) => void) =>
      void enqueue(async (before) => {
        setStatus({ kind: "busy", doing: "Applying…" });
        const reply = await api.applyDraft({ fileName: before.fileName, baseText: before.baseText, draft: before.history.present.draft });
        if (!reply.ok) return setStatus({ kind: "refused", problems: reply.problems });
        if (docRef.current === before) setDoc({ ...before, kept: before.history.present.draft });
        setStatus({ kind: "applied", fileName: before.fileName });
        andThen?.(before.fileName, reply.text);
      }),
    [api, enqueue, setDoc],
  );

  const step = useCallback(
    (move: typeof undo) => {
      if (docRef.current) setDoc({ ...docRef.current, history: move(docRef.current.history) });
    },
    [setDoc],
  );

  return useMemo(
    () => ({
      library,
      doc,
      status,
      dirty,
      pendingOpen,
      open,
      confirmOpen,
      edit,
      apply,
      undo: () => step(undo),
      redo: () => step(redo),
      canUndo: doc !== null && canUndo(doc.history),
      canRedo: doc !== null && canRedo(doc.history),
      stage,
      showOnStage,
      placed,
      place,
    }),
    [library, doc, status, dirty, pendingOpen, open, confirmOpen, edit, apply, step, stage, placed, place],
  );
}
