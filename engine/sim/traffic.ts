/**
 * Caller populations sending requests as Poisson processes on the virtual clock. Each population draws
 * from its own named random stream, so adding a population does not reshuffle the others' traffic.
 */
import type { Clock, TimerId } from "../clock";
import type { CallerRequest } from "../gateway/request";
import type { CallerTokens } from "../identity/tokens";
import type { Random } from "../random";
import { MAX_TOTAL_RATE_PER_S } from "../scenario/cost";
import type { Scenario } from "../scenario/schema";

/** The fastest one population sends, per ms, however many surges the app stacks on it: the schema's cap on all of them together (a file cannot exceed it). */
const MAX_RATE_PER_MS = MAX_TOTAL_RATE_PER_S / 1000;

export class TrafficGenerator {
  private readonly timers = new Map<string, TimerId>();
  private running = false;

  constructor(
    private readonly scenario: Scenario,
    private readonly clock: Clock,
    private readonly random: Random,
    /** Receives each request synchronously at its send time, with the request's own random stream. */
    private readonly send: (request: CallerRequest, random: Random) => void,
    /** How many times its stated rate a population sends at now (faults); asked at each arrival, for the gap to the next. */
    private readonly rateFactor: (population: string) => number,
    /** The populations' tokens, when the scenario has an identity provider. */
    private readonly tokens?: CallerTokens,
  ) {}

  start(): void {
    this.running = true;
    for (const population of this.scenario.topology.callers) {
      const stream = this.random.fork(`traffic:${population.id}`);
      const ratePerMs = population.rate_per_s / 1000;
      let sequence = 0;
      // The next arrival's exact time, in fractions of a millisecond. The clock keeps whole milliseconds; rounding
      // each gap instead of this sum would bias every gap (a gap under 0.5 ms becomes 0), and at 1,000 requests/s
      // a population would send 4 % more than its rate, at 10,000/s about 15 times more.
      let dueAt = this.clock.now();
      const scheduleAfter = (gapMs: number) => {
        dueAt += gapMs;
        this.timers.set(population.id, this.clock.setTimeout(arrive, dueAt - this.clock.now()));
      };
      const arrive = () => {
        if (!this.running) return;
        const id = `${population.id}-${++sequence}`;
        const token = this.tokens?.present(population.id, stream.fork(`${id}:token`));
        this.send(
          {
            id,
            population: population.id,
            originRegion: population.region,
            jurisdiction: population.jurisdiction,
            model: population.model,
            consent: stream.chance(population.consent_share),
            highRisk: stream.chance(population.high_risk_share),
            sentAt: this.clock.now(),
            ...(token === undefined ? {} : { token }),
          },
          stream.fork(id),
        );
        scheduleAfter(stream.exponential(Math.min(ratePerMs * this.rateFactor(population.id), MAX_RATE_PER_MS)));
      };
      scheduleAfter(stream.exponential(ratePerMs));
    }
  }

  stop(): void {
    this.running = false;
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer);
    this.timers.clear();
  }
}
