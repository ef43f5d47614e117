/**
 * The live view: a pure projection of a run onto the `LabSnapshot` the UI draws. It reads the run's
 * session and the drill's recorder and changes nothing. The four answers and the expectations come from
 * `measureRun` (through `Run.measure`), the function the report takes them from, so at the end of a run the two agree.
 */
import { faultKind } from "../faults/registry";
import { MAX_REQUESTS_PER_SWEEP, type RunCost } from "../scenario/cost";
import { describeFault } from "../scenario/describeFault";
import type { SecondTraffic, UnansweredCounts } from "../report/recorder";
import type { IdentityCost } from "../report/identityCost";
import type { EngineSession } from "../session";
import type { CostView, ExpectationView, GatewayApiView, LessonView, IdentityView, LabSnapshot, MetricsPoint, NodeHealth, RegionView, EndpointView, UnansweredView } from "./contract";
import { evaluateExpectations } from "../report/expectations";
import { VACUOUS_RUN } from "../report/verdict";
import { evidenceRefusal, NO_RUN_REFUSAL } from "./evidenceRefusal";
import { expectationStatus } from "./expectationStatus";
import { METRICS_KEPT_S, type Run } from "./run";

/** Virtual seconds of traffic behind the shares drawn on the graph. */
const SHARE_WINDOW_S = 10;
const TIMELINE_SENT = 200;

/** What the snapshot shows besides the run: settings of the lab and of its host. */
export interface LabSettings {
  readonly speed: number;
  /** Null when the host serves no OpenAI-compatible endpoint. */
  readonly gatewayApi: GatewayApiView | null;
  /** The lesson being played, projected; null in free play. */
  readonly lesson: LessonView | null;
}

