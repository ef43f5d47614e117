/**
 * The app's one channel between the UI and the engine host, whichever carries it (Electron IPC or the
 * browser-mode WebSocket). A fixed map of commands, each with a zod schema for its payload that the host
 * checks before anything reaches the engine, and the shape of what the host pushes back.
 *
 * This module is the renderer's only runtime import from `engine/`: it must stay free of Node modules
 * (it imports zod and the scenario schema, nothing else).
 */
import { z } from "zod";
import type { FaultMenuEntry } from "../faults/menu";
import { faultKinds, type Fault, type FaultKind, type FaultSpec } from "../scenario/schema";

/** Faults a user injects: the scenario's fault kinds without their timing, which the host takes from the clock. */
const withoutTiming = { at_s: true, heal_s: true } as const;
const faultSpecSchema = z.discriminatedUnion(
  "kind",
  faultKinds.map((kind) => (kind as z.ZodObject).omit(withoutTiming)) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
export type { FaultSpec };
export { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS, REQUEST_FAULT_LABELS } from "../scenario/schema";
export type { FaultMenuEntry, FaultMenuParam, FaultMenuTarget } from "../faults/menu";

const none = z.strictObject({});
/** An audit store's name: `canonical`, `global`, `region:<id>` or `buffer:<id>`; absent means the inspected log. */
const storeName = z.string().regex(/^(canonical|global|(region|buffer):[a-z0-9][a-z0-9-]{0,62})$/, "must name an audit store, e.g. canonical or buffer:eu-west");
const requestId = z.string().min(1).max(200);

export const auditFilterSchema = z.strictObject({
  region: z.string().min(1).max(64).optional(),
  requestId: requestId.optional(),
  kind: z.enum(["request", "transition", "fault", "run"]).optional(),
  outcome: z.enum(["ok", "error", "rejected"]).optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Largest page of audit entries one call returns: the renderer holds a window of the log, never all of it. */
export const AUDIT_PAGE_LIMIT = 500;
export const MIN_SPEED = 1;
export const MAX_SPEED = 100;

/** Every command the UI can send, with the schema its payload must pass. */
export const commandSchemas = {
  /** The current snapshot, for a page that subscribed after the host last pushed. */
  getSnapshot: none,
  listScenarios: none,
  loadScenario: z.discriminatedUnion("source", [
    z.strictObject({ source: z.literal("library"), name: z.string().regex(/^[a-z0-9][a-z0-9-]*\.ya?ml$/, "must be a file name in scenarios/") }),
    z.strictObject({ source: z.literal("text"), fileName: z.string().min(1).max(255), text: z.string().max(1_000_000) }),
  ]),
  play: none,
  pause: none,
  step: none,
  /** Fast-forwards (unpaced) to a later virtual time: the scrubber's "run to here". */
  runTo: z.strictObject({ ms: z.int().min(0).max(7 * 86_400_000) }),
  setSpeed: z.strictObject({ speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }),
  reset: none,
  injectFault: z.strictObject({ fault: faultSpecSchema }),
  heal: z.strictObject({ faultId: z.string().regex(/^[fu]\d{1,6}$/, "must be a fault id such as u1") }),
  saveScenario: none,
  exportReport: none,
  auditPage: z.strictObject({
    filter: auditFilterSchema,
    offset: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.int().min(1).max(AUDIT_PAGE_LIMIT),
  }),
  auditEntry: z.strictObject({ seq: z.int().min(1), store: storeName.optional() }),
  /** An RFC 6962 inclusion proof of one entry of the inspected log, checked against the log's current root. */
  auditProof: z.strictObject({ seq: z.int().min(1), store: storeName.optional() }),
  verifyChain: none,
  /** Writes a signed evidence bundle of a finished run (see `npm run verify`). */
  exportEvidence: none,
  /** The fault menus' entries, one per way to inject a fault: the renderer draws its menus from them. */
  faultCatalog: none,
} as const;

export type CommandName = keyof typeof commandSchemas;
export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];
export type CommandInput<K extends CommandName> = z.input<(typeof commandSchemas)[K]>;

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
  faultCatalog: { readonly entries: readonly FaultMenuEntry[] };
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

export interface ExpectationView {
  readonly text: string;
  readonly actual: number | null;
  readonly pass: boolean;
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
  readonly [K in CommandName]: (input: CommandInput<K>) => Promise<CommandResults[K]>;
} & {
  readonly subscribe: (listener: (message: HostMessage) => void) => () => void;
};

/** A reply over a message transport: the result, or an error message naming what was wrong. */
export type CommandReply<K extends CommandName = CommandName> = { readonly ok: true; readonly result: CommandResults[K] } | { readonly ok: false; readonly error: string };

/**
 * Checks a payload against its command's schema. Returns the parsed input, or an error naming the
 * command and the field. Unknown command names are rejected here too.
 */
export function parseCommand(name: unknown, payload: unknown): { ok: true; name: CommandName; input: unknown } | { ok: false; error: string } {
  if (typeof name !== "string" || !Object.hasOwn(commandSchemas, name)) return { ok: false, error: `unknown command ${JSON.stringify(name)}` };
  const command = name as CommandName;
  const result = commandSchemas[command].safeParse(payload ?? {});
  if (result.success) return { ok: true, name: command, input: result.data };
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(payload)"}: ${issue.message}`);
  return { ok: false, error: `invalid ${command} payload: ${problems.join("; ")}` };
}

/** Payload types after validation (defaults filled in). */
export type CommandPayload<K extends CommandName> = z.output<(typeof commandSchemas)[K]>;

/** The engine side of the channel: what Electron's main process and the browser-mode host both serve. */
export interface LabBackend {
  execute<K extends CommandName>(name: K, input: CommandPayload<K>): Promise<CommandResults[K]>;
  subscribe(listener: (message: HostMessage) => void): () => void;
}

/**
 * Validates an untrusted command and runs it. Never throws: a bad name or payload, or an engine error,
 * comes back as `{ ok: false, error }` and the engine is not touched by a payload that failed validation.
 */
export async function serveCommand(backend: LabBackend, name: unknown, payload: unknown): Promise<CommandReply> {
  const parsed = parseCommand(name, payload);
  if (!parsed.ok) return parsed;
  try {
    const result = await backend.execute(parsed.name, parsed.input as never);
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
