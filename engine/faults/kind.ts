/**
 * What one fault kind declares, in one file per kind (`engine/faults/<kind>.ts`): its schema, its reference
 * checks, how it reads, where it belongs, what it touches and what detects it, how it acts on the simulated
 * world and its menu entries. `registry.ts` lists the kinds; everything else asks the registry.
 */
import { z } from "zod";
import type { AttemptRecord, RequestRecord, TransitionEvent } from "../events";
import { seconds } from "../scenario/sections/fields";
import type { FaultMenuOffer } from "./menu";
import type { RequestFaultClass } from "./requestFaultClasses";

/** The timing every fault has. */
export const timing = {
  at_s: seconds(7 * 86_400).describe("Seconds from the start of the run"),
  heal_s: seconds(7 * 86_400).optional().describe("When the fault heals; absent means never"),
};

/** What a fault's reference checks may know of the scenario. */
export interface FaultCheckContext {
  readonly regions: ReadonlySet<string>;
  /** Per provider id, the models it deploys and the regions it is deployed in. */
  readonly providers: ReadonlyMap<string, { readonly models: ReadonlySet<string>; readonly regions: ReadonlySet<string> }>;
  readonly populations: ReadonlySet<string>;
  /** Where audit entries go: one canonical log (central) or a log per region. */
  readonly auditPattern: "central" | "per-region";
  /** The identity provider's regions; undefined without an identity section. */
  readonly identityRegions: readonly string[] | undefined;
}

/** A problem with one field of a fault. */
export interface FaultIssue {
  readonly field: string;
  readonly message: string;
}

export type StatusPageState = "operational" | "degraded_performance" | "partial_outage" | "major_outage";

/** How a request-level fault makes a provider answer one completion request. */
export interface RequestMisbehaviour {
  readonly class: RequestFaultClass;
  readonly retry_after_s: number;
  readonly first_token_ms: number;
  readonly after_chunks: number;
}

/**
 * The questions the simulated world asks of the faults in force; the FaultBook asks every active fault
 * that answers one. A new way of acting on the world is a new hook here, answered by the kinds it concerns.
 */
export interface WorldHooks<F> {
  /** How the endpoint of `provider` in `region` misbehaves as a whole; the first fault answering wins. */
  regionOutage?(fault: F, provider: string, region: string): "error-503" | "no-response" | undefined;
  modelDown?(fault: F, provider: string, region: string, model: string): boolean;
  /** Extra round-trip latency on the path between two regions (either direction), ms; faults add up. `elapsedMs` since the fault began. */
  pathLatencyMs?(fault: F, a: string, b: string, elapsedMs: number): number;
  /** The network drops every packet between the two regions (either direction). */
  pathCut?(fault: F, a: string, b: string): boolean;
  /** How many times its usual time the endpoint takes to answer a model; factors multiply. */
  serviceTimeFactor?(fault: F, provider: string, region: string, model: string): number;
  /** How many times its stated rate a caller population sends at; factors multiply. */
  arrivalRateFactor?(fault: F, population: string): number;
  /** An injected error rate on an endpoint; each applies independently. */
  errorRate?(fault: F, provider: string, region: string): { rate: number; status: number } | undefined;
  /** How this completion request misbehaves, given how many the fault has taken so far; the first fault answering takes it. */
  requestMisbehaviour?(fault: F, provider: string, region: string, model: string, taken: number): RequestMisbehaviour | undefined;
  gatewayDown?(fault: F, region: string): boolean;
  /** The region cannot reach its audit destination. */
  auditUnreachable?(fault: F, region: string): boolean;
  /** The region's gateway cannot reach the identity provider in any region. */
  idpPartitioned?(fault: F, region: string): boolean;
  /** The identity provider's deployment in the region does not answer. */
  idpDown?(fault: F, region: string): boolean;
  /** The identity provider signs with a new key and drops the old one, once, when the fault begins. */
  rotatesSigningKey?(fault: F): boolean;
  /** The identity provider revokes the tokens this population holds, once, when the fault begins. */
  revokedPopulation?(fault: F): string | undefined;
  /** What a provider's status page shows for the region while it acknowledges this fault. */
  statusPage?(fault: F, provider: string, region: string): StatusPageState | undefined;
}

/** Which requests, attempts and state changes a fault is about: the drill report measures it with these. */
export interface ImpactHooks<F> {
  /** The attempt went to (or across) the faulted component. Absent: none does. */
  attemptHits?(fault: F, attempt: AttemptRecord, record: RequestRecord): boolean;
  /** The request depended on the faulted component. Absent: one of its attempts hit it. */
  requestTouches?(fault: F, record: RequestRecord): boolean;
  /**
   * The refusal the caller got (`record.outcome` is `rejected`) was this fault's doing: a token that could not
   * be checked, an audit entry that could not be made durable, no lawful destination left. A refusal is a
   * failure the caller sees, so it counts towards the fault's RTO. Absent: the fault refuses nothing.
   */
  refuses?(fault: F, record: RequestRecord): boolean;
  /** The traffic director withdrawing `region` shows the fault was noticed. */
  withdrawalDetects?(fault: F, region: string): boolean;
  /** An alarmed transition (open, unhealthy, degraded, failed, buffering) of a circuit, target, gateway or audit machine detects it; `target` is the `provider@region/model` of a per-target machine. */
  alarmDetects?(fault: F, event: TransitionEvent, target: string | undefined): boolean;
  /** A gateway's token cache noticed it. */
  identityDetects?(fault: F, event: TransitionEvent): boolean;
}

/**
 * What the engine asks of one fault kind. Methods (not function properties), so a kind's module is usable
 * where a fault of any kind is: the registry picks the module by the fault's kind.
 */
export interface FaultKindModule<F extends { readonly kind: string; readonly at_s: number; readonly heal_s?: number | undefined }> {
  readonly kind: F["kind"];
  /** Happens at an instant (the identity provider acts once) rather than holds until healed. */
  readonly instant: boolean;
  /** Cross-references the schema cannot express; fields as named in the fault. */
  references(fault: F, context: FaultCheckContext): FaultIssue[];
  /** One line naming the fault for people: the drill summary, the app's timeline and audit inspector. */
  describe(fault: Omit<F, "at_s" | "heal_s">): string;
  /** The region the fault belongs to in the audit log; `global` for none. */
  region(fault: F): string;
  /** The region whose gateway the app draws as faulted while this fault holds. Absent: none. */
  faultedGateway?(fault: F): string;
  readonly world: WorldHooks<F>;
  readonly impact: ImpactHooks<F>;
  /** Its entries in the app's fault menus. */
  readonly menu: readonly FaultMenuOffer[];
}

/** Declares a kind with its schema (with the shared {@link timing}), its fault type inferred from the schema. */
export function defineFault<S extends z.ZodType<{ readonly kind: string; readonly at_s: number; readonly heal_s?: number | undefined }>>(
  module: { readonly schema: S } & FaultKindModule<z.output<S>>,
): FaultKindModule<z.output<S>> & { readonly schema: S } {
  return module;
}
