/**
 * The app's one channel between the UI and the engine host, whichever carries it (Electron IPC or the
 * browser-mode WebSocket): the command names, what each takes and answers, the snapshot the host pushes.
 *
 * Types and plain constants only, and no zod: the renderer and Electron's sandboxed preload import this
 * file and nothing else of `engine/`, so it reaches no module at run time (a test checks). The
 * hosts check every payload against `validation.ts`, whose schemas are proved to produce exactly the
 * inputs written here.
 */
import type { RequestRecord } from "../events";
import type { FaultMenuEntry } from "../faults/menu";
import type { BundleListing } from "../evidence/library";
import type { CheckResult } from "../evidence/verify";
import type { Comparison } from "../compare/compare";
import type { FaultSpec } from "../scenario/schema";
import type { LabSnapshot, LessonListing, SweepView, TransitionView } from "./views";

export type { FaultSpec };
export type { Comparison, ComparisonRow } from "../compare/compare";
export type * from "./views";
export type { FaultMenuEntry, FaultMenuParam, FaultMenuTarget } from "../faults/menu";

/** Every command the UI can send, in the order the preload exposes them. */
export const COMMAND_NAMES = [
  "getSnapshot",
  "listScenarios",
  "loadScenario",
  "play",
  "pause",
  "step",
  "runTo",
  "setSpeed",
  "reset",
  "injectFault",
  "heal",
  "saveScenario",
  "exportReport",
  "auditPage",
  "auditEntry",
  "auditProof",
  "verifyChain",
  "exportEvidence",
  "faultCatalog",
  "listEvidence",
  "verifyBundle",
  "evidenceArchive",
  "compareWith",
  "sweepLoaded",
  "importConfig",
  "openDraft",
  "editDraft",
  "applyDraft",
  "listLessons",
  "openLesson",
  "lessonChoose",
  "lessonAnswer",
  "lessonReveal",
  "lessonNext",
  "lessonDoTask",
  "closeLesson",
  "lessonScorecard",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The Electron channel the host pushes `HostMessage`s on; each command has its own, `lab:<name>`. */
export const PUSH_CHANNEL = "lab:push";

/** Largest page of audit entries one call returns: the renderer holds a window of the log, never all of it. */
export const AUDIT_PAGE_LIMIT = 500;
/**
 * Largest file the app opens from disk (a scenario, a config to import), in bytes, checked in the page before
 * it is read: a scenario is a few kB, the largest shipped one under 10 kB. The hosts refuse a longer text too.
 */
export const OPENED_FILE_MAX_BYTES = 1_000_000;
/** Most seeds one `sweepLoaded` runs: each is a whole drill in the host. */
export const SWEEP_MAX_SEEDS = 200;
/** Slowest and fastest play speed, as multiples of wall time. */
export const MIN_SPEED = 1;
export const MAX_SPEED = 100;
/** What became of a request, as its audit record says; `cancelled`: its caller went away before the answer was whole. */
export const REQUEST_OUTCOMES = ["ok", "error", "rejected", "cancelled"] as const satisfies readonly RequestRecord["outcome"][];

/** The gateway configs *Import…* reads: LiteLLM's config.yaml, a Portkey config, an Envoy config's clusters. */
export const IMPORT_FORMATS = ["litellm", "portkey", "envoy"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The scenario file as plain data, as the topology editor holds it: no defaults filled in, maybe not valid yet. */
export type ScenarioDraftValue = { readonly [field: string]: unknown };
/** What the editor adds, removes and renames: a region, provider, logical model or caller population. */
export const DRAFT_ENTITIES = ["region", "provider", "model", "callers"] as const;
export type DraftEntity = (typeof DRAFT_ENTITIES)[number];
/** One end of an edge drawn on the editor's canvas. */
export interface DraftRef {
  readonly entity: DraftEntity;
  readonly id: string;
}
/**
 * One edit. `add` gives the entity a fresh id and valid defaults; `remove` takes with it everything that names
 * it; `rename` changes it everywhere it is named; `set` writes one field (a form's), `value` absent removes it;
 * `connect` and `disconnect` draw or erase the edge between two entities, either end first: a provider's
 * deployment in a region, a logical model's reference to a provider's model, the callers' model or region
 * (engine/scenario/edit/connect.ts).
 */
export type DraftOp =
  | { readonly op: "add"; readonly entity: DraftEntity }
  | { readonly op: "remove"; readonly entity: DraftEntity; readonly id: string }
  | { readonly op: "rename"; readonly entity: DraftEntity; readonly from: string; readonly to: string }
  | { readonly op: "set"; readonly path: readonly (string | number)[]; readonly value?: unknown }
  | { readonly op: "connect"; readonly from: DraftRef; readonly to: DraftRef }
  | { readonly op: "disconnect"; readonly from: DraftRef; readonly to: DraftRef };
/** A draft with the text it will be written into (comments and order kept) and its problems by field. */
export interface DraftView {
  readonly fileName: string;
  readonly baseText: string;
  readonly draft: ScenarioDraftValue;
  readonly problems: readonly ScenarioProblemView[];
}

/** A command without arguments. */
export type NoInput = Record<string, never>;

/** Narrows an audit page; every field given must match. */
export interface AuditFilter {
  region?: string;
  requestId?: string;
  kind?: "request" | "transition" | "fault" | "run";
  outcome?: (typeof REQUEST_OUTCOMES)[number];
}

/**
 * What each command takes, as the engine receives it after validation (and as the UI sends it). An audit
 * store's name is `canonical`, `global`, `region:<id>` or `buffer:<id>`; absent means the inspected log.
 */
export interface CommandInputs {
  /** The current snapshot, for a page that subscribed after the host last pushed. */
  getSnapshot: NoInput;
  listScenarios: NoInput;
  /** A file of the scenario library by name, or a file the user picked, by its text. */
  loadScenario: { readonly source: "library"; readonly name: string } | { readonly source: "text"; readonly fileName: string; readonly text: string };
  play: NoInput;
  pause: NoInput;
  /** To the next event (a request answered, a state change, a fault; the default) or the next state change (a transition or a fault). */
  step: { readonly until?: "event" | "change" };
  /**
   * Goes to a virtual time, ms: the scrubber's "go here". A later time is fast-forwarded to (unpaced); an
   * earlier one rewinds (the scenario re-run from its seed to there, with the faults made by hand before it).
   */
  runTo: { readonly ms: number };
  setSpeed: { readonly speed: number };
  reset: NoInput;
  /** A fault without its timing: it starts now. */
  injectFault: { readonly fault: FaultSpec };
  heal: { readonly faultId: string };
  saveScenario: NoInput;
  exportReport: NoInput;
  auditPage: { readonly filter: AuditFilter; readonly offset: number; readonly limit: number };
  auditEntry: { readonly seq: number; readonly store?: string };
  /** An RFC 6962 inclusion proof of one entry of the inspected log, checked against the log's current root. */
  auditProof: { readonly seq: number; readonly store?: string };
  verifyChain: NoInput;
  /** Writes a signed evidence bundle of a finished run (see `npm run verify`). */
  exportEvidence: NoInput;
  /** The fault menus' entries, one per way to inject a fault: the renderer draws its menus from them. */
  faultCatalog: NoInput;
  /** The evidence library: the bundles in this host's evidence folder. */
  listEvidence: NoInput;
  /** Runs `npm run verify`'s checks on one bundle of the library, re-run included. */
  verifyBundle: { readonly bundle: string };
  /** One bundle of the library as a tar archive, to download. */
  evidenceArchive: { readonly bundle: string };
  /** Runs the loaded scenario (design A, as its file says, without faults made by hand) and a library scenario (design B) headless on A's seed, and compares them. */
  compareWith: { readonly name: string };
  /** Runs the loaded scenario (as its file says, without faults made by hand) headless once per seed from `from` to `to`, and aggregates the drills as `failover-lab sweep` does. */
  sweepLoaded: { readonly from: number; readonly to: number };
  /**
   * A gateway's config as a new scenario, which is loaded when it imports: `regions` are the command line's
   * `--region MATCH=region:JURISDICTION:Location` rules that place its endpoints.
   */
  importConfig: { readonly format: ImportFormat; readonly fileName: string; readonly text: string; readonly regions: readonly string[] };
  /** A draft to edit: the loaded scenario's file, a library file as a template, or an empty topology. */
  openDraft: { readonly source: "loaded" } | { readonly source: "library"; readonly name: string } | { readonly source: "empty" };
  /** One edit of a draft; nothing is stored, so undo is the editor's previous draft. */
  editDraft: { readonly baseText: string; readonly draft: ScenarioDraftValue; readonly op: DraftOp };
  /** The draft written into its text and loaded as the run, when it validates: the session reloads without a restart. */
  applyDraft: { readonly fileName: string; readonly baseText: string; readonly draft: ScenarioDraftValue };
  listLessons: NoInput;
  /** A lesson of the library, at its first step; its run replaces the loaded one. */
  openLesson: { readonly name: string };
  /** One of the step's `choose` tasks: the step's run starts again with the value written into its scenario. */
  lessonChoose: { readonly field: string; readonly value: string | number };
  /** A prediction, before the reveal: a number, or a choice's option index from 0. */
  lessonAnswer: { readonly question: string; readonly answer: number };
  /** The step's questions judged against the run at its pause; the answers lock. */
  lessonReveal: NoInput;
  lessonNext: NoInput;
  /** The task time holds for, done for the participant. */
  lessonDoTask: NoInput;
  closeLesson: NoInput;
  /** The participant's scorecard so far, as JSON and as a self-contained HTML page. */
  lessonScorecard: NoInput;
}

/**
 * A fault as a page sends it: built from the fault menus' data (`faultCatalog`), so the page cannot know its
 * kind's fields; the host checks it against the fault kinds' schemas, and the handler receives a `FaultSpec`.
 */
export type FaultRequest = { readonly kind: string } & Readonly<Record<string, string | number | boolean | undefined>>;

/** What a page may send: each command's input, but a fault as an unchecked {@link FaultRequest}. */
export type CommandRequests = Omit<CommandInputs, "injectFault"> & { readonly injectFault: { readonly fault: FaultRequest } };

/** A command's input after validation: what its handler receives. */
export type CommandPayload<K extends CommandName> = CommandInputs[K];

export interface ScenarioListing {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  /** False for a file that does not validate: opening it shows its problems. */
  readonly valid: boolean;
}

export interface ScenarioProblemView {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly message: string;
}

/** One audit entry as the inspector lists it. */
export interface AuditRow {
  /** The store it was found in; `seq` is its place in that store's chain. */
  readonly store: string;
  readonly seq: number;
  readonly t: number;
  readonly region: string;
  readonly kind: string;
  readonly requestId: string | null;
  /** Outcome of a request entry, the `from→to` of a transition, the action of a fault. */
  readonly summary: string;
  /** A transition entry's change of state, which the UI words itself; absent for other entries. */
  readonly transition?: TransitionView;
}

export interface AuditEntryDetail extends AuditRow {
  readonly body: unknown;
  readonly prevHash: string;
  readonly hash: string;
  /** The next entry's prev_hash, which must equal this entry's hash (null at the head). */
  readonly nextPrevHash: string | null;
}

export interface InclusionProofView {
  readonly seq: number;
  /** The log the proof is about, e.g. `canonical` or `region:eu-west`. */
  readonly log: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly root: string;
  /** Sibling hashes from the leaf up (RFC 6962 audit path). */
  readonly path: readonly string[];
  /** The proof checked by the verifier, independently of the code that made it. */
  readonly verified: boolean;
  /**
   * The signed checkpoint whose root the proof reaches (the first that covers the entry), or null when none
   * does yet: the app signs checkpoints when it writes an evidence bundle, and the proof is then against the
   * log's current root.
   */
  readonly checkpoint: SignedCheckpointRef | null;
}

/** A checkpoint of an evidence bundle (checkpoints.json), as a proof names it. */
export interface SignedCheckpointRef {
  /** 1-based, in the log's list of checkpoints. */
  readonly index: number;
  readonly treeSize: number;
  /** Latest virtual ms of the entries it covers. */
  readonly t: number;
  readonly keyId: string;
}

/** One bundle of the evidence library, named by its directory in the host's evidence folder. */
export type EvidenceListing = BundleListing;

/** One of `npm run verify`'s checks and its verdict. */
export type BundleCheck = CheckResult;

export interface EvidenceExport {
  readonly dir: string;
  /** The bundle's name in the evidence library. */
  readonly name: string;
  readonly files: readonly string[];
  /** Why there is no PDF, when there is none. */
  readonly pdfMissing: string | null;
  readonly keyId: string;
  /**
   * Faults injected by hand that the bundled scenario schedules at their virtual times; when there are any,
   * the bundle holds the headless drill of that scenario (what `npm run verify` re-runs), not the app's run.
   */
  readonly replayedFaults: number;
}

export interface ChainStatus {
  readonly ok: boolean;
  /** Entries verified, in all of the run's audit stores together. */
  readonly entries: number;
  /** How many stores (logs, buffers, replicas) were verified, each a chain of its own. */
  readonly stores: number;
  readonly head: string;
  readonly firstBad: { readonly seq: number; readonly reason: string } | null;
  /** Virtual ms at which the chain was last verified. */
  readonly verifiedAt: number;
}

/** What each command answers. */
export interface CommandResults {
  getSnapshot: LabSnapshot;
  listScenarios: { readonly scenarios: readonly ScenarioListing[] };
  /** A file that does not validate comes back with its text, so the UI can show each problem under its line. */
  loadScenario: { readonly ok: true } | { readonly ok: false; readonly problems: readonly ScenarioProblemView[]; readonly text: string };
  play: void;
  pause: void;
  step: { readonly advancedTo: number };
  runTo: { readonly advancedTo: number };
  setSpeed: void;
  reset: void;
  injectFault: { readonly faultId: string };
  heal: void;
  saveScenario: { readonly fileName: string; readonly text: string };
  exportReport: { readonly fileName: string; readonly json: string };
  auditPage: { readonly total: number; readonly rows: readonly AuditRow[] };
  auditEntry: AuditEntryDetail;
  auditProof: InclusionProofView;
  verifyChain: ChainStatus;
  exportEvidence: EvidenceExport;
  faultCatalog: { readonly entries: readonly FaultMenuEntry[] };
  listEvidence: { readonly folder: string; readonly bundles: readonly EvidenceListing[] };
  verifyBundle: { readonly bundle: string; readonly checks: readonly BundleCheck[] };
  /** The archive's bytes as base64: both transports carry JSON. */
  evidenceArchive: { readonly fileName: string; readonly base64: string };
  compareWith: Comparison;
  sweepLoaded: SweepView;
  /** Loaded, with what was not imported; or why it cannot be, nothing changed. Problems and warnings name the config's line and field. */
  importConfig:
    | { readonly ok: true; readonly fileName: string; readonly warnings: readonly ScenarioProblemView[] }
    | { readonly ok: false; readonly problems: readonly ScenarioProblemView[] };
  openDraft: DraftView;
  /** `added`: the id an `add` gave the new entity. */
  editDraft: { readonly draft: ScenarioDraftValue; readonly problems: readonly ScenarioProblemView[]; readonly added?: string };
  /** Loaded, with the text it was written as (what *Save scenario* then downloads); or the problems, nothing changed. */
  applyDraft: { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problems: readonly ScenarioProblemView[] };
  listLessons: { readonly lessons: readonly LessonListing[] };
  /** Opened; or the lesson file's problems by line and field, nothing changed. */
  openLesson: { readonly ok: true } | { readonly ok: false; readonly problems: readonly ScenarioProblemView[] };
  lessonChoose: void;
  lessonAnswer: void;
  lessonReveal: void;
  lessonNext: void;
  lessonDoTask: { readonly faultId: string };
  closeLesson: void;
  lessonScorecard: { readonly fileName: string; readonly json: string; readonly html: string };
}

/** What the host pushes to the UI. */
/** How far a long command has got: `done` of `total` items, and the wall time left at the pace so far (null before the first). */
export interface ProgressMessage {
  readonly type: "progress";
  readonly task: "sweep";
  readonly done: number;
  readonly total: number;
  readonly etaMs: number | null;
}

export type HostMessage = { readonly type: "snapshot"; readonly snapshot: LabSnapshot } | { readonly type: "error"; readonly message: string } | ProgressMessage;

/**
 * The typed API the UI sees, identical over both transports. One method per command, never a generic
 * invoke: a page can only ask for what this map names.
 */
export type LabApi = {
  readonly [K in CommandName]: (input: CommandRequests[K]) => Promise<CommandResults[K]>;
} & {
  readonly subscribe: (listener: (message: HostMessage) => void) => () => void;
};

/** A reply over a message transport: the result, or an error message naming what was wrong. */
export type CommandReply<K extends CommandName = CommandName> = { readonly ok: true; readonly result: CommandResults[K] } | { readonly ok: false; readonly error: string };

/** The engine side of the channel: what Electron's main process and the browser-mode host both serve. */
export interface LabBackend {
  execute<K extends CommandName>(name: K, input: CommandPayload<K>): Promise<CommandResults[K]>;
  subscribe(listener: (message: HostMessage) => void): () => void;
}
