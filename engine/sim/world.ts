/**
 * The simulated world the gateways talk to over real `fetch`: providers answering OpenAI-style chat
 * completions and readiness probes in each region, their status pages (which lag), and the readiness
 * endpoints of the regional gateways that the traffic director checks. Latency, errors and outages follow
 * the virtual clock and the faults in the {@link FaultBook}.
 */
import { HttpResponse } from "msw";
import type { Clock } from "../clock";
import type { IdentityProvider } from "../identity/provider";
import type { Random } from "../random";
import type { Scenario } from "../scenario/schema";
import type { Endpoint, Topology } from "../topology";
import type { FaultBook } from "./faults";
import { attachWorld, FROM_REGION_HEADER, WORK_HEADER, type SimulatedHost } from "./transport";

/** Base URL of a regional gateway's own endpoints (readiness) inside the simulation. */
export const gatewayBaseUrl = (region: string): string => `https://gateway.${region}.lab.test`;
/** Default status page of a provider inside the simulation (Statuspage-style summary). */
export const statusPageUrl = (provider: string): string => `https://status.${provider}.lab.test/api/v2/summary.json`;

/** What a gateway reports on its readiness endpoint; the engine supplies it. */
export type GatewayReadiness = (region: string) => { ready: boolean; detail: string };

/** Time a provider takes to send an error response once the request arrived, ms. */
const ERROR_SERVICE_MS = 5;

