/**
 * The answer a request is assembling across its attempts, and each attempt's reading of a provider's
 * stream: checked event by event, restamped as the gateway's one completion, forwarded to the caller.
 */
import type { ChatCompletionChunk, ChatSink, ChatUsage } from "../chat";
import type { Clock } from "../clock";
import type { StreamHoldback } from "../scenario/sections/gateway";
import type { Target } from "../topology";
import { HoldBack } from "./holdBack";
import type { CallerRequest } from "./request";

/**
 * The answer as far as it has come: its text across attempts (a resumed stream adds to it), and how many
 * chunks reached the caller, the start held back as `gateway.stream_holdback` says. Each attempt reads the
 * provider's events through {@link AnswerReading}.
 */
export class AnswerSoFar {
  text = "";
  /** Chunks, and characters of content, that reached the caller. */
  forwarded = 0;
  forwardedCharacters = 0;
  private roleSent = false;
  private readonly holdBack: HoldBack<ChatCompletionChunk>;

  constructor(
    private readonly request: CallerRequest,
    holdBack: StreamHoldback,
    private readonly clock: Clock,
  ) {
    this.holdBack = new HoldBack(holdBack);
  }

  /** Chunks reached the caller: the answer can only go on where a target continues it from a prefill. */
  get mustContinue(): boolean {
    return this.forwarded > 0 && this.text !== "";
  }

  beginAttempt(target: Target, resume: boolean): AnswerReading {
    // A fresh start discards what an earlier attempt assembled; only chunks already sent are kept.
    if (!resume) this.text = "";
    return new AnswerReading(this, target, this.request);
  }

  /** Passes a checked chunk on, or holds it back while the answer's start is held. */
  forward(chunk: ChatCompletionChunk, sink: ChatSink | undefined): void {
    if (!sink) return;
    for (const out of this.holdBack.take(chunk, this.clock.now())) this.send(out, sink);
  }

  /** The answer is whole: the chunks still held go out. */
  finish(sink: ChatSink | undefined): void {
    if (sink) for (const out of this.holdBack.release()) this.send(out, sink);
  }

  /** The attempt failed: chunks it had held never reach the caller, so the answer can restart anywhere. */
  attemptFailed(): void {
    this.holdBack.discard();
  }

  /** Sends a chunk, restamped as the gateway's one completion with one role. */
  private send(chunk: ChatCompletionChunk, sink: ChatSink): void {
    const choices = chunk.choices.map((choice) => {
      if (choice.delta.role === undefined) return choice;
      if (!this.roleSent) {
        this.roleSent = true;
        return choice;
      }
      const { role: _role, ...delta } = choice.delta;
      return { ...choice, delta };
    });
    sink.chunk({ ...chunk, id: `chatcmpl-${this.request.id}`, choices });
    this.forwarded++;
    for (const choice of choices) this.forwardedCharacters += choice.delta.content?.length ?? 0;
  }
}

/** One attempt's reading of a provider stream: checks each event, assembles the text, forwards to the caller. */
export class AnswerReading {
  finishReason: string | undefined;
  usage: ChatUsage | undefined;

  constructor(
    private readonly answer: AnswerSoFar,
    private readonly target: Target,
    private readonly request: CallerRequest,
  ) {}

  /** Takes one event; throws on one that is not a chunk. Answers whether it carried content. */
  take(event: unknown, sink: ChatSink | undefined): boolean {
    const chunk = event as Partial<ChatCompletionChunk> | null;
    if (typeof chunk !== "object" || chunk === null || !Array.isArray(chunk.choices)) throw new Error("an event without choices");
    let content = "";
    for (const choice of chunk.choices) {
      const delta = (choice as { delta?: { content?: unknown } }).delta;
      if (typeof delta !== "object" || delta === null || (delta.content !== undefined && delta.content !== null && typeof delta.content !== "string"))
        throw new Error("a choice without a valid delta");
      if (typeof delta.content === "string") content += delta.content;
      if (typeof choice.finish_reason === "string") this.finishReason = choice.finish_reason;
    }
    if (chunk.usage) this.usage = chunk.usage;
    this.answer.text += content;
    const wanted = chunk.choices.length > 0 || this.request.chat?.includeUsage === true;
    if (wanted) this.answer.forward({ id: "", object: "chat.completion.chunk", created: chunk.created ?? 0, model: chunk.model ?? this.target.model, choices: chunk.choices, ...(chunk.usage ? { usage: chunk.usage } : {}) }, sink);
    return content.length > 0;
  }
}
