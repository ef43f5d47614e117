/**
 * What the OpenAI-compatible endpoint (`host/openaiServer.ts`) asks of the engine side: which regional
 * gateways and logical models there are, and to hand one call to a gateway. The host speaks HTTP and knows
 * nothing of scenarios; this side knows whether the world is playing, and says so instead of letting a
 * caller wait on a clock that does not move.
 */
import type { ChatOutcome, ChatSink } from "../chat";

export type { ChatCompletion, ChatCompletionChunk, ChatError, ChatMeta, ChatOutcome, ChatSink } from "../chat";

/** The regional gateways and logical models of the loaded scenario. */
export interface GatewayOffer {
  readonly scenario: string;
  readonly regions: readonly string[];
  /** Logical model ids, which is what a caller names in `model`. */
  readonly models: readonly string[];
}

/** A call the engine did not take, or gave up on: no scenario, or its world is not playing (HTTP 503). */
export interface Unavailable {
  readonly kind: "unavailable";
  readonly message: string;
}

export interface GatewayApiBackend {
  /** What the endpoint offers now, or why it offers nothing. */
  offer(): GatewayOffer | Unavailable;
  /**
   * Hands a call, its body still unchecked, to the named regional gateway (no traffic director). Streamed
   * chunks reach `sink` as the gateway releases them.
   */
  chat(region: string, body: unknown, sink: ChatSink): Promise<ChatOutcome | Unavailable>;
}

export const unavailable = (message: string): Unavailable => ({ kind: "unavailable", message });
