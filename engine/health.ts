/**
 * How one regional gateway sees the targets it can route to, from three signals: active readiness probes
 * per endpoint (with hysteresis), passive outcomes of real traffic per target (error rate and latency p95
 * over a sliding window) and the provider's status page. The state each target is in is explained in
 * data — which signal crossed which threshold, and when — and every change is emitted as a transition.
 */
import { createActor, type Actor } from "xstate";
import type { Clock } from "./clock";
import type { TransitionEvent } from "./events";
import { HealthCheckCounter, type HealthThresholds } from "./hysteresis";
import { circuitMachine, type CircuitState } from "./machines/circuit";
import type { Scenario } from "./scenario/schema";
import { percentile } from "./stats/percentile";
import type { Endpoint, Target, Topology } from "./topology";

export type TargetHealthState = "healthy" | "degraded" | "unhealthy";
export type StatusPageStatus = "operational" | "degraded_performance" | "partial_outage" | "major_outage";

/** One reason a target is not plainly healthy. */
export interface Finding {
  readonly signal: "probe" | "status-page" | "passive-errors" | "passive-latency";
  readonly detail: string;
  /** Virtual ms when this signal crossed its threshold. */
  readonly since: number;
}

const P95_REFRESH_MS = 1000;

/** Sliding window of passive outcomes (one target's, or the answers a gateway served): error rate, and p95 of latencies. */
export class PassiveWindow {
  private times: number[] = [];
  private failed: boolean[] = [];
  private latencies: (number | undefined)[] = [];
  private head = 0;
  private failures = 0;
  private p95Cache: number | undefined;
  private p95At = Number.NEGATIVE_INFINITY;
  private dirty = false;

  constructor(private readonly windowMs: number) {}

  /** `latencyMs` undefined for outcomes whose time says nothing about the target (a fast error). */
  record(now: number, ok: boolean, latencyMs: number | undefined): void {
    this.prune(now);
    this.times.push(now);
    this.failed.push(!ok);
    this.latencies.push(latencyMs);
    if (!ok) this.failures++;
    this.dirty = true;
  }

  count(now: number): number {
    this.prune(now);
    return this.times.length - this.head;
  }

  errorRate(now: number): number {
    const n = this.count(now);
    return n === 0 ? 0 : this.failures / n;
  }

  /**
   * p95 of recorded latencies in the window, ms; undefined with fewer than `minSamples`. Recomputed at most
   * once per {@link P95_REFRESH_MS} of virtual time: routing asks on every request, and a percentile that is
   * a second stale changes no decision.
   */
  p95(now: number, minSamples: number): number | undefined {
    this.prune(now);
    if (this.dirty && (this.p95Cache === undefined || now - this.p95At >= P95_REFRESH_MS)) {
      this.p95At = now;
      const samples: number[] = [];
      for (let i = this.head; i < this.latencies.length; i++) {
        const ms = this.latencies[i];
        if (ms !== undefined) samples.push(ms);
      }
      // A typed array sorts numerically, without a comparator call per pair.
      this.p95Cache = samples.length >= minSamples ? percentile(Float64Array.from(samples).sort(), 0.95) : undefined;
      this.dirty = false;
    }
    return this.p95Cache;
  }

  clear(): void {
    this.times = [];
    this.failed = [];
    this.latencies = [];
    this.head = 0;
    this.failures = 0;
    this.p95Cache = undefined;
    this.p95At = Number.NEGATIVE_INFINITY;
    this.dirty = false;
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) {
      if (this.failed[this.head]) this.failures--;
      this.head++;
      this.dirty = true;
    }
    // Compact once the dead prefix dominates, so memory stays proportional to the window.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.failed = this.failed.slice(this.head);
      this.latencies = this.latencies.slice(this.head);
      this.head = 0;
    }
  }
}

interface ProbeView {
  readonly counter: HealthCheckCounter;
  since: number;
  detail: string;
}

interface TargetView {
  readonly target: Target;
  readonly window: PassiveWindow;
  readonly circuit: Actor<typeof circuitMachine>;
  circuitState: CircuitState;
  state: TargetHealthState;
  findings: Finding[];
  trialsInFlight: number;
  /** Expected latency before traffic has measured any: round trip plus the provider's advertised p95. */
  readonly priorMs: number;
}

/** Health and circuits of every target, as seen by the gateway of one region. */
export class GatewayHealthView {
  private readonly targets = new Map<string, TargetView>();
  private readonly probes = new Map<string, ProbeView>();
  private readonly statusPages = new Map<string, { status: StatusPageStatus; since: number }>();
  private readonly cfg: Scenario["health"];
  private readonly latencyBudgetMs: number;
  /** Set once the session closes: outcomes that still arrive (a run reset mid-flight) change no circuit. */
  private stopped = false;

