/**
 * What the host pushes to the UI: the snapshot of a run and its parts. Types only, re-exported by
 * `contract.ts`, which is what the renderer imports.
 */
import type { Fault, FaultKind } from "../scenario/schema";
import type { ChainStatus } from "./contract";

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
  /** What the graph counts on the gateway: its errors and refusals since the start, and the last window's share of them. */
  readonly unanswered: UnansweredView;
}

/** Requests that failed or were refused: counts since the start, and their share of the last window's requests. */
export interface UnansweredView {
  readonly errors: number;
  readonly refused: number;
  /** Of the requests of the last window, the share that failed or was refused, 0..1 (0 when there were none). */
  readonly recentShare: number;
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
  readonly jurisdiction: string;
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
  /** Of those, how many were served outside their caller's jurisdiction, by the lawful basis the policy recorded. */
  readonly crossBorder: { readonly consent: number; readonly transferMechanism: number };
}

export interface PopulationView {
  readonly id: string;
  readonly region: string;
  readonly jurisdiction: string;
  readonly model: string;
  readonly ratePerS: number;
  /** Where this population's requests of the last window went, by gateway region, 0..1. */
  readonly toGateway: Readonly<Record<string, number>>;
  readonly unanswered: UnansweredView;
}

export interface FaultView {
  readonly id: string;
  readonly fault: Fault;
  readonly kind: FaultKind;
  /** Virtual ms. */
  readonly injectedAt: number;
  readonly healedAt: number | null;
  readonly byUser: boolean;
  /** The region whose gateway this fault marks as faulted on the graph, if any. */
  readonly faultedGateway: string | null;
}

/** A fault of the scenario's own timeline, known from t = 0 whether or not it has happened yet. */
export interface ScheduledFaultView {
  /** The id the run gives it when it happens: `f1` for the file's first fault. */
  readonly id: string;
  readonly kind: FaultKind;
  /** Virtual ms. */
  readonly atMs: number;
  readonly healMs: number | null;
  /** What it does, in words. */
  readonly text: string;
}

export interface TimelineItem {
  /** Increases by one per item over the whole session, so the UI can append without duplicates. */
  readonly n: number;
  readonly t: number;
  readonly kind: "transition" | "fault" | "command";
  /** A fault or a command in words; a state change with the machines' ids (`transition` is for showing it). */
  readonly text: string;
  readonly region: string;
  /** A state change, which the UI words itself (renderer/stateLabels.ts); absent for faults and commands. */
  readonly transition?: TransitionView;
}

/** One machine's change of state in the engine's ids (`allServing`, `halfOpen`), for the UI to word. */
export interface TransitionView {
  readonly machine: string;
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  readonly cause: string;
}

/** One virtual second of traffic. */
export interface MetricsPoint {
  /** Start of the second, virtual ms. */
  readonly t: number;
  readonly requests: number;
  readonly errors: number;
  /** Refused by a gateway (identity, residency, audit fail-closed): not errors, yet not served either. */
  readonly refused: number;
  readonly p95Ms: number | null;
  readonly byGateway: Readonly<Record<string, number>>;
}

/**
 * `pending` while the metric cannot be measured yet (a fault not yet over, nothing served yet): the
 * expectation is neither met nor missed until it can.
 */
/**
 * `pass` and `fail` are decided: the run is over, or later seconds cannot change them. `holding`: the bound
 * is met so far but could still break. `pending`: no value yet, or a bound not reached yet.
 */
export type ExpectationStatus = "pass" | "fail" | "holding" | "pending";

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

/** A headless run's expected cost (engine/scenario/cost.ts): what the sweep and compare refuse above the bounds. */
export interface CostView {
  /** Expected requests of one run. */
  readonly requests: number;
  /** Expected wall-clock seconds of one headless run on the host. */
  readonly seconds: number;
  /** The most requests one run may send unless the command line's `--allow-large` allows more. */
  readonly runBound: number;
  /** `requests` is over `runBound`. */
  readonly overBound: boolean;
  /** The most requests a sweep's runs may send together. */
  readonly sweepBound: number;
}

export interface LabSnapshot {
  readonly status: RunStatus;
  readonly scenario: {
    readonly name: string;
    readonly fileName: string;
    readonly description: string;
    readonly durationS: number;
    readonly seed: number;
    /** What one headless run of the scenario, as its file says, is expected to cost on the host. */
    readonly cost: CostView;
  } | null;
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
  /** A finished run that sent no request: what its expectations amount to, in the report's words; null otherwise. */
  readonly vacuousRun: string | null;
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
  // Time travel: what the scrubber draws besides the timeline.
  /** The scenario's fault schedule, from t = 0. */
  readonly scheduledFaults: readonly ScheduledFaultView[];
  /** Virtual ms a rewind is fast-forwarding to while it does; null otherwise. */
  readonly seekingTo: number | null;
  /** Why *Export evidence* would be refused now, in the engine's words; null when it would write a bundle. */
  readonly evidenceRefusal: string | null;
  /** The lesson being played; null in free play. */
  readonly lesson: LessonView | null;
}

