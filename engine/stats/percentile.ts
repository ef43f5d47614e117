/**
 * The one percentile definition of Failover Lab: the report's totals, its per-second series (which the
 * charts plot) and routing's passive latency p95 all compute it here.
 *
 * Definition: linear interpolation between the closest ranks — Hyndman & Fan's type 7, the default of R's
 * `quantile` and of numpy's `percentile`. For n values sorted ascending and a fraction q in 0..1, the rank
 * is h = (n − 1)·q (0-based); the percentile is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌈h⌉] − x[⌊h⌋]). q = 0 gives the
 * minimum, q = 1 the maximum, and the result need not be one of the values. Routing used this definition
 * (through simple-statistics) before it was written here, so its decisions did not change.
 */

/**
 * The percentile of `count` values given by rank: `valueAt(i)` is the i-th smallest (0-based), and is asked
 * for at most two ranks. Throws for no values or a fraction outside 0..1.
 */
function percentileByRank(count: number, fraction: number, valueAt: (rank: number) => number): number {
  if (count === 0) throw new Error("a percentile needs at least one value");
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`a percentile's fraction must be within 0..1, got ${fraction}`);
  const rank = (count - 1) * fraction;
  const below = Math.floor(rank);
  const lower = valueAt(below);
  if (below === rank) return lower;
  // Written as simple-statistics' quantileSorted writes it, so routing's numbers are the same to the last bit.
  return lower + (rank - below) * (valueAt(below + 1) - lower);
}

/** The percentile of values sorted ascending; `fraction` 0..1 (0.95 for p95). See the module for the definition. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  return percentileByRank(sorted.length, fraction, (rank) => sorted[rank]!);
}

/**
 * Whole milliseconds counted by value, for percentiles over more values than are worth keeping: memory
 * grows with the number of distinct whole milliseconds seen (bounded by the longest latency), not with the
 * number of values. Percentiles are exact over the values as rounded.
 */
export class MillisecondCounts {
  private readonly counts = new Map<number, number>();
  private total = 0;

  /** Counts `ms`, rounded to the whole millisecond. */
  record(ms: number): void {
    const key = Math.round(ms);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total++;
  }

  /** How many values were recorded. */
  get count(): number {
    return this.total;
  }

  /** The percentile of the recorded values, ms; `fraction` 0..1. Throws when nothing was recorded. */
  percentile(fraction: number): number {
    const values = [...this.counts.keys()].sort((a, b) => a - b);
    // Cumulative counts: values[i] holds ranks from ends[i - 1] up to ends[i] - 1.
    const ends: number[] = [];
    let seen = 0;
    for (const value of values) ends.push((seen += this.counts.get(value)!));
    return percentileByRank(this.total, fraction, (rank) => values[firstAbove(ends, rank)]!);
  }
}

/** Index of the first element of ascending `ends` greater than `rank`. */
function firstAbove(ends: readonly number[], rank: number): number {
  let low = 0;
  let high = ends.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ends[middle]! > rank) high = middle;
    else low = middle + 1;
  }
  return low;
}
