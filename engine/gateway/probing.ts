/**
 * The gateway's active signals: a readiness probe of every endpoint it can route to, and a poll of every
 * provider's status page, each fed to its {@link GatewayHealthView}. Staggered so they do not fire in lockstep.
 */
import type { EngineContext } from "../context";
import type { GatewayHealthView, StatusPageStatus } from "../health";
import { fetchOnClock } from "../http";
import type { Endpoint } from "../topology";
import { realUpstream } from "./upstream";

/** Statuspage-style pages are polled once a minute; they lag incidents anyway. */
const STATUS_POLL_MS = 60_000;

/** One gateway's probes and status-page polls. */
export class GatewayProbes {
  private seq = 0;

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
        void this.probe(endpoint);
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
    try {
      const result = await fetchOnClock(clock, {
        // A real OpenAI-compatible server has no health route; listing its models is the cheapest live call.
        url: `${endpoint.baseUrl}${endpoint.real ? "/v1/models" : "/health"}`,
        ...realUpstream(endpoint, this.ctx),
        timeoutMs: scenario.health.probe.timeout_ms,
        callerKey: key,
        key: `${key}/http`,
        worldId: this.ctx.worldId,
        fromRegion: this.region,
      });
      // Given up only when the session closes: there is no one left to tell.
      if (!result.abandoned) this.health.recordProbe(endpoint, result.status === 200, result.error ?? `HTTP ${result.status}`);
    } finally {
      clock.work.close(key);
    }
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
