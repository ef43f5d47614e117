/**
 * Time for the engine. Nothing in `engine/` reads wall time or native timers except this module:
 * every component receives a {@link Clock} and schedules through it, so a drill in virtual time and
 * the interactive app in paced real time run the very same code.
 *
 * All times are whole milliseconds since the start of the run (virtual time), never wall-clock epochs.
 */
import { TimerQueue } from "./timerQueue";

/**
 * Virtual time 0 as a wall-clock instant (2026-01-01T00:00:00Z): JWT times are seconds since the Unix
 * epoch, and a fixed start keeps every token, and so the audit log, the same from run to run.
 */
export const VIRTUAL_EPOCH_MS = 1_767_225_600_000;

/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerId = number;

/**
 * The engine's only source of time. Shaped so that XState v5 accepts it as `createActor(m, { clock })`.
 */
export interface Clock {
  /** Current virtual time, ms since the run started. Never decreases. */
  now(): number;
  /** Runs `fn` when virtual time has advanced by `delayMs` (>= 0). Equal due times fire in scheduling order. */
  setTimeout(fn: () => void, delayMs: number): TimerId;
  clearTimeout(id: TimerId): void;
  /** Resolves after `delayMs` of virtual time. See {@link WorkTracker} for sleeping on behalf of a request. */
  sleep(delayMs: number, workKey?: string): Promise<void>;
  /** Tracks asynchronous work the clock must wait for before it advances. */
  readonly work: WorkTracker;
}

/**
 * Asynchronous work that happens *between* timer events (a `fetch` travelling through MSW, the engine
 * digesting a response) must finish before virtual time may move on; otherwise the result would depend on
 * how many event-loop turns the transport happened to take (see shared/STACK.md, "Virtual time").
 *
 * A piece of work is identified by a key (a request id). The dispatcher opens it before the first
 * `await`; a simulated provider that sleeps on the clock for that request suspends it (the work is then
 * "blocked on the clock", not running); the dispatcher closes it once the outcome is digested. Closing is
 * final: a closed key is no longer suspended, so a sleeper that wakes after its caller gave up (a timed-out
 * attempt) cannot make it run again and stall the clock.
 */
export interface WorkTracker {
  open(key: string): void;
  close(key: string): void;
  /** The work with this key is waiting on a timer and no longer counts as running. */
  suspend(key: string): void;
  /** The timer the work waited on fired: it runs again (ignored when the key was closed). */
  resume(key: string): void;
  /**
   * Runs `onClose` if the work is closed before `release` is called: a simulated host uses it to drop the
   * timer of a request whose caller gave up. Returns `release`.
   */
  watchClose(key: string, onClose: () => void): () => void;
  readonly running: number;
}

class CountingWorkTracker implements WorkTracker {
  private readonly active = new Set<string>();
  private readonly suspended = new Set<string>();
  private readonly closeWatchers = new Map<string, () => void>();
  private onIdle: (() => void) | undefined;

  get running(): number {
    return this.active.size;
  }

  open(key: string): void {
    this.active.add(key);
  }

  close(key: string): void {
    this.suspended.delete(key);
    this.release(key);
    const watcher = this.closeWatchers.get(key);
    if (watcher) {
      this.closeWatchers.delete(key);
      watcher();
    }
  }

  watchClose(key: string, onClose: () => void): () => void {
    this.closeWatchers.set(key, onClose);
    return () => this.closeWatchers.delete(key);
  }

  suspend(key: string): void {
    if (!this.active.has(key)) return;
    this.suspended.add(key);
    this.release(key);
  }

  resume(key: string): void {
    if (this.suspended.delete(key)) this.active.add(key);
  }

  /** Resolves once nothing is running; used by the drivers of virtual time. */
  whenIdle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onIdle = resolve;
    });
  }

  private release(key: string): void {
    if (!this.active.delete(key)) return;
    if (this.active.size === 0 && this.onIdle) {
      const resolve = this.onIdle;
      this.onIdle = undefined;
      resolve();
    }
  }
}

/** Virtual ms time may not pass: fixed, or read each time (see {@link VirtualClock.step}). */
export type TimeLimit = number | (() => number);
const limitNow = (limit: TimeLimit): number => (typeof limit === "function" ? limit() : limit);

/** How many ticks of virtual time one tick of {@link VirtualClock.runPaced} may play when the host falls behind. */
const MAX_BACKLOG_TICKS = 4;

/** Yields one macrotask, so that promise chains and MSW's internal hops settle before we look again. */
export const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A discrete-event clock. Time moves only when a driver ({@link VirtualClock.runUntil} for drills,
 * {@link VirtualClock.runPaced} for the app) advances it, and only while no tracked work is running.
 * It refuses to go backwards, like XState's SimulatedClock.
 */
export class VirtualClock implements Clock {
  private current = 0;
  private seq = 0;
  private readonly timers = new TimerQueue();
  private readonly tracker = new CountingWorkTracker();
  private driving = false;