export function liveSnapshot(run: Run | undefined, settings: LabSettings): LabSnapshot {
  if (!run) return emptySnapshot(settings);
  const { scenario, session, recorder } = run;
  const { ctx } = session;
  const window = windowCounts(recorder.traffic.slice(-SHARE_WINDOW_S));
  const inflightByGateway: Record<string, number> = {};
  for (const request of session.inflight.values()) increment(inflightByGateway, request.gateway);
  const director = scenario.director;
  const regions: RegionView[] = scenario.topology.regions.map((region) => {
    const gateway = session.gateways.get(region.id)!;
    const down = ctx.faults.gatewayDown(region.id);
    const unanswered = unansweredView(recorder.unanswered.byGateway[region.id], window.unansweredByGateway[region.id], window.byGateway[region.id]);
    return {
      id: region.id,
      jurisdiction: region.jurisdiction,
      location: region.location,
      gateway: gateway.state,
      withdrawn: session.director.withdrawn.has(region.id),
      role: director.layout === "active-passive" ? (director.primary === region.id ? "primary" : "standby") : "active",
      trafficShare: share(window.byGateway[region.id], window.requests),
      inflight: inflightByGateway[region.id] ?? 0,
      health: gatewayHealth(down, gateway.state, gateway.identity?.state, unanswered),
      unanswered,
    };
  });
  const served = Object.values(window.byEndpoint).reduce((a, b) => a + b, 0);
  const endpoints: EndpointView[] = ctx.topology.endpoints.map((endpoint) => {
    const targets = scenario.topology.models
      .flatMap((model) => ctx.topology.targetsFor(model.id))
      .filter((target, i, all) => target.endpoint.id === endpoint.id && all.findIndex((t) => t.id === target.id) === i)
      .map((target) => {
        const circuits: Record<string, string> = {};
        let openCircuits = 0;
        const views: NodeHealth[] = [];
        for (const [region, gateway] of session.gateways) {
          const circuit = gateway.health.circuitState(target);
          circuits[region] = circuit;
          if (circuit === "open") openCircuits++;
          views.push(circuit === "open" || gateway.health.state(target) === "unhealthy" ? "failed" : gateway.health.state(target) === "degraded" || circuit === "halfOpen" ? "degraded" : "healthy");
        }
        return { id: target.id, model: target.model, circuits, openCircuits, health: agreedHealth(views) };
      });
    const faulted =
      ctx.faults.regionOutage(endpoint.provider, endpoint.region) !== undefined ||
      ctx.faults.errorRates(endpoint.provider, endpoint.region).length > 0 ||
      [...endpoint.models].some((m) => ctx.faults.modelDown(endpoint.provider, endpoint.region, m));
    const outage = ctx.faults.regionOutage(endpoint.provider, endpoint.region) !== undefined;
    const health = endpointHealth(outage, targets.map((t) => t.health), window.byEndpoint[endpoint.id] ?? 0);
    return { id: endpoint.id, provider: endpoint.provider, region: endpoint.region, jurisdiction: endpoint.jurisdiction, targets, trafficShare: share(window.byEndpoint[endpoint.id], served), health, faulted };
  });
  const review = run.audit.reviewer.result();
  const facts = run.measure(review);
  const failovers = recorder.failovers;
  return {
    status: run.status,
    scenario: { name: scenario.name, fileName: run.fileName, description: scenario.description, durationS: scenario.duration_s, seed: scenario.seed, cost: costView(run.cost) },
    // A finished run's clock went on past the end while the requests in flight were answered; the scenario ended at its end.
    nowMs: run.status === "finished" ? Math.min(run.clock.now(), run.endMs) : run.clock.now(),
    speed: settings.speed,
    behind: run.status === "playing" && run.behind,
    director: { mode: director.mode, layout: director.layout, state: session.director.state },
    regions,
    endpoints,
    links: Object.entries(window.byLink).map(([key, n]) => {
      const [gateway, endpoint] = key.split(">") as [string, string];
      const crossBorder = window.crossBorder[key];
      return { gateway, endpoint, share: share(n, served), crossBorder: { consent: crossBorder?.consent ?? 0, transferMechanism: crossBorder?.transferMechanism ?? 0 } };
    }),
    populations: scenario.topology.callers.map((caller) => {
      const toGateway = window.byPopulation[caller.id] ?? {};
      const total = Object.values(toGateway).reduce((a, b) => a + b, 0);
      return {
        id: caller.id,
        region: caller.region,
        jurisdiction: caller.jurisdiction,
        model: caller.model,
        ratePerS: caller.rate_per_s,
        toGateway: Object.fromEntries(Object.entries(toGateway).map(([gateway, n]) => [gateway, share(n, total)])),
        unanswered: unansweredView(recorder.unanswered.byPopulation[caller.id], window.unansweredByPopulation[caller.id], total),
      };
    }),
    faults: [...recorder.faults.values()].map((measure) => ({
      id: measure.id,
      fault: measure.fault,
      kind: measure.kind,
      injectedAt: Math.round(measure.at_s * 1000),
      healedAt: measure.heal_s === null ? null : Math.round(measure.heal_s * 1000),
      byUser: measure.id.startsWith("u"),
      faultedGateway: faultKind(measure.fault).faultedGateway?.(measure.fault) ?? null,
    })),
    totals: { requests: recorder.totals.requests, ok: recorder.totals.ok, errors: recorder.totals.errors, rejected: recorder.totals.rejected },
    questions: {
      detection: facts.faults.map((f) => ({ faultId: f.id, kind: f.kind, detectionS: f.detection_s, rerouteS: f.reroute_s, rtoS: f.rto_s })),
      residency: { violations: review.residency.violations, rejected: review.residency.rejectedByPolicy, crossBorder: review.residency.crossBorderServed.consent + review.residency.crossBorderServed.transferMechanism },
      inflight: {
        failovers: failovers.length,
        completed: failovers.reduce((n, f) => n + f.completed, 0),
        retried: failovers.reduce((n, f) => n + f.retried, 0),
        failed: failovers.reduce((n, f) => n + f.failed, 0),
      },
      audit: { entries: review.entries, perRegion: review.perRegion, gaps: review.gaps },
    },
    expectations: evaluateExpectations(scenario.expect, facts.metrics).map(
      (e): ExpectationView => ({ text: e.expectation, actual: e.actual, status: expectationStatus(e, run.status === "finished") }),
    ),
    vacuousRun: run.status === "finished" && recorder.totals.requests === 0 && scenario.expect.length > 0 ? VACUOUS_RUN : null,
    chain: run.audit.chain,
    audit: {
      pattern: scenario.audit.pattern,
      destination: scenario.audit.pattern === "central" ? run.audit.system.destinationRegion : null,
      logs: run.audit.system.destinations().map((store) => store.name),
      onUnreachable: scenario.audit.on_unreachable,
      buffers: run.audit.system
        .bufferStates()
        .map((b) => ({ region: b.region, written: b.written, depth: b.depth, state: b.state, flushLagMaxMs: b.lagMaxMs === null ? null : Math.round(b.lagMaxMs) })),
    },
    identity: identityView(session, facts.identity),
    gatewayApi: settings.gatewayApi,
    timeline: run.timeline.slice(-TIMELINE_SENT),
    metrics: metricsPoints(run),
    scheduledFaults: scenario.faults.map((fault, i) => ({
      id: `f${i + 1}`,
      kind: fault.kind,
      atMs: Math.round(fault.at_s * 1000),
      healMs: fault.heal_s === undefined ? null : Math.round(fault.heal_s * 1000),
      text: describeFault(fault),
    })),
    seekingTo: run.seekingTo,
    evidenceRefusal: evidenceRefusal(run),
    lesson: settings.lesson,
  };
}

