/**
 * Memory over a long run, as the soak and the endpoint's clients measure it: samples of the heap and the
 * resident set after a forced GC, and how flat they are — the slope from the second quarter of the samples
 * to the last, in MB per hour, so the first quarter (V8's heap and the allocators reaching their working
 * size, SQLite's page caches filling) does not count as growth.
 */

/** One sample: when (hours into the run, virtual or wall as the part says), heap used and resident set, MB. */
export interface MemorySample {
  readonly hours: number;
  readonly heapMb: number;
  readonly rssMb: number;
}

/**
 * A sample now, after a forced GC; throws without `--expose-gc` (`npm run bench` has it). Synchronous, so a
 * run's clock does not move while it is taken; what finalizers free after a collection shows in the next.
 */
export function sampleMemory(hours: number): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc (npm run bench does)");
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { hours, heapMb: heapUsed / 1e6, rssMb: rss / 1e6 };
}

/**
 * Growth from the second quarter of the samples to the last, MB per hour: the difference of the two
 * quarters' means over the time between their midpoints. Needs at least 4 samples.
 */
export function quarterSlope(samples: readonly MemorySample[], of: (sample: MemorySample) => number): number {
  const quarter = Math.floor(samples.length / 4);
  if (quarter === 0) throw new Error(`at least 4 samples are needed, got ${samples.length}`);
  const mean = (part: readonly MemorySample[], value: (sample: MemorySample) => number) => part.reduce((sum, s) => sum + value(s), 0) / part.length;
  const second = samples.slice(quarter, 2 * quarter);
  const last = samples.slice(samples.length - quarter);
  const hours = mean(last, (s) => s.hours) - mean(second, (s) => s.hours);
  return (mean(last, of) - mean(second, of)) / hours;
}

/** The samples as a table cell: a value every `every` samples (the last always), then the slopes. */
export function describeMemory(samples: readonly MemorySample[], every: number, unit: string): { heap: string; rss: string; slopes: string } {
  const shown = samples.filter((_, i) => i % every === 0 || i === samples.length - 1);
  const list = (of: (sample: MemorySample) => number) => shown.map(of).map((mb) => mb.toFixed(0)).join(", ");
  const signed = (mb: number) => `${mb >= 0 ? "+" : ""}${mb.toFixed(2)}`;
  const heapSlope = quarterSlope(samples, (s) => s.heapMb);
  const rssSlope = quarterSlope(samples, (s) => s.rssMb);
  return {
    heap: `${list((s) => s.heapMb)} MB`,
    rss: `${list((s) => s.rssMb)} MB`,
    slopes: `heap ${signed(heapSlope)} MB/${unit}, resident set ${signed(rssSlope)} MB/${unit}`,
  };
}
