/**
 * The simulated world the gateways talk to over real `fetch` (or, in a headless drill, the direct transport): providers answering OpenAI-style chat
 * completions and readiness probes in each region, their status pages (which lag), and the readiness
 * endpoints of the regional gateways that the traffic director checks. Latency, errors and outages follow
 * the virtual clock and the faults in the {@link FaultBook}.
 */
import { messageText, type ChatMessage, type ChatUsage } from "../chat";
import type { Clock } from "../clock";
import type { IdentityProvider } from "../identity/provider";
import type { Random } from "../random";
import type { ReadinessReport } from "../readiness";
import type { Scenario } from "../scenario/schema";
import type { Endpoint, Topology } from "../topology";
import { FROM_REGION_HEADER, WORK_HEADER } from "../labHeaders";
import type { RequestMisbehaviour } from "../faults/kind";
import type { FaultBook } from "../faults/book";
import type { Transport } from "../http";
import { attachWorld, reply, type SimulatedAnswer, type SimulatedHost, type SimulatedRequest } from "./transport";


/** What a gateway reports on its readiness endpoint; the engine supplies it. */
export type GatewayReadiness = (region: string) => ReadinessReport;

/** Time a provider takes to send an error response once the request arrived, ms. */
const ERROR_SERVICE_MS = 5;
/**
 * The longest an endpoint takes to answer, ms: the longest run a scenario may describe (7 days), so an answer
 * held this long is never seen and the figure stays finite however many slowdowns multiply (a timer's delay
 * must be finite, engine/clock.ts).
 */
const MAX_SERVICE_MS = 7 * 86_400_000;
/** Share of a streamed answer's service time spent before its first token. */
const FIRST_TOKEN_SHARE = 0.3;

/** Completion requests each target has received, by `provider@region/model`: what the provider saw. */
export type CompletionCounts = ReadonlyMap<string, number>;

/** Tokens are counted the usual rough way, four characters each. */
function promptTokens(messages: readonly ChatMessage[]): number {
  return Math.max(1, Math.round(messages.reduce((n, m) => n + messageText(m).length, 0) / 4));
}

/**
 * The simulated model's answer depends on the conversation only, not on which provider gives it, so a
 * stream resumed elsewhere from an assistant prefill reads as one answer. With a prefill the model
 * continues after it; a prefill that is not the start of its answer gets the whole answer after it.
 */
function continuation(messages: readonly ChatMessage[], prefill: string | undefined): string {
  const conversation = prefill === undefined ? messages : messages.slice(0, -1);
  const asked = conversation.findLast((m) => m.role === "user");
  const topic = asked ? messageText(asked).replace(/\s+/g, " ").trim().slice(0, 60) : "";
  const answer = `Simulated answer to "${topic}": the gateway routed this request and a model in the lab answered it in full.`;
  if (prefill === undefined) return answer;
  return answer.startsWith(prefill) ? answer.slice(prefill.length) : answer;
}

export class SimulatedWorld implements SimulatedHost {
  private readonly statusPages = new Map<string, { provider: string; lagMs: number }>();
  private readonly completionsSeen = new Map<string, number>();
  private detach: (() => void) | undefined;
  /** Gives up each request waiting here, on the clock or for good ({@link close}). */
  private readonly held = new Set<() => void>();

  constructor(
    readonly id: string,
    private readonly topology: Topology,
    scenario: Scenario,
    private readonly faults: FaultBook,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly gatewayReadiness: GatewayReadiness,
    /** Served at `idp.<region>.lab.test` in each of its regions, when the scenario has one. */
    private readonly identity?: IdentityProvider,
  ) {
    for (const p of scenario.topology.providers)
      this.statusPages.set(new URL(topology.statusPageUrls.get(p.id)!).href, { provider: p.id, lagMs: p.status_page.lag_s * 1000 });
  }

  /** Completion requests each target has received so far (model and region known to the provider). */
  get completions(): CompletionCounts {
    return this.completionsSeen;
  }

  /** Starts answering requests addressed to this world that come over `transport`. */
  attach(transport: Transport): void {
    this.detach ??= attachWorld(this.id, this, transport);
  }

  /**
   * Stops intercepting, and answers what is still waiting here with a network error. MSW keeps a request
   * until its handler answers, and a handler waiting on the clock of a run that was closed mid-flight (the
   * app's reset) would wait for good, keeping the whole run reachable from MSW's interceptor.
   */
  close(): void {
    this.detach?.();
    this.detach = undefined;
    for (const giveUp of [...this.held]) giveUp();
  }

