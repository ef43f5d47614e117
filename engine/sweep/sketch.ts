/**
 * A distribution in bounded memory: a log-bucket sketch in the manner of DDSketch. A value v > 0 falls in bucket
 * ceil(log_γ v), γ = (1 + α) / (1 − α), and a quantile read from the bucket is within α of the true one,
 * relatively, whatever the number of values. Buckets are integer counts, so merging is adding counts: the
 * sketch of many shards is the same, bit for bit, in whatever order they come. Count, min, max and sum are exact.
 */

/** Relative accuracy of the quantiles: 1 %. */
export const SKETCH_ACCURACY = 0.01;

const GAMMA = (1 + SKETCH_ACCURACY) / (1 - SKETCH_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Smaller magnitudes count as zero: far below any figure a drill reports. */
const MIN_MAGNITUDE = 1e-9;

/** What a sketch tells of its values; quantiles within {@link SKETCH_ACCURACY}, the rest exact. Null without values. */
export interface Distribution {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export class LogSketch {
  private readonly positive = new Map<number, number>();
  private readonly negative = new Map<number, number>();
  private zeros = 0;
  private readonly sum = new ExactSum();
  /** Counts (requests, errors) read back as whole numbers, not as a bucket's midpoint. */
  private integers = true;
  count = 0;
  min = Infinity;
  max = -Infinity;

  add(value: number): void {
    if (!Number.isFinite(value)) throw new Error(`a sketch takes finite numbers, got ${value}`);
    this.count++;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
    this.sum.add(value);
    this.integers &&= Number.isInteger(value);
    if (Math.abs(value) < MIN_MAGNITUDE) this.zeros++;
    else bump(value > 0 ? this.positive : this.negative, Math.ceil(Math.log(Math.abs(value)) / LOG_GAMMA), 1);
  }

  /** Adds the other sketch's values to this one. */
  merge(other: LogSketch): void {
    this.count += other.count;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    this.sum.merge(other.sum);
    this.integers &&= other.integers;
    this.zeros += other.zeros;
    for (const [key, n] of other.positive) bump(this.positive, key, n);
    for (const [key, n] of other.negative) bump(this.negative, key, n);
  }

  /**
   * The value at quantile q (0..1) by nearest rank (the p99 of a few runs is the worst of them), the exact min
   * and max at 0 and 1 and clamped to them between, and rounded when every value was a whole number; NaN without values.
   */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    const buckets: [number, number][] = [
      ...[...this.negative].sort((a, b) => b[0] - a[0]).map(([key, n]): [number, number] => [-bucketValue(key), n]),
      [0, this.zeros],
      ...[...this.positive].sort((a, b) => a[0] - b[0]).map(([key, n]): [number, number] => [bucketValue(key), n]),
    ];
    for (const [value, n] of buckets) {
      seen += n;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, this.integers ? Math.round(value) : value));
    }
    return this.max;
  }

  distribution(): Distribution | null {
    if (this.count === 0) return null;
    const [p50, p95, p99] = [0.5, 0.95, 0.99].map((q) => this.quantile(q)) as [number, number, number];
    return { count: this.count, min: this.min, p50, p95, p99, max: this.max, mean: this.sum.value() / this.count };
  }
}

function bump(buckets: Map<number, number>, key: number, n: number): void {
  buckets.set(key, (buckets.get(key) ?? 0) + n);
}

/** The bucket's representative: the point within α of every value of the bucket. */
function bucketValue(key: number): number {
  return (2 * GAMMA ** key) / (GAMMA + 1);
}

/**
 * A float sum that does not depend on the order of its terms: Shewchuk's non-overlapping partials, read out
 * correctly rounded (the algorithm of Python's math.fsum), so shards summed in any order give the same bits.
 */
export class ExactSum {
  private partials: number[] = [];

  add(value: number): void {
    let x = value;
    let kept = 0;
    for (let y of this.partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) this.partials[kept++] = lo;
      x = hi;
    }
    this.partials.length = kept;
    this.partials.push(x);
  }

  merge(other: ExactSum): void {
    for (const partial of other.partials) this.add(partial);
  }

  value(): number {
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Half-way cases: the partials below decide which way the top two round, as exact rounding requires.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}
