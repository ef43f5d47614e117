/**
 * The hold-back of a streamed answer (scenario `gateway.stream_holdback`): its first chunks wait at the
 * gateway before any goes out. A stream that breaks while they wait has sent the caller nothing, so it
 * restarts cleanly on any fallback, a target that cannot continue from a prefill included; once they have
 * gone out, a break needs a target that continues the answer, as without a hold-back. The price is time to
 * first token: the first chunk leaves with the (N+1)-th, or the first one `ms` after it.
 *
 * Pure: the time comes in with each chunk, and what goes out is returned for the caller to send.
 */
import type { StreamHoldback } from "../scenario/sections/gateway";

export class HoldBack<T> {
  private held: T[] = [];
  private firstAt: number | undefined;
  private released = false;

  constructor(private readonly setting: StreamHoldback) {}

  /** Takes a chunk that arrived at `now` (virtual ms); answers the chunks that go out now, in order. */
  take(chunk: T, now: number): readonly T[] {
    if (this.released) return [chunk];
    this.held.push(chunk);
    this.firstAt ??= now;
    const over = "chunks" in this.setting ? this.held.length > this.setting.chunks : now - this.firstAt >= this.setting.ms;
    return over ? this.release() : [];
  }

  /** The answer is whole: whatever is held goes out, and so does everything after. */
  release(): readonly T[] {
    this.released = true;
    const out = this.held;
    this.held = [];
    return out;
  }

  /** The attempt broke while its chunks were held: they never reach the caller, and the next attempt is held afresh. */
  discard(): void {
    this.held = [];
    this.firstAt = undefined;
  }
}
