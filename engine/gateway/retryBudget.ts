/**
 * Envoy's retry budget, applied to retries of the same target (the ones that add load to a struggling
 * provider; failing over to another target is what circuits and `max_attempts` bound): retries in flight
 * may be at most `budget_percent` of the requests in flight, and `min_retry_concurrency` are always allowed.
 *
 * A request is counted only while it runs through {@link RetryBudget.admit}; a retry holds a
 * {@link RetryUnit}, which gives its unit back once however often it is released, so the one `finally`
 * that releases it cannot leak budget nor give back more than was taken.
 */
export interface RetryBudgetConfig {
  /** Retries in flight allowed, as a percentage of the requests in flight. */
  readonly budget_percent: number;
  /** Retries in flight allowed whatever the requests in flight. */
  readonly min_retry_concurrency: number;
}

/** The retry budget one gateway's requests share. */
export class RetryBudget {
  private requests = 0;
  private retries = 0;

  constructor(private readonly config: RetryBudgetConfig) {}

  /** One more retry may start now. */
  get hasRoom(): boolean {
    return this.retries < Math.max(this.config.min_retry_concurrency, (this.config.budget_percent / 100) * this.requests);
  }

  /** Runs one request, counted in flight until it ends. */
  async admit<T>(request: () => Promise<T>): Promise<T> {
    this.requests++;
    try {
      return await request();
    } finally {
      this.requests--;
    }
  }

  /** Takes a unit for one retry, to be released when the retry (its wait and its attempt) ends. */
  take(): RetryUnit {
    if (!this.hasRoom) throw new Error("a retry was started with the retry budget exhausted");
    this.retries++;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.retries--;
      },
    };
  }
}

/** One retry's share of the budget. */
export interface RetryUnit {
  /** Gives the unit back; later calls do nothing. */
  release(): void;
}
