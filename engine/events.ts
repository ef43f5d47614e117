/**
 * What the engine tells the world. Every state change is an event with its virtual time and cause; the
 * audit log, the drill report and the UI all consume the same events rather than re-deriving state.
 */
import type { Fault } from "./scenario/schema";

/** A state machine moved. `subject` names what it is about, e.g. `eu-west→openai-sim@eu-west/gpt-4o`. */
export interface TransitionEvent {
  readonly type: "transition";
  /** Virtual ms since run start. */
  readonly t: number;
  readonly machine: "circuit" | "target-health" | "gateway" | "director" | "audit" | "identity" | "identity-provider";
  /** Region the event belongs to in the audit log. */
  readonly region: string;
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  readonly cause: string;
}

export interface FaultEvent {
  readonly type: "fault";
  readonly t: number;
  readonly action: "inject" | "heal";
  readonly region: string;
  readonly faultId: string;
  readonly fault: Fault;
}

/** A request finished (served, failed or rejected); the full record is in the audit log. */
export interface RequestEvent {
  readonly type: "request";
  readonly t: number;
  readonly region: string;
  readonly record: RequestRecord;
}

export type LabEvent = TransitionEvent | FaultEvent | RequestEvent;

export interface AttemptRecord {
  readonly target: string;
  readonly region: string;
  /** Virtual ms since run start when the attempt was sent. */
  readonly startedAt: number;
  readonly ms: number;
  /** HTTP status, or 0 when no response arrived (timeout, reset). */
  readonly status: number;
  readonly error?: string;
  /** The attempt continued a streamed answer that broke off, from this many characters (an assistant prefill). */
  readonly resumedFrom?: number;
}

export interface PolicyRecord {
  readonly allowed: readonly string[];
  readonly crossBorder: boolean;
  /** Why serving outside the origin's allowed jurisdictions was permitted: consent, or the transfer mechanism. */
  readonly basis?: string;
  readonly reasons: readonly string[];
}

/** Why a gateway refused a token (or every token, when it could not trust its cached keys). */
export type IdentityRejection = "missing" | "malformed" | "signature" | "unknown-key" | "expired" | "audience" | "issuer" | "revoked" | "idp-unreachable";

/**
 * What the gateway's token validation found. Only the token's identifiers are recorded, never the token:
 * for a rejected token they are what it claims, unverified.
 */
export interface IdentityRecord {
  readonly kid: string | null;
  readonly jti: string | null;
  readonly subject: string | null;
  readonly verdict: "accepted" | "rejected";
  readonly rejection?: IdentityRejection;
  /** Age of the keys and revocation list the token was checked against, virtual ms; null when none were cached. */
  readonly cacheAgeMs: number | null;
}

/** What of an answer reached its caller: chunks, and characters of their content. */
export interface SentToCaller {
  readonly chunks: number;
  readonly characters: number;
}

export interface RequestRecord {
  readonly requestId: string;
  readonly population: string;
  readonly origin: { readonly region: string; readonly jurisdiction: string };
  readonly model: string;
  readonly consent: boolean;
  readonly highRisk: boolean;
  /** Virtual ms since run start when the caller sent the request. */
  readonly sentAt: number;
  /** The regional gateway the traffic director sent it to. */
  readonly gateway: string;
  readonly policy: PolicyRecord | null;
  readonly attempts: readonly AttemptRecord[];
  /**
   * `cancelled`: the caller gave up before the answer was whole (an OpenAI client closed its connection, or
   * the session closed), and the gateway stopped: no further attempt, no fallback.
   */
  readonly outcome: "ok" | "error" | "rejected" | "cancelled";
  /** What a cancelled call's caller had been sent before it went. */
  readonly sent?: SentToCaller;
  /**
   * What a rejection enforced: token validation, residency policy, the audit policy's fail-closed, or the
   * gateway's own limit on requests in flight (`capacity`, engine/gateway/overload.ts).
   */
  readonly rejectedBy?: "identity" | "residency" | "audit" | "capacity";
  /** Present when the scenario has an identity section: the token check, which comes before everything else. */
  readonly identity?: IdentityRecord;
  readonly reason?: string;
  readonly servedBy?: { readonly target: string; readonly model: string; readonly region: string; readonly jurisdiction: string };
  readonly latencyMs: number;
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number };
}

export type Listener = (event: LabEvent) => void;

/** Synchronous fan-out; listeners run in subscription order so consumers see one consistent order. */
export class EventBus {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: LabEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
