/**
 * What the OpenAI-compatible endpoint (`host/openaiServer.ts`) asks of the engine side: which regional
 * gateways and logical models there are, and to hand one call to a gateway. The host speaks HTTP and knows
 * nothing of scenarios; this side knows whether the world is playing, and says so instead of letting a
 * caller wait on a clock that does not move.
 */
import type { ChatOutcome, ChatSink } from "../chat";
import type { GatewayApiView, RunStatus } from "./contract";
import type { Run } from "./run";

export type { ChatCompletion, ChatCompletionChunk, ChatMeta, ChatOutcome, ChatSink } from "../chat";

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
   * chunks reach `sink` as the gateway releases them. `signal` aborts when the client goes away, with the
   * reason as a string: the gateway stops and audits the call as cancelled.
   */
  chat(region: string, body: unknown, sink: ChatSink, signal?: AbortSignal): Promise<ChatOutcome | Unavailable>;
}

export const unavailable = (message: string): Unavailable => ({ kind: "unavailable", message });

/** What a run whose world does not move says to a call from outside, by its status. */
const NOT_PLAYING: Record<Exclude<RunStatus, "playing">, string> = {
  empty: "no scenario is loaded: open one from the library in the app",
  ready: "the scenario has not started: press play, and calls go through its gateways while it plays",
  paused: "scenario paused: press play, and calls go through its gateways while it plays",
  finished: "the scenario has reached its end: reset it and press play to send calls through its gateways again",
};

/** Why a call from outside is answered 503 now, or null while the world plays. */
function refusal(run: Run | undefined): string | null {
  const status = run?.status ?? "empty";
  return status === "playing" ? null : NOT_PLAYING[status];
}

/**
 * The OpenAI endpoint's backend: an adapter over whichever run the lab holds now, beside the command
 * table rather than part of it. A call goes through only while the world plays: a paused clock would hold
 * it without end.
 */
export class RunGatewayApi implements GatewayApiBackend {
  constructor(private readonly currentRun: () => Run | undefined) {}

  offer(): GatewayOffer | Unavailable {
    const run = this.currentRun();
    if (!run) return unavailable(NOT_PLAYING.empty);
    const { topology } = run.scenario;
    return { scenario: run.scenario.name, regions: topology.regions.map((r) => r.id), models: topology.models.map((m) => m.id) };
  }

  async chat(region: string, body: unknown, sink: ChatSink, signal?: AbortSignal): Promise<ChatOutcome | Unavailable> {
    const run = this.currentRun();
    const why = refusal(run);
    if (why !== null || !run) return unavailable(why ?? NOT_PLAYING.empty);
    return run.chat(region, body, sink, signal);
  }

  /** What the UI shows of the endpoint served at `origin`. */
  view(origin: string): GatewayApiView {
    const offer = this.offer();
    return {
      baseUrls: "kind" in offer ? [] : offer.regions.map((region) => ({ region, url: `${origin}/${region}/v1` })),
      models: "kind" in offer ? [] : offer.models,
      calls: this.currentRun()?.externalCalls ?? 0,
      refusal: refusal(this.currentRun()),
    };
  }
}
