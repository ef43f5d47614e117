/**
 * The scenario's topology, indexed for the hot path: regions, endpoints (a provider's deployment in one
 * region), routable targets (one model at one endpoint), the round-trip-time matrix, and the addresses of
 * what the simulation serves besides the providers (gateways' readiness, status pages, the identity
 * provider), so the request path finds them here rather than in the simulator.
 */
import { deployedModelName } from "./scenario/sections/providers";
import type { Jurisdiction, Scenario } from "./scenario/schema";

export interface Region {
  readonly id: string;
  readonly jurisdiction: Jurisdiction;
  readonly location: string;
}

/** A provider's deployment in one region, reachable at one base URL. Probed as a whole. */
export interface Endpoint {
  /** `provider@region`, e.g. `openai-sim@eu-west`. */
  readonly id: string;
  readonly provider: string;
  readonly region: string;
  readonly jurisdiction: Jurisdiction;
  readonly baseUrl: string;
  readonly models: ReadonlySet<string>;
  readonly latency: { readonly median_ms: number; readonly p95_ms: number };
  /**
   * The models here that continue an answer from a trailing assistant message: a property of a model at a
   * deployment (its `models` entry's `supports_prefill`, else the provider's).
   */
  readonly prefillModels: ReadonlySet<string>;
  /** A real server outside the simulation, and the environment variable holding its API key. */
  readonly real: { readonly apiKeyEnv: string | undefined } | undefined;
}

/** One model at one endpoint: the unit a gateway routes to and keeps a circuit for. */
export interface Target {
  /** `provider@region/model`. */
  readonly id: string;
  readonly endpoint: Endpoint;
  readonly model: string;
  /** True when the target serves an equivalent model at another provider rather than the logical model's own. */
  readonly equivalent: boolean;
  /** The model here continues an answer from an assistant prefill, so a cut stream can be resumed on it. */
  readonly supportsPrefill: boolean;
  /** Its share under routing_strategy weighted; absent means 1. */
  readonly weight?: number;
  /** Its deployment's rpm/tpm for the model; absent when it has neither. */
  readonly limits?: RateLimits;
}

/** A model's requests and tokens per minute at one deployment; either may be absent. */
export interface RateLimits {
  readonly rpm?: number;
  readonly tpm?: number;
}

/** How a gateway orders a logical model's first-equal targets (see `planRoute`). */
export type RoutingStrategy = NonNullable<Scenario["topology"]["models"][number]["routing_strategy"]>;

/**
 * The models a logical model moves to when a provider refuses a request for what it is rather than failing:
 * `long-context` on context_length_exceeded (scenario `long_context`), `content-policy` on
 * content_policy_violation (`content_policy_fallbacks`).
 */
export type FallbackKind = "long-context" | "content-policy";

/** Round-trip time within one region, ms. */
const SAME_REGION_RTT_MS = 1;
/** Assumed when the scenario gives no figure for a pair; a transatlantic round trip. */
const DEFAULT_RTT_MS = 80;

/** Base URL of a regional gateway's own endpoints (readiness) inside the simulation. */
export const gatewayBaseUrl = (region: string): string => `https://gateway.${region}.lab.test`;
/** Base URL of the identity provider's deployment in a region inside the simulation. */
export const idpBaseUrl = (region: string): string => `https://idp.${region}.lab.test`;
/** A provider's status page inside the simulation (Statuspage-style summary), unless the scenario names one. */
const defaultStatusPageUrl = (provider: string): string => `https://status.${provider}.lab.test/api/v2/summary.json`;

export class Topology {
  readonly regions: ReadonlyMap<string, Region>;
  readonly endpoints: readonly Endpoint[];
  /** Each provider's status page URL, by provider id, in the scenario's order. */
  readonly statusPageUrls: ReadonlyMap<string, string>;
  private readonly endpointsByOrigin: ReadonlyMap<string, Endpoint>;
  private readonly targetsByModel: ReadonlyMap<string, readonly Target[]>;
  private readonly fallbacksByModel: ReadonlyMap<string, Readonly<Record<FallbackKind, readonly Target[]>>>;
  private readonly strategies: ReadonlyMap<string, RoutingStrategy>;
  private readonly rtt = new Map<string, number>();

