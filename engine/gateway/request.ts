/** What enters the request pipeline and what leaves it. */
import type { ChatError, ChatMessage, ChatUsage } from "../chat";
import type { PolicyRecord, RequestRecord } from "../events";
import type { Jurisdiction } from "../scenario/schema";
import type { Target } from "../topology";

/** What an OpenAI client sent to a gateway's endpoint; absent for the simulated callers. */
export interface ChatCall {
  readonly messages: readonly ChatMessage[];
  readonly stream: boolean;
  /** The client asked for a last chunk with the usage. */
  readonly includeUsage: boolean;
  /** Aborts when the client goes away (or the session closes); its reason, a string, says which. */
  readonly signal?: AbortSignal;
}

/** A request as a caller sends it. Times in virtual ms. */
export interface CallerRequest {
  readonly id: string;
  readonly population: string;
  readonly originRegion: string;
  readonly jurisdiction: Jurisdiction;
  readonly model: string;
  readonly consent: boolean;
  readonly highRisk: boolean;
  readonly sentAt: number;
  /** The bearer token (a JWT), when the scenario has an identity provider. */
  readonly token?: string;
  readonly chat?: ChatCall;
}

/** What became of a request: its audit record, and for a call from an OpenAI client what it gets back. */
export interface HandledRequest {
  readonly record: RequestRecord;
  readonly answer?: Answer;
  /** The provider's own error, when the request itself was refused (context too long, content policy). */
  readonly providerError?: ChatError;
  /** Some chunks of the answer had reached the caller before it failed. */
  readonly streamed?: boolean;
}

/** A whole answer and the target that gave it (the last one, for an answer resumed after a cut stream). */
export interface Answer {
  readonly target: Target;
  readonly usage: ChatUsage | undefined;
  readonly text: string;
  readonly finishReason: string;
}

/** A refusal of the request before any target is tried, with the stage that refused it. */
export interface Rejection {
  readonly verdict: "reject";
  readonly by: "residency" | "audit";
  readonly reason: string;
  readonly policy: PolicyRecord;
}

/** The route policy allows: the candidates in order of preference. */
export interface Route {
  readonly verdict: "route";
  readonly candidates: readonly Target[];
  /** Why there are no candidates when every permitted target is at its rate limit. */
  readonly exhausted?: string;
  readonly policy: PolicyRecord;
  /** The jurisdictions policy allows; undefined when any may serve. */
  readonly allowed: ReadonlySet<Jurisdiction> | undefined;
}

/** What admission, policy and routing decided for a request. */
export type Decision = Rejection | Route;

/** The fields of a request's audit record that are known before the gateway does anything. */
export function recordBase(request: CallerRequest, gateway: string) {
  return {
    requestId: request.id,
    population: request.population,
    origin: { region: request.originRegion, jurisdiction: request.jurisdiction },
    model: request.model,
    consent: request.consent,
    highRisk: request.highRisk,
    sentAt: request.sentAt,
    gateway,
  };
}