/** A lesson of the library, as its list shows it; a file that does not validate is listed with its first problem. */
export interface LessonListing {
  readonly file: string;
  readonly title: string;
  readonly durationMin: number | null;
  readonly steps: number;
  readonly valid: boolean;
  readonly problem: string | null;
}

export interface LessonView {
  readonly fileName: string;
  readonly title: string;
  readonly goals: readonly string[];
  readonly durationMin: number;
  readonly steps: readonly { readonly id: string; readonly title: string; readonly revealed: boolean }[];
  readonly stepIndex: number;
  readonly step: LessonStepView;
  /** Why time cannot go on now (a task to do, the pause), or null. */
  readonly held: string | null;
  readonly score: LessonScore;
  /** Every step is revealed: the scorecard is complete. */
  readonly complete: boolean;
}

export interface LessonScore {
  readonly correct: number;
  /** Questions revealed so far, of `total`. */
  readonly revealed: number;
  readonly total: number;
}

export interface LessonStepView {
  readonly id: string;
  readonly title: string;
  /** Markdown. */
  readonly narrative: string;
  readonly tasks: readonly LessonTaskView[];
  /** Where time stops for the questions (a time, a transition plus some seconds, or the run's end when both are null), and whether the run stands there. */
  readonly pause: {
    readonly atS: number | null;
    readonly on: { readonly machine: string; readonly subject: string | null; readonly to: string; readonly afterS: number } | null;
    readonly reached: boolean;
  };
  readonly questions: readonly LessonQuestionView[];
  readonly revealed: boolean;
}

export type LessonTaskView =
  | { readonly kind: "inject"; readonly text: string; readonly atS: number; readonly done: boolean; readonly due: boolean }
  | { readonly kind: "choose"; readonly text: string; readonly field: string; readonly options: readonly (string | number)[]; readonly chosen: string | number; readonly open: boolean };

export interface LessonQuestionView {
  readonly id: string;
  readonly kind: "number" | "choice";
  readonly prompt: string;
  readonly unit: string;
  readonly hints: readonly string[];
  /** A choice's options, in order; empty for a number. */
  readonly options: readonly string[];
  /** The participant's answer: a number, or an option's index. */
  readonly answer: number | null;
  readonly reveal: LessonRevealView | null;
}

export interface LessonRevealView {
  /** Null when the run could not answer the question (the lesson's defect, said in `rightAnswer`). */
  readonly correct: boolean | null;
  /** "12 s (accepted 7 to 17)", the right option's text, or why the run has no answer. */
  readonly rightAnswer: string;
  /** The lesson's explanation with this run's figures in it. */
  readonly explanation: string;
}

/** One metric's distribution over a sweep's runs; `missing`: runs without a value (no fault detected, say). */
export interface SweepMetricView {
  readonly metric: string;
  readonly count: number;
  readonly missing: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** The metric's quantiles at evenly spaced fractions from 0 to 1: its ECDF read sideways, for a chart. */
  readonly ecdf: readonly number[];
}

export interface SweepExpectationView {
  readonly expectation: string;
  readonly runs: number;
  readonly passed: number;
  /** 0..1 */
  readonly passRate: number;
}

/** A seed where some expectation failed, the expectations it failed, and the command that replays it. */
export interface SweepFailingSeed {
  readonly seed: number;
  readonly failed: readonly string[];
  readonly command: string;
}

/** The loaded scenario swept over a range of seeds, as `failover-lab sweep` aggregates it. */
export interface SweepView {
  readonly fileName: string;
  readonly seeds: { readonly from: number; readonly to: number };
  readonly runs: number;
  /** Metrics with values, headline ones (detection, reroute, RTO, errors, refusals) first. */
  readonly metrics: readonly SweepMetricView[];
  /** Metrics no run had a value for. */
  readonly withoutValues: readonly string[];
  readonly residencyViolations: number;
  readonly expectations: readonly SweepExpectationView[];
  /** In seed order; each command names the library file's path, or `fileName` alone when `replayText` is set. */
  readonly failing: readonly SweepFailingSeed[];
  /** The text the sweep ran when it is not a library file as it stands on disk: saved as `fileName`, the commands replay it. */
  readonly replayText?: string;
}