  async handle(request: SimulatedRequest): Promise<SimulatedAnswer> {
    const url = new URL(request.url);
    const work = request.headers.get(WORK_HEADER) ?? "";
    const from = request.headers.get(FROM_REGION_HEADER) ?? "";
    const page = this.statusPages.get(url.href);
    if (page) return this.statusPage(page.provider, page.lagMs);
    if (url.hostname.startsWith("gateway.") && url.pathname === "/ready") return this.gatewayReady(url.hostname.split(".")[1]!, from, work);
    if (url.hostname.startsWith("idp.") && this.identity?.config.regions.includes(url.hostname.split(".")[1]!))
      return this.identityDocument(this.identity, url.hostname.split(".")[1]!, url.pathname, from, work);
    const endpoint = this.topology.endpointAt(url);
    if (!endpoint) return reply.json({ error: { message: `no simulated host at ${url.origin}` } }, { status: 502 });
    if (url.pathname === "/health") return this.providerHealth(endpoint, from, work);
    if (url.pathname === "/v1/chat/completions" && request.method === "POST") return this.completion(endpoint, from, work, request);
    return reply.json({ error: { message: `no route ${request.method} ${url.pathname}`, type: "invalid_request_error" } }, { status: 404 });
  }

  private networkMs(from: string, to: string): number {
    const known = this.topology.regions.has(from);
    return known ? this.topology.rttMs(from, to) + this.faults.addedLatencyMs(from, to, this.clock.now()) : 1;
  }

  private async providerHealth(endpoint: Endpoint, from: string, work: string): Promise<SimulatedAnswer> {
    // A cut path drops packets, it does not refuse connections: the caller learns of it by timing out.
    if (this.faults.pathCut(from, endpoint.region)) return this.hang(work);
    const outage = this.faults.regionOutage(endpoint.provider, endpoint.region);
    if (outage === "no-response") return this.hang(work);
    if (!(await this.wait(this.networkMs(from, endpoint.region), work))) return reply.error();
    return outage === "error-503"
      ? reply.json({ status: "unavailable" }, { status: 503 })
      : reply.json({ status: "ok", models: [...endpoint.models] });
  }

  private async completion(endpoint: Endpoint, from: string, work: string, request: SimulatedRequest): Promise<SimulatedAnswer> {
    const body = (await request.json()) as { model?: string; messages?: ChatMessage[]; stream?: boolean; stream_options?: { include_usage?: boolean } };
    const model = body.model ?? "";
    const messages = body.messages ?? [];
    if (this.faults.pathCut(from, endpoint.region)) return this.hang(work);
    const network = this.networkMs(from, endpoint.region);
    const outage = this.faults.regionOutage(endpoint.provider, endpoint.region);
    if (outage === "no-response") return this.hang(work);
    const fail = (status: number, message: string, code: string, extra?: { type?: string; param?: string; headers?: Record<string, string> }) =>
      this.wait(network + ERROR_SERVICE_MS, work).then((arrived) =>
        arrived
          ? reply.json({ error: { message, type: extra?.type ?? "server_error", param: extra?.param ?? null, code } }, { status, ...(extra?.headers ? { headers: extra.headers } : {}) })
          : reply.error(),
      );
    if (outage === "error-503") return fail(503, `${endpoint.id} is unavailable`, "region_unavailable");
    if (!endpoint.models.has(model)) return fail(404, `model ${model} does not exist at ${endpoint.id}`, "model_not_found", { type: "invalid_request_error", param: "model" });
    const target = `${endpoint.id}/${model}`;
    this.completionsSeen.set(target, (this.completionsSeen.get(target) ?? 0) + 1);
    if (this.faults.modelDown(endpoint.provider, endpoint.region, model)) return fail(503, `${model} is unavailable at ${endpoint.id}`, "model_unavailable");
    const random = this.random.fork(work);
    for (const { rate, status } of this.faults.errorRates(endpoint.provider, endpoint.region))
      if (random.chance(rate)) return fail(status, `injected error ${status} at ${endpoint.id}`, "injected_error");
    const prefill = messages.at(-1)?.role === "assistant" ? messageText(messages.at(-1)!) : undefined;
    const fault = this.faults.takeRequestFault(endpoint.provider, endpoint.region, model);
    switch (fault?.class) {
      case "no-response":
        return this.hang(work);
      case "connection-reset":
        return this.wait(network, work).then(() => reply.error());
      case "rate-limit-retry-after":
        return fail(429, `rate limit reached for ${model} at ${endpoint.id}; retry after ${fault.retry_after_s} s`, "rate_limit_exceeded", {
          type: "rate_limit_error",
          headers: { "retry-after": String(fault.retry_after_s) },
        });
      case "rate-limit":
        return fail(429, `rate limit reached for ${model} at ${endpoint.id}`, "rate_limit_exceeded", { type: "rate_limit_error" });
      case "server-error":
        return fail(500, `internal error at ${endpoint.id}`, "internal_error");
      case "unavailable":
        return fail(503, `${model} is overloaded at ${endpoint.id}`, "overloaded");
      case "context-length":
        return fail(400, `This model's maximum context length is 8192 tokens. However, your messages resulted in ${promptTokens(messages) + 8192} tokens.`, "context_length_exceeded", {
          type: "invalid_request_error",
          param: "messages",
        });
      case "content-policy":
        return fail(400, "Your request was rejected as a result of our safety system.", "content_policy_violation", { type: "invalid_request_error", param: "messages" });
      case "rejects-prefill":
        if (prefill !== undefined)
          return fail(400, "This model does not support assistant message prefill. The conversation must end with a user message.", "prefill_not_supported", {
            type: "invalid_request_error",
            param: "messages",
          });
    }
    const drawnMs = random.logNormal(endpoint.latency.median_ms, endpoint.latency.p95_ms) * this.faults.serviceTimeFactor(endpoint.provider, endpoint.region, model) + (fault?.class === "slow-first-token" ? fault.first_token_ms : 0);
    const serviceMs = Math.min(drawnMs, MAX_SERVICE_MS);
    const answer = continuation(messages, endpoint.prefillModels.has(model) ? prefill : undefined);
    const usage = { prompt_tokens: promptTokens(messages), completion_tokens: Math.max(1, Math.round(answer.length / 4)) };
    const meta = { id: `chatcmpl-${work}`, created: Math.floor(this.clock.now() / 1000), model };
    if (body.stream) return this.streamedAnswer(endpoint, model, work, answer, { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens }, meta, network, serviceMs, fault, body.stream_options?.include_usage === true);
    if (!(await this.wait(network + serviceMs, work))) return reply.error();
    const failure = this.failedWhileAnswering(endpoint, model);
    if (failure) return failure;
    const completion = {
      ...meta,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    };
    switch (fault?.class) {
      case "stream-cut":
        // The JSON form of a cut: the body stops half way.
        return reply.body(JSON.stringify(completion).slice(0, 40), { headers: { "content-type": "application/json" } });
      case "malformed-chunk":
        return reply.body(`{"id":"${meta.id}","choices":[{"message":{"content":"${answer.slice(0, 10)}`, { headers: { "content-type": "application/json" } });
      case "stream-stall":
        return reply.body(this.stalledBody(JSON.stringify(completion).slice(0, 40), work), { headers: { "content-type": "application/json" } });
    }
    return reply.json(completion);
  }

