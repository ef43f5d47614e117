/**
 * The app's one channel between the UI and the engine host, whichever carries it (Electron IPC or the
 * browser-mode WebSocket): the command names, what each takes and answers, the snapshot the host pushes.
 *
 * Types and plain constants only, and no zod: the renderer and Electron's sandboxed preload import this
 * file and nothing else of `engine/`, so it must reach nothing at run time beyond zod-free modules. The
 * hosts check every payload against `validation.ts`, whose schemas are proved to produce exactly the
 * inputs written here.
 */
import type { Fault, FaultKind, FaultSpec } from "../scenario/schema";

export type { FaultSpec };
export { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS, REQUEST_FAULT_LABELS, type RequestFaultClass } from "../faults/requestFaultClasses";

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
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The Electron channel the host pushes `HostMessage`s on; each command has its own, `lab:<name>`. */
export const PUSH_CHANNEL = "lab:push";

/** Largest page of audit entries one call returns: the renderer holds a window of the log, never all of it. */
export const AUDIT_PAGE_LIMIT = 500;
/** Slowest and fastest play speed, as multiples of wall time. */
export const MIN_SPEED = 1;
export const MAX_SPEED = 100;

/** A command without arguments. */
export type NoInput = Record<string, never>;

/** Narrows an audit page; every field given must match. */
export interface AuditFilter {
  region?: string;
  requestId?: string;
  kind?: "request" | "transition" | "fault" | "run";
  outcome?: "ok" | "error" | "rejected";
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
  step: NoInput;
  /** Fast-forwards (unpaced) to a later virtual time, ms: the scrubber's "run to here". */
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
}

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
}

export interface EvidenceExport {
  readonly dir: string;
  readonly files: readonly string[];
  /** Why there is no PDF, when there is none. */
  readonly pdfMissing: string | null;
  readonly keyId: string;
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
}

export type RunStatus = "empty" | "ready" | "playing" | "paused" | "finished";

export type NodeHealth = "healthy" | "degraded" | "failed" | "unknown";

export interface RegionView {
  readonly id: string;
  readonly jurisdiction: string;
  readonly location: string;
  /** The regional gateway's state machine. */
  readonly gateway: string;
  /** Withdrawn from the traffic director's answers. */
  readonly withdrawn: boolean;
  readonly role: "active" | "primary" | "standby";
  /** Share of the requests of the last window that this gateway handled, 0..1. */
  readonly trafficShare: number;
  readonly inflight: number;
  readonly health: NodeHealth;
}

export interface TargetView {
  readonly id: string;
  readonly model: string;
  /** Circuit state as seen by each region's gateway. */
  readonly circuits: Readonly<Record<string, string>>;
  /** How many gateways hold its circuit open. */
  readonly openCircuits: number;
  readonly health: NodeHealth;
}

export interface EndpointView {
  readonly id: string;
  readonly provider: string;
  readonly region: string;
  readonly targets: readonly TargetView[];
  /** Share of the requests of the last window this endpoint answered, 0..1. */
  readonly trafficShare: number;
  readonly health: NodeHealth;
  readonly faulted: boolean;
}

/** Traffic from one regional gateway to one provider endpoint over the last window. */
export interface LinkView {
  readonly gateway: string;
  readonly endpoint: string;
  /** Share of all requests served in the window, 0..1. */
  readonly share: number;
}

export interface PopulationView {
  readonly id: string;
  readonly region: string;
  readonly jurisdiction: string;
  readonly model: string;
  readonly ratePerS: number;
  /** Where this population's requests of the last window went, by gateway region, 0..1. */
  readonly toGateway: Readonly<Record<string, number>>;
}

export interface FaultView {
  readonly id: string;
  readonly fault: Fault;
  readonly kind: FaultKind;
  /** Virtual ms. */
  readonly injectedAt: number;
  readonly healedAt: number | null;
  readonly byUser: boolean;
}

export interface TimelineItem {
  /** Increases by one per item over the whole session, so the UI can append without duplicates. */
  readonly n: number;
  readonly t: number;
  readonly kind: "transition" | "fault" | "command";
  readonly text: string;
  readonly region: string;
}

/** One virtual second of traffic. */
export interface MetricsPoint {
  /** Start of the second, virtual ms. */
  readonly t: number;
  readonly requests: number;
  readonly errors: number;
  readonly p95Ms: number | null;
  readonly byGateway: Readonly<Record<string, number>>;
}

/**
 * `pending` while the metric cannot be measured yet (a fault not yet over, nothing served yet): the
 * expectation is neither met nor missed until it can.
 */
export type ExpectationStatus = "pass" | "fail" | "pending";

export interface ExpectationView {
  readonly text: string;
  readonly actual: number | null;
  readonly status: ExpectationStatus;
}