  get work(): WorkTracker {
    return this.tracker;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, delayMs: number): TimerId {
    if (!Number.isFinite(delayMs)) throw new RangeError(`timer delay must be finite, got ${delayMs}`);
    const id = ++this.seq;
    // Whole milliseconds: every time the engine records stays a short integer (cheap to serialise and
    // hash, easy to read in the audit log), and nothing simulated needs finer resolution.
    this.timers.push({ at: this.current + Math.max(0, Math.round(delayMs)), seq: id, fn });
    return id;
  }

  clearTimeout(id: TimerId): void {
    this.timers.cancel(id);
  }

  sleep(delayMs: number, workKey?: string): Promise<void> {
    return new Promise((resolve) => {
      this.setTimeout(() => {
        if (workKey !== undefined) this.tracker.resume(workKey);
        resolve();
      }, delayMs);
      if (workKey !== undefined) this.tracker.suspend(workKey);
    });
  }

  /** Number of pending timers (for memory checks and the UI's event list). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Timers the queue holds in memory, cancelled ones not yet dropped included. */
  get heldTimers(): number {
    return this.timers.held;
  }

  /**
   * Waits until no tracked work is running and no further work appeared during one more macrotask.
   */
  async settle(): Promise<void> {
    for (;;) {
      await this.tracker.whenIdle();
      await nextMacrotask();
      if (this.tracker.running === 0) return;
    }
  }

  /**
   * Fires the next timer (advancing time to its due time) once everything in flight has settled.
   * Returns false when no timer is due at or before `limit`. A limit that is a function is read after the
   * settling, so a limit the last timer's work moved (a lesson's pause on a state change) holds at once.
   */
  async step(limit: TimeLimit = Number.POSITIVE_INFINITY): Promise<boolean> {
    await this.settle();
    const next = this.timers.peek();
    if (!next || next.at > limitNow(limit)) return false;
    this.timers.pop();
    this.current = Math.max(this.current, next.at);
    next.fn();
    return true;
  }

  /**
   * Runs every event up to `endMs` as fast as the host allows, then parks time at `endMs`.
   * `onProgress` is called at most every `progressEveryMs` of virtual time.
   */
  async runUntil(endMs: TimeLimit, onProgress?: (nowMs: number) => void, progressEveryMs = 1000): Promise<void> {
    this.assertNotDriving();
    this.driving = true;
    let nextReport = this.current + progressEveryMs;
    try {
      while (await this.step(endMs)) {
        if (onProgress && this.current >= nextReport) {
          onProgress(this.current);
          nextReport = this.current + progressEveryMs;
        }
      }
      await this.settle();
      const end = limitNow(endMs);
      if (end > this.current) this.current = end;
    } finally {
      this.driving = false;
    }
  }

  /**
   * Plays events in step with the wall clock: `speed` virtual ms per wall ms. `wallNow` is injected
   * (performance.now in the app) so a test can pace it too. Each tick fires everything due by then; the
   * loop ends after the tick in which `shouldStop` says so. When the host cannot keep up with the speed,
   * a tick plays at most {@link MAX_BACKLOG_TICKS} ticks' worth and the debt is dropped: the run then goes
   * as fast as the host allows instead of bursting to catch up, and a pause still lands within a tick.
   * `onBehind` hears whether the last tick had to drop debt.
   */
  async runPaced(options: {
    speed: () => number;
    wallNow: () => number;
    shouldStop: () => boolean;
    waitWallMs: (ms: number) => Promise<void>;
    tickMs?: number;
    /** Virtual time is not played past this, ms (the end of the scenario, or a lesson's pause). */
    endMs?: TimeLimit;
    onBehind?: (behind: boolean) => void;
  }): Promise<void> {
    this.assertNotDriving();
    this.driving = true;
    const tick = options.tickMs ?? 16;
    try {
      let wallAnchor = options.wallNow();
      let virtualAnchor = this.current;
      let speed = options.speed();
      for (;;) {
        const tickStarted = options.wallNow();
        if (options.speed() !== speed) {
          wallAnchor = options.wallNow();
          virtualAnchor = this.current;
          speed = options.speed();
        }
        let target = Math.floor(virtualAnchor + (options.wallNow() - wallAnchor) * speed);
        const backlogLimit = this.current + Math.ceil(speed * tick * MAX_BACKLOG_TICKS);
        const behind = target > backlogLimit;
        if (behind) {
          target = backlogLimit;
          wallAnchor = options.wallNow();
          virtualAnchor = target;
        }
        options.onBehind?.(behind);
        const end = () => Math.min(target, limitNow(options.endMs ?? Number.POSITIVE_INFINITY));
        while (await this.step(end));
        if (end() > this.current) this.current = end();
        if (options.shouldStop() || this.current >= limitNow(options.endMs ?? Number.POSITIVE_INFINITY)) break;
        // Only the rest of the tick: a host that is behind spent it simulating and goes straight on.
        await options.waitWallMs(Math.max(0, tick - (options.wallNow() - tickStarted)));
      }
      await this.settle();
    } finally {
      this.driving = false;
    }
  }

  private assertNotDriving(): void {
    if (this.driving) throw new Error("VirtualClock is already being driven");
  }
}
