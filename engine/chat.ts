/**
 * The OpenAI chat-completions wire format, as far as Failover Lab speaks it: what a caller may send to a
 * regional gateway's `/v1/chat/completions`, and what comes back (a completion, a stream of chunks, or an
 * error). The engine validates a body here before any gateway sees it, so the HTTP host never needs to know
 * the format beyond JSON and Server-Sent Events.
 */
import { z } from "zod";
import type { RequestRecord } from "./events";

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });

export const chatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(textPart), z.null()]),
});

/** The fields the gateway reads; anything else a client sends (temperature, tools, …) is passed over. */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z.array(chatMessageSchema).min(1).max(10_000),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.int().min(1).max(1_000_000).nullish(),
  max_completion_tokens: z.int().min(1).max(1_000_000).nullish(),
});

export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export interface ChatUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

export interface ChatCompletion {
  readonly id: string;
  readonly object: "chat.completion";
  readonly created: number;
  /** The provider model that actually answered, which after a failover is not the one asked for. */
  readonly model: string;
  readonly choices: readonly [{ readonly index: 0; readonly message: { readonly role: "assistant"; readonly content: string }; readonly finish_reason: string }];
  readonly usage: ChatUsage;
}

export interface ChatCompletionChunk {
  readonly id: string;
  readonly object: "chat.completion.chunk";
  readonly created: number;
  readonly model: string;
  readonly choices: readonly { readonly index: 0; readonly delta: { readonly role?: "assistant"; readonly content?: string }; readonly finish_reason: string | null }[];
  readonly usage?: ChatUsage | null;
}

/** OpenAI's error body: `{ "error": { … } }` with an HTTP status. */
export interface ChatError {
  readonly message: string;
  readonly type: "invalid_request_error" | "server_error" | "rate_limit_error" | "not_found_error";
  readonly param: string | null;
  readonly code: string | null;
}

/** Where a streaming call's chunks go, as soon as the gateway has checked each one. */
export interface ChatSink {
  chunk(chunk: ChatCompletionChunk): void;
}

/** What a gateway tells the host about the request, for response headers. */
export interface ChatMeta {
  readonly requestId: string;
  /** Provider attempts the gateway made, failed ones included. */
  readonly attempts: number;
  /** Virtual ms from arrival to the outcome. */
  readonly elapsedMs: number;
  /** `provider@region/model` of the target that answered, when one did. */
  readonly servedBy?: string;
}

export type ChatOutcome =
  /** A non-streaming call answered. */
  | { readonly kind: "completion"; readonly completion: ChatCompletion; readonly meta: ChatMeta; readonly record: RequestRecord }
  /** A streaming call whose chunks all reached the sink, the last one with `finish_reason`; the host ends with `data: [DONE]`. */
  | { readonly kind: "stream-complete"; readonly meta: ChatMeta; readonly record: RequestRecord }
  /**
   * No whole answer. When `streamed` is true some chunks already reached the sink: the host sends the error
   * as a last SSE event and closes without `[DONE]`, so no client mistakes the partial answer for a whole one.
   */
  | { readonly kind: "error"; readonly status: number; readonly error: ChatError; readonly streamed: boolean; readonly meta: ChatMeta; readonly record: RequestRecord | null };

/** Checks a parsed JSON body; a failure names the first offending field as OpenAI's `param` does (`messages[0].role`). */
export function parseChatRequest(body: unknown): { ok: true; request: ChatRequest } | { ok: false; error: ChatError } {
  const parsed = chatRequestSchema.safeParse(body);
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0]!;
  const param = issue.path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), "");
  return { ok: false, error: { message: param ? `${param}: ${issue.message}` : issue.message, type: "invalid_request_error", param: param || null, code: null } };
}

/** The text of a message, however the client shaped it. */
export function messageText(message: ChatMessage): string {
  if (typeof message.content === "string") return message.content;
  return (message.content ?? []).map((part) => part.text).join("");
}
