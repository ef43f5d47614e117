/**
 * Where a run's time stops before its end: a virtual time, or a while after a state machine's transition the run
 * has not seen yet. A lesson holds its step's runs at each task's time (until the participant does it) and at the
 * step's pause; playing, stepping and running ahead all stop there, exactly, whoever drives the clock.
 */
import type { TransitionEvent } from "../events";

export interface TransitionWatch {
  readonly machine: TransitionEvent["machine"];
  readonly to: string;
  readonly subject?: string | undefined;
  /** How long after the transition time stops, ms. */
  readonly afterMs: number;
}

export class Holds {
  private at = Number.POSITIVE_INFINITY;
  private watch: TransitionWatch | null = null;
  /** When the watched transition came, ms; null while it has not. */
  private seenAt: number | null = null;
  /** Why time stops there, in the participant's words: what an attempt to play on is told. */
  reason = "";

  /** The earliest virtual ms time may reach; infinite when nothing holds it. */
  next(): number {
    return Math.min(this.at, this.seenAt === null ? Number.POSITIVE_INFINITY : this.seenAt + (this.watch?.afterMs ?? 0));
  }

  /** Holds at `ms`, for `reason`; a watched transition holds too, as it did. */
  set(reason: string, atMs: number): void {
    this.reason = reason;
    this.at = atMs;
  }

  /** Holds a while after the first transition `watch` describes from now on. */
  watchFor(watch: TransitionWatch): void {
    this.watch = watch;
    this.seenAt = null;
  }

  clear(): void {
    this.reason = "";
    this.at = Number.POSITIVE_INFINITY;
    this.watch = null;
    this.seenAt = null;
  }

  /** When the watched transition came, ms, or null. */
  get transitionAt(): number | null {
    return this.seenAt;
  }

  onTransition(event: TransitionEvent): void {
    const w = this.watch;
    if (this.seenAt !== null || !w) return;
    if (event.machine === w.machine && event.to === w.to && (w.subject === undefined || event.subject === w.subject)) this.seenAt = event.t;
  }
}