  /**
   * A failure that began while the model was still answering takes the answer with it (the seed's question
   * 3: in-flight requests succeed only if the model responded before the failure).
   */
  private failedWhileAnswering(endpoint: Endpoint, model: string): SimulatedAnswer | undefined {
    const outageNow = this.faults.regionOutage(endpoint.provider, endpoint.region);
    if (outageNow === "no-response") return reply.error();
    if (outageNow === "error-503" || this.faults.modelDown(endpoint.provider, endpoint.region, model))
      return reply.json({ error: { message: `${endpoint.id} failed while answering`, type: "server_error", param: null, code: "failed_in_flight" } }, { status: 503 });
    return undefined;
  }

  /**
   * An answer as Server-Sent Events, produced on the virtual clock: the first token after a share of the
   * service time, the rest spread over what remains, then the finish reason, the usage if asked, and
   * `[DONE]` — or one of the stream faults. Each event waits for the reader to ask for it (a pull source
   * with no buffer), so the clock never runs ahead of what the gateway has read.
   */
  private streamedAnswer(
    endpoint: Endpoint,
    model: string,
    work: string,
    answer: string,
    usage: ChatUsage,
    meta: { id: string; created: number; model: string },
    networkMs: number,
    serviceMs: number,
    fault: RequestMisbehaviour | undefined,
    includeUsage: boolean,
  ): SimulatedAnswer {
    const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
    const chunk = (delta: { role?: "assistant"; content?: string }, finish: string | null) =>
      event({ ...meta, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
    const pieces = answer.match(/\S+\s*/g) ?? [answer];
    const firstTokenMs = fault?.class === "slow-first-token" ? fault.first_token_ms : Math.round(serviceMs * FIRST_TOKEN_SHARE);
    const gapMs = Math.max(1, Math.round((serviceMs - firstTokenMs) / pieces.length));
    type Step = { delayMs: number; text?: string; end?: "close" | "stall" };
    const steps: Step[] = pieces.map((piece, i) => ({
      delayMs: i === 0 ? networkMs + firstTokenMs : gapMs,
      text: (i === 0 ? chunk({ role: "assistant", content: "" }, null) : "") + chunk({ content: piece }, null),
    }));
    const faultAt = Math.min(fault?.after_chunks ?? 0, steps.length);
    switch (fault?.class) {
      case "stream-cut":
        steps.splice(faultAt, steps.length, { delayMs: gapMs, end: "close" });
        break;
      case "stream-stall":
        steps.splice(faultAt, steps.length, { delayMs: gapMs, end: "stall" });
        break;
      case "malformed-chunk":
        steps.splice(faultAt, 0, { delayMs: gapMs, text: `data: {"id":"${meta.id}","choices":[{"delta":{"content":"${pieces[faultAt] ?? ""}\n\n` });
        break;
    }
    if (fault?.class !== "stream-cut" && fault?.class !== "stream-stall") {
      const usageEvent = includeUsage ? event({ ...meta, object: "chat.completion.chunk", choices: [], usage }) : "";
      steps.push({ delayMs: gapMs, text: chunk({}, "stop") + usageEvent + (fault?.class === "no-done" ? "" : "data: [DONE]\n\n") });
    }
    const encoder = new TextEncoder();
    let next = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const step = steps[next++];
          if (!step) return controller.close();
          if (!(await this.wait(step.delayMs, work))) return;
          if (next === 1) {
            const failure = this.failedWhileAnswering(endpoint, model);
            if (failure) return controller.error(new Error(`${endpoint.id} failed while answering`));
          }
          if (step.end === "close") return controller.close();
          if (step.end === "stall") return this.hang(work).then(() => undefined);
          controller.enqueue(encoder.encode(step.text));
        },
      },
      { highWaterMark: 0 },
    );
    return reply.body(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
  }