/** The charts' seconds: the recorder's closed seconds (the report's series), with where their requests went. */
function metricsPoints({ recorder }: Run): MetricsPoint[] {
  const traffic = new Map(recorder.traffic.map((second) => [second.t_s, second]));
  return recorder.series.slice(-METRICS_KEPT_S).map((point) => ({
    t: point.t_s * 1000,
    requests: point.requests,
    errors: point.errors,
    refused: point.rejected,
    p95Ms: point.p95_ms,
    byGateway: { ...traffic.get(point.t_s)?.byGateway },
  }));
}

function identityView(session: EngineSession, cost: IdentityCost | null): IdentityView | null {
  const config = session.ctx.scenario.identity;
  if (!config || !cost) return null;
  const { faults } = session.ctx;
  return {
    issuer: config.issuer,
    regions: config.regions,
    down: config.regions.filter((region) => faults.idpDown(region)),
    onUnreachable: config.on_unreachable,
    maxStalenessS: config.max_staleness_s,
    gateways: [...session.gateways.values()].map((gateway) => {
      const validator = gateway.identity!;
      return { region: gateway.region, state: validator.state, cacheAgeMs: validator.cacheAgeMs(), source: validator.source, partitioned: faults.idpPartitioned(gateway.region) };
    }),
    cost: {
      rejected: cost.totals.rejected,
      rejectedUnreachable: cost.totals.rejected_idp_unreachable,
      acceptedRevoked: cost.totals.accepted_revoked,
      acceptedRotatedKey: cost.totals.accepted_rotated_key,
    },
  };
}

/**
 * A gateway refusing everything is failed whatever its machine says: down, failed, failing closed on identity
 * (it refuses every token), or every request of the last window unanswered. Some of them unanswered is degraded.
 */
export function gatewayHealth(down: boolean, state: string, identity: string | undefined, unanswered: UnansweredView): NodeHealth {
  if (down || state === "failed" || identity === "fail-closed" || unanswered.recentShare === 1) return "failed";
  return state === "healthy" && unanswered.recentShare < UNANSWERED_DEGRADED ? "healthy" : "degraded";
}

/** Share of a window's requests unanswered from which a node is drawn degraded rather than healthy. */
const UNANSWERED_DEGRADED = 0.05;

/** A target as all gateways see it: failed only when every gateway holds it failed, degraded when one does not see it healthy. */
export function agreedHealth(views: readonly NodeHealth[]): NodeHealth {
  if (views.length > 0 && views.every((h) => h === "failed")) return "failed";
  return views.every((h) => h === "healthy") ? "healthy" : "degraded";
}

