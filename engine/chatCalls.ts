/**
 * OpenAI-client calls to a scenario's gateways, made headless in virtual time: each call is sent at its
 * virtual instant and the run goes on until `runMs`. `npm run faults` and the gateway tests drive the
 * gateways' request-level conduct this way, deterministically, without a network or a wall clock.
 */
import type { ChatCompletionChunk, ChatOutcome } from "./chat";
import { VirtualClock } from "./clock";
import { seededRandom } from "./random";
import type { Scenario } from "./scenario/schema";
import { EngineSession } from "./session";

export interface ChatCallPlan {
  /** Virtual ms after the start. */
  readonly at: number;
  readonly region: string;
  /** The request body, as a client would send it. */
  readonly body: unknown;
}

export interface ChatCallResult {
  readonly outcome: ChatOutcome;
  /** The chunks a streaming call received, in order. */
  readonly chunks: readonly ChatCompletionChunk[];
  /** Virtual ms from the call to its first chunk, for a streamed call that got one: its time to first token. */
  readonly firstChunkMs: number | undefined;
  /** The answer's text as the caller assembled it. */
  readonly text: string;
  /** Completion requests each target (`provider@region/model`) had received when this call ended. */
  readonly seen: ReadonlyMap<string, number>;
}

export async function runChatCalls(scenario: Scenario, plans: readonly ChatCallPlan[], runMs: number): Promise<ChatCallResult[]> {
  const clock = new VirtualClock();
  const session = new EngineSession(scenario, { clock, random: seededRandom(scenario.seed) });
  session.start();
  const results = plans.map(
    ({ at, region, body }) =>
      new Promise<ChatCallResult>((resolve) => {
        clock.setTimeout(() => {
          const chunks: ChatCompletionChunk[] = [];
          let firstChunkMs: number | undefined;
          const sink = {
            chunk: (chunk: ChatCompletionChunk) => {
              firstChunkMs ??= clock.now() - at;
              chunks.push(chunk);
            },
          };
          void session.chat(region, body, sink).then((outcome) => {
            const text =
              outcome.kind === "completion"
                ? outcome.completion.choices[0].message.content
                : chunks.map((chunk) => chunk.choices.map((choice) => choice.delta.content ?? "").join("")).join("");
            resolve({ outcome, chunks, firstChunkMs, text, seen: new Map(session.providerCompletions) });
          });
        }, at);
      }),
  );
  try {
    await clock.runUntil(runMs);
    return await Promise.all(results);
  } finally {
    session.close();
    session.audit.close();
  }
}
