/**
 * The scrubber's time axis: where its labelled ticks go. Pure, so the choice of step is tested without a page.
 */

/** Steps between labelled ticks, virtual seconds: whole seconds, minutes and hours a reader counts in. */
const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/**
 * Tick times, virtual ms, from 0 to `durationMs` at the smallest step that leaves `minGapPx` between two
 * labels on a scrubber `widthPx` wide; the scenario's end is labelled only where it clears the last tick.
 */
export function timeAxisTicks(durationMs: number, widthPx: number, minGapPx: number): number[] {
  if (durationMs <= 0 || widthPx <= 0) return [];
  const pxPerMs = widthPx / durationMs;
  const stepMs = (STEPS_S.find((s) => s * 1000 * pxPerMs >= minGapPx) ?? STEPS_S.at(-1)!) * 1000;
  const ticks: number[] = [];
  for (let t = 0; t <= durationMs; t += stepMs) ticks.push(t);
  const last = ticks.at(-1)!;
  if (last !== durationMs && (durationMs - last) * pxPerMs >= minGapPx) ticks.push(durationMs);
  return ticks;
}