  constructor(
    readonly region: string,
    scenario: Scenario,
    topology: Topology,
    private readonly clock: Clock,
    private readonly emit: (event: TransitionEvent) => void,
    private readonly onChange: () => void,
  ) {
    this.cfg = scenario.health;
    this.latencyBudgetMs = scenario.policy.latency_budget_ms;
    const probeThresholds: HealthThresholds = { unhealthy: this.cfg.probe.unhealthy_threshold, healthy: this.cfg.probe.healthy_threshold };
    for (const endpoint of topology.endpoints) {
      this.probes.set(endpoint.id, { counter: new HealthCheckCounter(probeThresholds), since: 0, detail: "not probed yet" });
      this.statusPages.set(endpoint.id, { status: "operational", since: 0 });
    }
    for (const model of scenario.topology.models)
      for (const target of topology.reachableTargetsFor(model.id)) {
        if (this.targets.has(target.id)) continue;
        const circuit = createActor(circuitMachine, {
          clock,
          input: {
            consecutiveFailures: this.cfg.circuit.consecutive_failures,
            baseEjectionMs: this.cfg.circuit.base_ejection_s * 1000,
            maxEjectionMs: this.cfg.circuit.max_ejection_s * 1000,
            halfOpenTrials: this.cfg.circuit.half_open_trials,
          },
        });
        const view: TargetView = {
          target,
          window: new PassiveWindow(this.cfg.passive.window_s * 1000),
          circuit,
          circuitState: "closed",
          state: "healthy",
          findings: [],
          trialsInFlight: 0,
          priorMs: topology.rttMs(region, target.endpoint.region) + target.endpoint.latency.p95_ms,
        };
        circuit.subscribe((snapshot) => this.onCircuit(view, snapshot.value as CircuitState, snapshot.context.cause));
        circuit.start();
        this.targets.set(target.id, view);
      }
  }

  /** The target may be sent a request now. */
  usable(target: Target): boolean {
    const view = this.view(target);
    if (!this.available(target)) return false;
    return view.circuitState === "closed" || view.trialsInFlight < this.cfg.circuit.half_open_trials;
  }

  /**
   * The target is not down: its probes pass and its circuit is not open, though a half-open circuit may have
   * its trial in flight. Residency asks this rather than {@link usable}: a jurisdiction whose targets are all
   * in their trial is recovering, not gone, so its requests must neither go abroad nor be refused.
   */
  available(target: Target): boolean {
    const view = this.view(target);
    return view.state !== "unhealthy" && view.circuitState !== "open";
  }

  state(target: Target): TargetHealthState {
    return this.view(target).state;
  }

  circuitState(target: Target): CircuitState {
    return this.view(target).circuitState;
  }

  findings(target: Target): readonly Finding[] {
    return this.view(target).findings;
  }

  /** Expected latency of a request to the target, ms: measured p95 when there is enough traffic. */
  expectedMs(target: Target): number {
    const view = this.view(target);
    return view.window.p95(this.clock.now(), this.cfg.passive.min_requests) ?? view.priorMs;
  }

  /** A request is about to be sent; a half-open circuit counts it as a trial. */
  beginAttempt(target: Target): void {
    const view = this.view(target);
    if (view.circuitState === "halfOpen") view.trialsInFlight++;
  }

  /**
   * An attempt ended with no outcome: its caller gave up on it. It says nothing about the target, so the
   * window and the circuit are left as they were, and a trial it held is free for the next request.
   */
  releaseAttempt(target: Target): void {
    const view = this.view(target);
    if (view.trialsInFlight > 0) view.trialsInFlight--;
  }

  /**
   * Outcome of one attempt. `latencyMs` is undefined for answers whose speed says nothing about the
   * target's latency (fast errors); timeouts count with their full duration (LiteLLM does the same).
   */
  recordOutcome(target: Target, ok: boolean, latencyMs: number | undefined, detail: string): void {
    if (this.stopped) return;
    const view = this.view(target);
    const now = this.clock.now();
    if (view.trialsInFlight > 0) view.trialsInFlight--;
    view.window.record(now, ok, latencyMs);
    if (ok) {
      // Most successes change nothing; skipping the no-op event keeps XState off the hot path.
      if (view.circuitState !== "closed" || view.circuit.getSnapshot().context.consecutive > 0) view.circuit.send({ type: "SUCCESS" });
    } else {
      view.circuit.send({ type: "FAILURE", detail });
      const n = view.window.count(now);
      const rate = view.window.errorRate(now);
      if (view.circuitState === "closed" && n >= this.cfg.passive.min_requests && rate > this.cfg.passive.error_rate_threshold)
        view.circuit.send({
          type: "TRIP",
          detail: `error rate ${(rate * 100).toFixed(0)} % over ${n} requests in ${this.cfg.passive.window_s} s exceeds ${this.cfg.passive.error_rate_threshold * 100} %`,
        });
    }
    this.reassess(view);
  }