  /** A body that sends `text` and then nothing, with the connection open, until the caller gives up. */
  private stalledBody(text: string, work: string): ReadableStream<Uint8Array> {
    let sent = false;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (sent) return this.hang(work).then(() => undefined);
          sent = true;
          controller.enqueue(new TextEncoder().encode(text));
        },
      },
      { highWaterMark: 0 },
    );
  }

  private async gatewayReady(region: string, from: string, work: string): Promise<SimulatedAnswer> {
    if (this.faults.gatewayDown(region) || this.faults.pathCut(from, region)) return this.hang(work);
    if (!(await this.wait(this.networkMs(from, region), work))) return reply.error();
    const report = this.gatewayReadiness(region);
    return reply.json(report, { status: report.ready ? 200 : 503 });
  }

  /** The identity provider's discovery document, JWKS and revocation list, as served in `region`. */
  private async identityDocument(idp: IdentityProvider, region: string, path: string, from: string, work: string): Promise<SimulatedAnswer> {
    // A partition drops packets, it does not refuse connections: the gateway learns of it by timing out.
    if (this.faults.idpDown(region) || this.faults.idpPartitioned(from) || this.faults.pathCut(from, region)) return this.hang(work);
    if (!(await this.wait(this.networkMs(from, region), work))) return reply.error();
    if (path === "/.well-known/openid-configuration") return reply.json(idp.discovery(region));
    if (path === "/jwks") return reply.json(idp.jwks());
    if (path === "/revoked") return reply.json(idp.revocationList());
    return reply.json({ error: "not_found", error_description: `no route ${path}` }, { status: 404 });
  }

  private statusPage(provider: string, lagMs: number): SimulatedAnswer {
    const now = this.clock.now();
    const components = this.topology.endpoints
      .filter((e) => e.provider === provider)
      .map((e) => ({ name: e.region, status: this.faults.statusPage(provider, e.region, now, lagMs) }));
    return reply.json({ page: { id: provider }, components });
  }

  /**
   * Sleeps on the virtual clock on behalf of the request's work key. Resolves false when the caller gave
   * up meanwhile (closed the key), so the handler answers nobody and leaves no timer behind.
   */
  private wait(ms: number, work: string): Promise<boolean> {
    const { work: tracker } = this.clock;
    return new Promise((resolve) => {
      const end = (arrived: boolean) => {
        this.held.delete(giveUp);
        resolve(arrived);
      };
      const timer = this.clock.setTimeout(() => {
        release();
        tracker.resume(work);
        end(true);
      }, ms);
      const abandoned = () => {
        this.clock.clearTimeout(timer);
        end(false);
      };
      const release = tracker.watchClose(work, abandoned);
      const giveUp = () => {
        release();
        abandoned();
      };
      this.held.add(giveUp);
      tracker.suspend(work);
    });
  }

  /** No response at all: the connection stays open until the caller gives up. */
  private hang(work: string): Promise<SimulatedAnswer> {
    return new Promise((resolve) => {
      const answer = () => {
        this.held.delete(giveUp);
        resolve(reply.error());
      };
      const release = this.clock.work.watchClose(work, answer);
      const giveUp = () => {
        release();
        answer();
      };
      this.held.add(giveUp);
      this.clock.work.suspend(work);
    });
  }
}
