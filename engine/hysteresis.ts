/**
 * Hysteresis of an active health check, as Envoy's `health_checker_base_impl` applies it to every checker
 * (`handleSuccess`/`handleFailure`): a healthy subject goes down after `unhealthy` consecutive failed
 * checks and comes back after `healthy` consecutive passed ones, so a single lost check changes nothing.
 * The director's checks of the gateways and the gateways' probes of the endpoints both count with it.
 */

/** Consecutive check counts that flip a subject's health. */
export interface HealthThresholds {
  /** Consecutive failed checks that take a healthy subject down. */
  readonly unhealthy: number;
  /** Consecutive passed checks that bring a down subject back. */
  readonly healthy: number;
}

/** What one check did to the subject's health. */
export type HealthChange = "went-down" | "came-back" | undefined;

/** The consecutive-check counter of one checked subject; it starts healthy. */
export class HealthCheckCounter {
  private isHealthy = true;
  private passed = 0;
  private failed = 0;

  constructor(private readonly thresholds: HealthThresholds) {}

  get healthy(): boolean {
    return this.isHealthy;
  }

  /** Passed checks in a row, up to and including the last one. */
  get consecutivePassed(): number {
    return this.passed;
  }

  /** Failed checks in a row, up to and including the last one. */
  get consecutiveFailed(): number {
    return this.failed;
  }

  /** Counts one check and answers whether it crossed a threshold. */
  record(ok: boolean): HealthChange {
    if (ok) {
      this.passed++;
      this.failed = 0;
      if (this.isHealthy || this.passed < this.thresholds.healthy) return undefined;
      this.isHealthy = true;
      return "came-back";
    }
    this.failed++;
    this.passed = 0;
    if (!this.isHealthy || this.failed < this.thresholds.unhealthy) return undefined;
    this.isHealthy = false;
    return "went-down";
  }
}
