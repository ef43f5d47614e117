/**
 * How the charts write numbers and durations on their axes and in their legends: one set for the app's
 * metrics charts and the report page, so a latency or a time reads the same in both. Browser-safe and pure.
 */

/** A legend readout: "–" where a series has no value at the cursor. */
export const orDash =
  (format: (value: number) => string) =>
  (_plot: unknown, value: number | null | undefined): string =>
    value == null ? "–" : format(value);

/** Latency in ms, switching to seconds with one decimal from a second up. */
export function formatLatency(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** Latency axis ticks, ms, in one unit: all in seconds once the largest reaches a second. */
export function formatLatencyTicks(splits: readonly number[]): string[] {
  return Math.max(...splits) >= 1000 ? splits.map((ms) => `${(ms / 1000).toFixed(1)} s`) : splits.map((ms) => `${Math.round(ms)} ms`);
}

/** Virtual seconds as m:ss, rounded to the second. */
export function formatClock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** Virtual seconds as written on the report, e.g. `90 s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds} s`;
}

/** A share 0..1 as a percentage, one decimal below 10 % so a low error rate does not read as 0 %. */
export function formatPercent(share: number): string {
  return `${Number((share * 100).toFixed(share < 0.1 ? 1 : 0))}%`;
}

/** A count or rate, to one decimal at most (`12`, `2.5`). */
export function formatAmount(value: number): string {
  return String(Math.round(value * 10) / 10);
}