  constructor(scenario: Scenario) {
    const t = scenario.topology;
    this.regions = new Map(t.regions.map((r) => [r.id, r]));
    const endpoints: Endpoint[] = [];
    // By endpoint id, then model: only the entries that set a limit, so targets without one carry none.
    const limits = new Map<string, Map<string, RateLimits>>();
    for (const provider of t.providers) {
      for (const d of provider.deployments) {
        for (const m of d.models)
          if (typeof m !== "string" && (m.rpm !== undefined || m.tpm !== undefined)) {
            const at = limits.get(`${provider.id}@${d.region}`) ?? new Map<string, RateLimits>();
            at.set(m.model, { ...(m.rpm !== undefined ? { rpm: m.rpm } : {}), ...(m.tpm !== undefined ? { tpm: m.tpm } : {}) });
            limits.set(`${provider.id}@${d.region}`, at);
          }
        endpoints.push({
          id: `${provider.id}@${d.region}`,
          provider: provider.id,
          region: d.region,
          jurisdiction: this.region(d.region).jurisdiction,
          baseUrl: d.endpoint,
          models: new Set(d.models.map(deployedModelName)),
          latency: d.latency,
          prefillModels: new Set(d.models.filter((m) => (typeof m === "string" ? undefined : m.supports_prefill) ?? provider.supports_prefill).map(deployedModelName)),
          real: d.real ? { apiKeyEnv: d.api_key_env } : undefined,
        });
      }
    }
    this.endpoints = endpoints;
    this.statusPageUrls = new Map(t.providers.map((p) => [p.id, p.status_page.url ?? defaultStatusPageUrl(p.id)]));
    this.endpointsByOrigin = new Map(endpoints.map((e) => [new URL(e.baseUrl).origin, e]));
    const byModel = new Map<string, Target[]>();
    const fallbacks = new Map<string, Record<FallbackKind, Target[]>>();
    const targetsOf = (refs: readonly { provider: string; model: string; weight?: number }[], equivalent: boolean): Target[] =>
      refs.flatMap((ref) =>
        endpoints
          .filter((e) => e.provider === ref.provider && e.models.has(ref.model))
          .map((e) => {
            const limit = limits.get(e.id)?.get(ref.model);
            return {
              id: `${e.id}/${ref.model}`,
              endpoint: e,
              model: ref.model,
              equivalent,
              supportsPrefill: e.prefillModels.has(ref.model),
              ...(ref.weight !== undefined ? { weight: ref.weight } : {}),
              ...(limit ? { limits: limit } : {}),
            };
          }),
      );
    for (const m of t.models) {
      byModel.set(m.id, [...targetsOf(m.serves, false), ...targetsOf(m.equivalents, true)]);
      fallbacks.set(m.id, { "long-context": targetsOf(m.long_context, true), "content-policy": targetsOf(m.content_policy_fallbacks, true) });
    }
    this.targetsByModel = byModel;
    this.strategies = new Map(t.models.map((m) => [m.id, m.routing_strategy ?? "ordered"]));
    this.fallbacksByModel = fallbacks;
    for (const [a, b, ms] of t.rtt_ms) {
      this.rtt.set(`${a}|${b}`, ms);
      this.rtt.set(`${b}|${a}`, ms);
    }
  }

  region(id: string): Region {
    const region = this.regions.get(id);
    if (!region) throw new Error(`unknown region "${id}"`);
    return region;
  }

  /** Every target that can serve a logical model, primary models before equivalents. */
  targetsFor(logicalModel: string): readonly Target[] {
    return this.targetsByModel.get(logicalModel) ?? [];
  }

  /** How a gateway orders a logical model's targets; `ordered` when the scenario does not say. */
  strategyFor(logicalModel: string): RoutingStrategy {
    return this.strategies.get(logicalModel) ?? "ordered";
  }

  /** The targets a logical model moves to when a provider refuses a request as `kind` says. */
  fallbackTargetsFor(logicalModel: string, kind: FallbackKind): readonly Target[] {
    return this.fallbacksByModel.get(logicalModel)?.[kind] ?? [];
  }

  /** Every target a request for a logical model may reach, its fallbacks included: each needs a circuit. */
  reachableTargetsFor(logicalModel: string): readonly Target[] {
    const fallbacks = this.fallbacksByModel.get(logicalModel);
    return [...this.targetsFor(logicalModel), ...(fallbacks ? [...fallbacks["long-context"], ...fallbacks["content-policy"]] : [])];
  }

  /** The endpoint a simulated request was addressed to, by URL origin. */
  endpointAt(url: URL): Endpoint | undefined {
    return this.endpointsByOrigin.get(url.origin);
  }

  /** The endpoints that are real servers: they need real time (a paced clock), never a drill's virtual time. */
  get realEndpoints(): readonly Endpoint[] {
    return this.endpoints.filter((e) => e.real !== undefined);
  }

  /** Round-trip time between two regions, ms. */
  rttMs(a: string, b: string): number {
    if (a === b) return SAME_REGION_RTT_MS;
    return this.rtt.get(`${a}|${b}`) ?? DEFAULT_RTT_MS;
  }
}
