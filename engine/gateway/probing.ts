/**
 * The gateway's active signals: a readiness probe of every endpoint it can route to, and a poll of every
 * provider's status page, each fed to its {@link GatewayHealthView}. Staggered so they do not fire in lockstep.
 *
 * A probe that fails on an endpoint its probes hold up is confirmed, as HAProxy's `fastinter` does, by probes
 * at the irregular offsets of {@link confirmationOffsets} instead of the regular interval: probes a fixed
 * interval apart sample a provider flapping with that period (or a divisor of it) always at the same phase, so
 * every probe could land in a down spell and a flap would read as an outage (docs/RECOVERY.md).
 */
import type { TimerId } from "../clock";
import type { EngineContext } from "../context";
import type { GatewayHealthView, StatusPageStatus } from "../health";
import { fetchOnClock } from "../http";
import type { Endpoint } from "../topology";
import { realUpstream } from "./upstream";

/** Statuspage-style pages are polled once a minute; they lag incidents anyway. */
const STATUS_POLL_MS = 60_000;

/**
 * Gaps between a first failed probe and its confirmations, as fractions of the probe interval. Six samples
 * at these gaps never all fall within half a period (plus 2 % of the interval to spare) for any period from
 * 0.2 to 2.2 intervals, so a provider flapping as long up as down with such a period (2 s to 22 s at the
 * default 10 s) always answers one of them; a test checks it. Their sum, 1.13 intervals, bounds how much
 * longer than one interval confirming a real outage takes.
 */
const CONFIRMATION_GAPS = [0.36, 0.29, 0.11, 0.15, 0.22] as const;

/** When the confirmations of a failed probe are sent, as fractions of the probe interval after it: as many as make the unhealthy threshold. */
export function confirmationOffsets(unhealthyThreshold: number): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < unhealthyThreshold - 1; i++) {
    // Past the designed six samples (a threshold above 6) the gaps repeat.
    at += CONFIRMATION_GAPS[i % CONFIRMATION_GAPS.length]!;
    offsets.push(Math.round(at * 100) / 100);
  }
  return offsets;
}

/** One gateway's probes and status-page polls. */
export class GatewayProbes {
  private seq = 0;
  /** Endpoints whose failed probe is being confirmed, with the confirmations not yet sent. */
  private readonly confirming = new Map<string, TimerId[]>();

  constructor(
    private readonly region: string,
    private readonly ctx: EngineContext,
    private readonly health: GatewayHealthView,
  ) {}

  /** Schedules probes of every endpoint and status-page polls, each first at a random point of its interval. */
  start(): void {
    const { clock, topology, scenario, random } = this.ctx;
    const stagger = random.fork(`gateway:${this.region}:stagger`);
    const intervalMs = scenario.health.probe.interval_s * 1000;
    for (const endpoint of topology.endpoints) {
      const tick = () => {
        // While a failure is being confirmed, the confirmations are the endpoint's probes.
        if (!this.confirming.has(endpoint.id)) void this.probe(endpoint);
        clock.setTimeout(tick, intervalMs);
      };
      clock.setTimeout(tick, stagger.next() * intervalMs);
    }
    for (const [provider, url] of topology.statusPageUrls) {
      const poll = () => {
        void this.pollStatusPage(provider, url);
        clock.setTimeout(poll, STATUS_POLL_MS);
      };
      clock.setTimeout(poll, stagger.next() * STATUS_POLL_MS);
    }
  }

  private async probe(endpoint: Endpoint): Promise<void> {
    const { clock, scenario } = this.ctx;
    const key = `probe:${this.region}:${endpoint.id}:${++this.seq}`;
    clock.work.open(key);
    const sentAt = clock.now();
    try {
      const result = await fetchOnClock(clock, {
        // A real OpenAI-compatible server has no health route; listing its models is the cheapest live call.
        url: `${endpoint.baseUrl}${endpoint.real ? "/v1/models" : "/health"}`,
        ...realUpstream(endpoint, this.ctx),
        timeoutMs: scenario.health.probe.timeout_ms,
        callerKey: key,
        key: `${key}/http`,
        worldId: this.ctx.worldId,
        transport: this.ctx.transport,
        fromRegion: this.region,
      });
      // Given up only when the session closes: there is no one left to tell.
      if (result.abandoned) return;
      const ok = result.status === 200;
      this.health.recordProbe(endpoint, ok, result.error ?? `HTTP ${result.status}`);
      this.confirm(endpoint, ok, sentAt);
    } finally {
      clock.work.close(key);
    }
  }

  /**
   * After a probe's answer: a first failure on an endpoint held up schedules its confirmations, each at its
   * offset from that probe's sending (at once if its answer came later, as a timeout's does); a pass ends them.
   */
  private confirm(endpoint: Endpoint, ok: boolean, sentAt: number): void {
    const { clock, scenario } = this.ctx;
    const pending = this.confirming.get(endpoint.id);
    if (ok) {
      for (const timer of pending ?? []) clock.clearTimeout(timer);
      this.confirming.delete(endpoint.id);
      return;
    }
    const standing = this.health.probeStanding(endpoint);
    if (pending || !standing.up || standing.failedInARow !== 1) return;
    const intervalMs = scenario.health.probe.interval_s * 1000;
    const offsets = confirmationOffsets(scenario.health.probe.unhealthy_threshold);
    const timers = offsets.map((offset, i) =>
      clock.setTimeout(
        () => {
          if (i === offsets.length - 1) this.confirming.delete(endpoint.id);
          void this.probe(endpoint);
        },
        Math.max(0, sentAt + Math.round(offset * intervalMs) - clock.now()),
      ),
    );
    if (timers.length > 0) this.confirming.set(endpoint.id, timers);
  }

  private async pollStatusPage(provider: string, url: string): Promise<void> {
    const { clock, topology, scenario } = this.ctx;
    const key = `status:${this.region}:${provider}:${++this.seq}`;
    clock.work.open(key);
    try {
      const result = await fetchOnClock(clock, {
        url,
        timeoutMs: scenario.health.probe.timeout_ms,
        callerKey: key,
        key: `${key}/http`,
        worldId: this.ctx.worldId,
        transport: this.ctx.transport,
        fromRegion: this.region,
      });
      if (result.status !== 200) return;
      const components = (result.body as { components?: { name: string; status: StatusPageStatus }[] }).components ?? [];
      for (const component of components) {
        const endpoint = topology.endpoints.find((e) => e.provider === provider && e.region === component.name);
        if (endpoint) this.health.recordStatusPage(endpoint, component.status);
      }
    } finally {
      clock.work.close(key);
    }
  }
}