/**
 * An endpoint is failed only when it serves nothing: its region is out, or every target is failed for every
 * gateway and nothing was answered in the window. One gateway's open circuit while others are served is degraded.
 */
export function endpointHealth(outage: boolean, targets: readonly NodeHealth[], servedInWindow: number): NodeHealth {
  if (outage) return "failed";
  const health = agreedHealth(targets);
  return health === "failed" && servedInWindow > 0 ? "degraded" : health;
}

function unansweredView(total: UnansweredCounts | undefined, recent: UnansweredCounts | undefined, recentRequests: number | undefined): UnansweredView {
  return { errors: total?.errors ?? 0, refused: total?.refused ?? 0, recentShare: share((recent?.errors ?? 0) + (recent?.refused ?? 0), recentRequests ?? 0) };
}
const share = (part: number | undefined, whole: number): number => (whole === 0 ? 0 : (part ?? 0) / whole);

function increment(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

/** The last seconds of traffic added up: what the graph's shares are fractions of. */
function windowCounts(seconds: readonly SecondTraffic[]) {
  const byGateway: Record<string, number> = {};
  const byEndpoint: Record<string, number> = {};
  const byLink: Record<string, number> = {};
  const byPopulation: Record<string, Record<string, number>> = {};
  const crossBorder: Record<string, { consent: number; transferMechanism: number }> = {};
  const unansweredByPopulation: Record<string, UnansweredCounts> = {};
  const unansweredByGateway: Record<string, UnansweredCounts> = {};
  let requests = 0;
  for (const second of seconds) {
    requests += second.requests;
    for (const [k, n] of Object.entries(second.byGateway)) increment(byGateway, k, n);
    for (const [k, n] of Object.entries(second.byEndpoint)) increment(byEndpoint, k, n);
    for (const [k, n] of Object.entries(second.byLink)) increment(byLink, k, n);
    for (const [population, counts] of Object.entries(second.byPopulation)) {
      const target = (byPopulation[population] ??= {});
      for (const [k, n] of Object.entries(counts)) increment(target, k, n);
    }
    for (const [link, counts] of Object.entries(second.crossBorder)) {
      const target = (crossBorder[link] ??= { consent: 0, transferMechanism: 0 });
      target.consent += counts.consent;
      target.transferMechanism += counts.transferMechanism;
    }
    for (const [key, counts] of Object.entries(second.unanswered)) {
      const [population, gateway] = key.split(">") as [string, string];
      for (const target of [(unansweredByPopulation[population] ??= { errors: 0, refused: 0 }), (unansweredByGateway[gateway] ??= { errors: 0, refused: 0 })]) {
        target.errors += counts.errors;
        target.refused += counts.refused;
      }
    }
  }
  return { requests, byGateway, byEndpoint, byLink, byPopulation, crossBorder, unansweredByPopulation, unansweredByGateway };
}

function emptySnapshot({ speed, gatewayApi, lesson }: LabSettings): LabSnapshot {
  return {
    status: "empty",
    scenario: null,
    nowMs: 0,
    speed,
    behind: false,
    director: { mode: "", layout: "", state: "" },
    regions: [],
    endpoints: [],
    links: [],
    populations: [],
    faults: [],
    totals: { requests: 0, ok: 0, errors: 0, rejected: 0 },
    questions: { detection: [], residency: { violations: 0, rejected: 0, crossBorder: 0 }, inflight: { failovers: 0, completed: 0, retried: 0, failed: 0 }, audit: { entries: 0, perRegion: {}, gaps: 0 } },
    expectations: [],
    vacuousRun: null,
    chain: null,
    audit: null,
    identity: null,
    gatewayApi,
    timeline: [],
    metrics: [],
    scheduledFaults: [],
    seekingTo: null,
    evidenceRefusal: NO_RUN_REFUSAL,
    lesson,
  };
}

/** The expected cost of one headless run, with the bounds the app's sweep and compare hold it to. */
function costView({ requests, seconds, bound, overBound }: RunCost): CostView {
  return { requests, seconds, runBound: bound, overBound, sweepBound: MAX_REQUESTS_PER_SWEEP };
}