export class SimulatedWorld implements SimulatedHost {
  private readonly statusPages = new Map<string, { provider: string; lagMs: number }>();
  private detach: (() => void) | undefined;

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
      this.statusPages.set(new URL(p.status_page.url ?? statusPageUrl(p.id)).href, { provider: p.id, lagMs: p.status_page.lag_s * 1000 });
  }

  /** Starts intercepting requests addressed to this world. */
  attach(): void {
    this.detach ??= attachWorld(this.id, this);
  }

  close(): void {
    this.detach?.();
    this.detach = undefined;
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const work = request.headers.get(WORK_HEADER) ?? "";
    const from = request.headers.get(FROM_REGION_HEADER) ?? "";
    const page = this.statusPages.get(url.href);
    if (page) return this.statusPage(page.provider, page.lagMs);
    if (url.hostname.startsWith("gateway.") && url.pathname === "/ready") return this.gatewayReady(url.hostname.split(".")[1]!, from, work);
    if (url.hostname.startsWith("idp.") && this.identity?.config.regions.includes(url.hostname.split(".")[1]!))
      return this.identityDocument(this.identity, url.hostname.split(".")[1]!, url.pathname, from, work);
    const endpoint = this.topology.endpointAt(url);
    if (!endpoint) return HttpResponse.json({ error: { message: `no simulated host at ${url.origin}` } }, { status: 502 });
    if (url.pathname === "/health") return this.providerHealth(endpoint, from, work);
    if (url.pathname === "/v1/chat/completions" && request.method === "POST") return this.completion(endpoint, from, work, request);
    return HttpResponse.json({ error: { message: `no route ${request.method} ${url.pathname}`, type: "invalid_request_error" } }, { status: 404 });
  }

  private networkMs(from: string, to: string): number {
    const known = this.topology.regions.has(from);
    return known ? this.topology.rttMs(from, to) + this.faults.addedLatencyMs(from, to) : 1;
  }

  private async providerHealth(endpoint: Endpoint, from: string, work: string): Promise<Response> {
    const outage = this.faults.regionOutage(endpoint.provider, endpoint.region);
    if (outage === "no-response") return this.hang(work);
    if (!(await this.wait(this.networkMs(from, endpoint.region), work))) return HttpResponse.error();
    return outage === "error-503"
      ? HttpResponse.json({ status: "unavailable" }, { status: 503 })
      : HttpResponse.json({ status: "ok", models: [...endpoint.models] });
  }

  private async completion(endpoint: Endpoint, from: string, work: string, request: Request): Promise<Response> {
    const body = (await request.json()) as { model?: string; messages?: { content?: string }[] };
    const model = body.model ?? "";
    const network = this.networkMs(from, endpoint.region);
    const outage = this.faults.regionOutage(endpoint.provider, endpoint.region);
    if (outage === "no-response") return this.hang(work);
    const fail = (status: number, message: string, code: string) =>
      this.wait(network + ERROR_SERVICE_MS, work).then((arrived) =>
        arrived ? HttpResponse.json({ error: { message, type: "server_error", code } }, { status }) : HttpResponse.error(),
      );
    if (outage === "error-503") return fail(503, `${endpoint.id} is unavailable`, "region_unavailable");
    if (!endpoint.models.has(model)) return fail(404, `model ${model} does not exist at ${endpoint.id}`, "model_not_found");
    if (this.faults.modelDown(endpoint.provider, endpoint.region, model)) return fail(503, `${model} is unavailable at ${endpoint.id}`, "model_unavailable");
    const random = this.random.fork(work);
    for (const { rate, status } of this.faults.errorRates(endpoint.provider, endpoint.region))
      if (random.chance(rate)) return fail(status, `injected error ${status} at ${endpoint.id}`, "injected_error");
    const serviceMs = random.logNormal(endpoint.latency.median_ms, endpoint.latency.p95_ms);
    if (!(await this.wait(network + serviceMs, work))) return HttpResponse.error();
    // A failure that began while the model was still answering takes the answer with it (the seed's
    // question 3: in-flight requests succeed only if the model responded before the failure).
    const outageNow = this.faults.regionOutage(endpoint.provider, endpoint.region);
    if (outageNow === "no-response") return HttpResponse.error();
    if (outageNow === "error-503" || this.faults.modelDown(endpoint.provider, endpoint.region, model))
      return HttpResponse.json({ error: { message: `${endpoint.id} failed while answering`, type: "server_error", code: "failed_in_flight" } }, { status: 503 });
    const promptTokens = Math.max(1, Math.round((body.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0) / 4));
    const completionTokens = 20 + Math.floor(random.next() * 200);
    return HttpResponse.json({
      id: `chatcmpl-${work}`,
      object: "chat.completion",
      created: Math.floor(this.clock.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: "assistant", content: `Simulated answer from ${endpoint.id}.` }, finish_reason: "stop" }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  }

  private async gatewayReady(region: string, from: string, work: string): Promise<Response> {
    if (this.faults.gatewayDown(region)) return this.hang(work);
    if (!(await this.wait(this.networkMs(from, region), work))) return HttpResponse.error();
    const { ready, detail } = this.gatewayReadiness(region);
    return HttpResponse.json({ ready, detail }, { status: ready ? 200 : 503 });
  }

  /** The identity provider's discovery document, JWKS and revocation list, as served in `region`. */
  private async identityDocument(idp: IdentityProvider, region: string, path: string, from: string, work: string): Promise<Response> {
    // A partition drops packets, it does not refuse connections: the gateway learns of it by timing out.
    if (this.faults.idpDown(region) || this.faults.idpPartitioned(from)) return this.hang(work);
    if (!(await this.wait(this.networkMs(from, region), work))) return HttpResponse.error();
    if (path === "/.well-known/openid-configuration") return HttpResponse.json(idp.discovery(region));
    if (path === "/jwks") return HttpResponse.json(idp.jwks());
    if (path === "/revoked") return HttpResponse.json(idp.revocationList());
    return HttpResponse.json({ error: "not_found", error_description: `no route ${path}` }, { status: 404 });
  }

  private statusPage(provider: string, lagMs: number): Response {
    const now = this.clock.now();
    const components = this.topology.endpoints
      .filter((e) => e.provider === provider)
      .map((e) => ({ name: e.region, status: this.faults.statusPage(provider, e.region, now, lagMs) }));
    return HttpResponse.json({ page: { id: provider }, components });
  }

  /**
   * Sleeps on the virtual clock on behalf of the request's work key. Resolves false when the caller gave
   * up meanwhile (closed the key), so the handler answers nobody and leaves no timer behind.
   */
  private wait(ms: number, work: string): Promise<boolean> {
    const { work: tracker } = this.clock;
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        release();
        tracker.resume(work);
        resolve(true);
      }, ms);
      const release = tracker.watchClose(work, () => {
        this.clock.clearTimeout(timer);
        resolve(false);
      });
      tracker.suspend(work);
    });
  }

  /** No response at all: the connection stays open until the caller gives up. */
  private hang(work: string): Promise<Response> {
    return new Promise((resolve) => {
      this.clock.work.watchClose(work, () => resolve(HttpResponse.error()));
      this.clock.work.suspend(work);
    });
  }
}