  /** Result of one active readiness probe of an endpoint; thresholds give hysteresis both ways. */
  recordProbe(endpoint: Endpoint, ok: boolean, detail: string): void {
    if (this.stopped) return;
    const probe = this.probes.get(endpoint.id)!;
    const { counter } = probe;
    const change = counter.record(ok);
    // Envoy unejects an outlier once its active health check passes again (`successful_active_health_check_uneject_host`,
    // on by default): an ejection that outlasts the outage would keep a recovered target idle for up to 300 s.
    if (change === "came-back")
      for (const view of this.targets.values()) if (view.target.endpoint === endpoint) view.circuit.send({ type: "PROBES_PASSED", detail: `${counter.consecutivePassed} consecutive probes passed` });
    if (change !== undefined) {
      const { unhealthy_threshold, healthy_threshold } = this.cfg.probe;
      probe.since = this.clock.now();
      probe.detail =
        change === "came-back"
          ? `${counter.consecutivePassed} consecutive probes passed (healthy threshold ${healthy_threshold})`
          : `${counter.consecutiveFailed} consecutive probes failed (unhealthy threshold ${unhealthy_threshold}; last: ${detail})`;
    }
    this.reassessEndpoint(endpoint);
  }

  /** Whether the endpoint's probes hold it up, and how many probes in a row have failed. */
  probeStanding(endpoint: Endpoint): { readonly up: boolean; readonly failedInARow: number } {
    const { counter } = this.probes.get(endpoint.id)!;
    return { up: counter.healthy, failedInARow: counter.consecutiveFailed };
  }

  recordStatusPage(endpoint: Endpoint, status: StatusPageStatus): void {
    const page = this.statusPages.get(endpoint.id)!;
    if (page.status === status) return;
    page.status = status;
    page.since = this.clock.now();
    this.reassessEndpoint(endpoint);
  }

  /** The endpoint's status as the gateway last read it on its provider's status page. */
  statusPage(endpoint: Endpoint): StatusPageStatus {
    return this.statusPages.get(endpoint.id)!.status;
  }

  /**
   * The targets in the gateway's own region: how many there are, how many are available (not down, maybe in
   * their trial) and how many pass their probes, whatever their circuits say.
   */
  localUsability(): { available: number; passing: number; total: number } {
    let available = 0;
    let passing = 0;
    let total = 0;
    for (const view of this.targets.values()) {
      if (view.target.endpoint.region !== this.region) continue;
      total++;
      if (this.available(view.target)) available++;
      if (view.state !== "unhealthy") passing++;
    }
    return { available, passing, total };
  }

  stop(): void {
    this.stopped = true;
    for (const view of this.targets.values()) view.circuit.stop();
  }

  private view(target: Target): TargetView {
    const view = this.targets.get(target.id);
    if (!view) throw new Error(`gateway ${this.region} has no target ${target.id}`);
    return view;
  }

  private reassessEndpoint(endpoint: Endpoint): void {
    for (const view of this.targets.values()) if (view.target.endpoint === endpoint) this.reassess(view);
  }

  private reassess(view: TargetView): void {
    const now = this.clock.now();
    const findings: Finding[] = [];
    const probe = this.probes.get(view.target.endpoint.id)!;
    if (!probe.counter.healthy) findings.push({ signal: "probe", detail: probe.detail, since: probe.since });
    const page = this.statusPages.get(view.target.endpoint.id)!;
    if (page.status !== "operational") findings.push({ signal: "status-page", detail: `status page reports ${page.status}`, since: page.since });
    const n = view.window.count(now);
    const rate = view.window.errorRate(now);
    if (n >= this.cfg.passive.min_requests && rate > this.cfg.passive.error_rate_threshold)
      findings.push({ signal: "passive-errors", detail: `error rate ${(rate * 100).toFixed(0)} % over ${n} requests`, since: now });
    const p95 = view.window.p95(now, this.cfg.passive.min_requests);
    if (p95 !== undefined && p95 > this.latencyBudgetMs)
      findings.push({ signal: "passive-latency", detail: `p95 ${Math.round(p95)} ms exceeds the ${this.latencyBudgetMs} ms budget`, since: now });
    // Status pages lag both the incident and its end, so they lower a target's rank but never eject it alone.
    const unhealthy = !probe.counter.healthy;
    const state: TargetHealthState = unhealthy ? "unhealthy" : findings.length > 0 ? "degraded" : "healthy";
    view.findings = findings;
    if (state === view.state) return;
    const from = view.state;
    view.state = state;
    this.emit({
      type: "transition",
      t: now,
      machine: "target-health",
      region: this.region,
      subject: `${this.region}→${view.target.id}`,
      from,
      to: state,
      cause: findings.map((f) => f.detail).join("; ") || "all signals within thresholds",
    });
    this.onChange();
  }

  private onCircuit(view: TargetView, state: CircuitState, cause: string): void {
    if (state === view.circuitState) return;
    const from = view.circuitState;
    view.circuitState = state;
    view.trialsInFlight = 0;
    // A half-open target is judged by its trial, not by the failures that opened it: with them still in the
    // window it would rank "degraded" behind a healthy fallback and never be sent its trial. A circuit that
    // closes after a successful trial starts clean too; old failures would re-trip it.
    const cleared = state === "halfOpen" || (from === "halfOpen" && state === "closed");
    if (cleared) view.window.clear();
    this.emit({
      type: "transition",
      t: this.clock.now(),
      machine: "circuit",
      region: this.region,
      subject: `${this.region}→${view.target.id}`,
      from,
      to: state,
      cause,
    });
    if (cleared) this.reassess(view);
    this.onChange();
  }
}
