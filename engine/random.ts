/**
 * The engine's only source of randomness: one seed, from which every consumer derives a named,
 * independent stream. Deriving by name (not by call order) keeps a run reproducible even where
 * asynchronous work interleaves differently, and lets another seed change the traffic but not the rules.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability `p` (0..1). */
  chance(p: number): boolean;
  /** Exponentially distributed delay with the given rate (events per unit); the gap of a Poisson process. */
  exponential(rate: number): number;
  /** Log-normal sample with the given median and 95th percentile, for latencies (same unit as inputs). */
  logNormal(median: number, p95: number): number;
  /** An independent stream named `key`; the same seed and key always give the same stream. */
  fork(key: string): Random;
}

/** z-score of the 95th percentile of the standard normal distribution. */
const Z95 = 1.6448536269514722;

class SeededRandom implements Random {
  private readonly generator: JumpableRandomGenerator;
  private spareNormal: number | undefined;

  constructor(private readonly seedKey: string) {
    this.generator = xoroshiro128plus(hashKey(seedKey));
  }

  next(): number {
    return uniformFloat64(this.generator);
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  exponential(rate: number): number {
    if (!(rate > 0)) throw new RangeError(`exponential rate must be positive, got ${rate}`);
    return -Math.log(1 - this.next()) / rate;
  }

  logNormal(median: number, p95: number): number {
    const sigma = p95 > median ? Math.log(p95 / median) / Z95 : 0;
    return median * Math.exp(sigma * this.standardNormal());
  }

  fork(key: string): Random {
    return new SeededRandom(`${this.seedKey}/${key}`);
  }

  /** Box–Muller, keeping the second value of each pair. */
  private standardNormal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u = 1 - this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }
}

/**
 * A 32-bit seed from a stream name (cyrb53's mixing, truncated). Streams are forked per request, so this
 * runs thousands of times a second: a cryptographic hash here cost ~3 % of a drill, and nothing needs one.
 */
function hashKey(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) | 0;
}

/** The root random source of a run. */
export function seededRandom(seed: number): Random {
  return new SeededRandom(`failover-lab:${seed}`);
}