/** The seed article's four questions, answered from what has happened so far. */
export interface QuestionsView {
  readonly detection: readonly { readonly faultId: string; readonly kind: string; readonly detectionS: number | null; readonly rerouteS: number | null; readonly rtoS: number | null }[];
  readonly residency: { readonly violations: number; readonly rejected: number; readonly crossBorder: number };
  readonly inflight: { readonly failovers: number; readonly completed: number; readonly retried: number; readonly failed: number };
  readonly audit: { readonly entries: number; readonly perRegion: Readonly<Record<string, number>>; readonly gaps: number };
}

/** One region's way to its audit destination. */
export interface AuditBufferView {
  readonly region: string;
  /** Entries the region has written to its buffer (the buffer's head seq). */
  readonly written: number;
  /** Entries waiting in the region's buffer. */
  readonly depth: number;
  readonly state: "flushing" | "buffering";
  /** Longest time an entry has waited before reaching the destination so far, ms. */
  readonly flushLagMaxMs: number | null;
}

export interface AuditView {
  readonly pattern: "central" | "per-region";
  /** Pattern A: the region holding the canonical log. */
  readonly destination: string | null;
  /** The destination logs: the canonical log (A), or each region's log and the global log (B), which the inspector merges by time. */
  readonly logs: readonly string[];
  readonly onUnreachable: "buffer" | "fail-closed";
  readonly buffers: readonly AuditBufferView[];
}

/** One gateway's view of the identity provider: its cached keys and what it does with them. */
export interface IdentityGatewayView {
  readonly region: string;
  /** `empty` before the first refresh, `stale` while serving from a cache it cannot refresh. */
  readonly state: "empty" | "fresh" | "stale" | "fail-closed";
  /** Virtual ms since the keys and revocation list were last fetched; null while none are cached. */
  readonly cacheAgeMs: number | null;
  /** The identity provider region the cache was last filled from. */
  readonly source: string | null;
  /** Cut off from the identity provider by an active idp-partition. */
  readonly partitioned: boolean;
}

export interface IdentityView {
  readonly issuer: string;
  /** Regions the identity provider is served from, and which of them are down now. */
  readonly regions: readonly string[];
  readonly down: readonly string[];
  readonly onUnreachable: "cached" | "fail-closed";
  readonly maxStalenessS: number;
  readonly gateways: readonly IdentityGatewayView[];
  /** What caching cost so far, all regions together. */
  readonly cost: { readonly rejected: number; readonly rejectedUnreachable: number; readonly acceptedRevoked: number; readonly acceptedRotatedKey: number };
}

/** The gateways' OpenAI-compatible endpoint, which the host serves beside the UI. */
export interface GatewayApiView {
  /** One base URL per regional gateway of the loaded scenario, e.g. `http://127.0.0.1:8787/eu-west/v1`. */
  readonly baseUrls: readonly { readonly region: string; readonly url: string }[];
  /** The logical models a call may name. */
  readonly models: readonly string[];
  /** Calls from outside that reached the world in this run. */
  readonly calls: number;
  /** Why calls are answered 503 now (not playing), or null while they go through. */
  readonly refusal: string | null;
}

export interface LabSnapshot {
  readonly status: RunStatus;
  readonly scenario: { readonly name: string; readonly fileName: string; readonly description: string; readonly durationS: number; readonly seed: number } | null;
  readonly nowMs: number;
  readonly speed: number;
  /** Playing slower than `speed` because the host cannot simulate faster. */
  readonly behind: boolean;
  readonly director: { readonly mode: string; readonly layout: string; readonly state: string };
  readonly regions: readonly RegionView[];
  readonly endpoints: readonly EndpointView[];
  readonly links: readonly LinkView[];
  readonly populations: readonly PopulationView[];
  readonly faults: readonly FaultView[];
  readonly totals: { readonly requests: number; readonly ok: number; readonly errors: number; readonly rejected: number };
  readonly questions: QuestionsView;
  readonly expectations: readonly ExpectationView[];
  readonly chain: ChainStatus | null;
  readonly audit: AuditView | null;
  /** Null when the scenario has no identity provider: callers send no tokens and gateways check none. */
  readonly identity: IdentityView | null;
  /** Null when the host serves no OpenAI-compatible endpoint. */
  readonly gatewayApi: GatewayApiView | null;
  /** The last items of the timeline (bounded); `n` tells the UI which are new. */
  readonly timeline: readonly TimelineItem[];
  /** Per virtual second, the last minutes (bounded). */
  readonly metrics: readonly MetricsPoint[];
}

/** What the host pushes to the UI. */
export type HostMessage = { readonly type: "snapshot"; readonly snapshot: LabSnapshot } | { readonly type: "error"; readonly message: string };

/**
 * The typed API the UI sees, identical over both transports. One method per command, never a generic
 * invoke: a page can only ask for what this map names.
 */
export type LabApi = {
  readonly [K in CommandName]: (input: CommandInputs[K]) => Promise<CommandResults[K]>;
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
