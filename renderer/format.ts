/**
 * How the app writes counts and the simulated clock in its text (the charts' axes have their own, in
 * charts/format.ts). Pure, so the rules are unit-tested rather than read off screenshots.
 */

/** A count with its noun, singular for exactly one: `1 entry`, `3 entries`, `0 gaps`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en")} ${count === 1 ? singular : pluralForm}`;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Virtual ms as mm:ss.mmm, or h:mm:ss.mmm from an hour up (a 10-hour drill reads 10:00:00.000, not 600:00.000). */
export function formatVirtualTime(ms: number): string {
  return clock(ms, true);
}

/** Virtual ms as the clock writes it without its milliseconds (mm:ss, h:mm:ss): a time axis's ticks. */
export function formatVirtualSeconds(ms: number): string {
  return clock(ms, false);
}

function clock(ms: number, withMillis: boolean): string {
  const whole = Math.max(0, Math.floor(ms));
  const seconds = Math.floor(whole / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor(seconds / 60) % 60;
  const tail = withMillis ? `${pad(seconds % 60, 2)}.${pad(whole % 1000, 3)}` : pad(seconds % 60, 2);
  return hours > 0 ? `${hours}:${pad(minutes, 2)}:${tail}` : `${pad(minutes, 2)}:${tail}`;
}

/** Four significant digits at most, integers as they are: the figures the command line's sweep summary prints. */
export function formatFigure(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** Wall time still to wait, to the second below a minute and to the minute above: `8 s`, `3 min`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
