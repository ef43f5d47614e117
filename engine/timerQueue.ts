/**
 * The virtual clock's pending timers (engine/clock.ts): a min-heap by due time, then scheduling order, with
 * cancellation that lets go of what a cancelled timer held at once.
 */

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled?: true;
}

const releasedTimer = (): void => {};

/** Below this many cancelled timers the heap is not rebuilt: small heaps just pop them when due. */
const COMPACT_MIN_CANCELLED = 1024;

/**
 * Binary min-heap ordered by (due time, scheduling sequence): equal times fire in scheduling order.
 *
 * Cancelling is lazy (the timer stays in the heap until it surfaces), but it drops the timer's closure at
 * once and rebuilds the heap once cancelled timers are half of it: a request's 30 s timeout, cleared when
 * the answer came after 1 s, would otherwise hold the whole request for 29 s more, and at 10,000 requests
 * a second that is hundreds of thousands of dead requests (BENCHMARKS, "Absurd runs").
 */
export class TimerQueue {
  private heap: Timer[] = [];
  /** Timers still in the heap by sequence number, so cancelling a timer that already fired is a no-op. */
  private readonly pending = new Map<number, Timer>();
  private cancelledInHeap = 0;

  get size(): number {
    return this.heap.length - this.cancelledInHeap;
  }

  /** Timers in the heap, cancelled ones included (what the queue holds in memory). */
  get held(): number {
    return this.heap.length;
  }

  push(timer: Timer): void {
    this.pending.set(timer.seq, timer);
    this.heap.push(timer);
    this.siftUp(this.heap.length - 1);
  }

  cancel(seq: number): void {
    const timer = this.pending.get(seq);
    if (!timer || timer.cancelled) return;
    timer.cancelled = true;
    timer.fn = releasedTimer;
    this.cancelledInHeap++;
    if (this.cancelledInHeap >= COMPACT_MIN_CANCELLED && this.cancelledInHeap * 2 >= this.heap.length) this.compact();
  }

  /** Earliest live timer, discarding cancelled ones on the way. */
  peek(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) {
      this.cancelledInHeap--;
      this.popTop();
    }
    return this.heap[0];
  }

  pop(): Timer | undefined {
    const top = this.peek();
    if (top) this.popTop();
    return top;
  }

  /** Drops every cancelled timer and restores the heap order in linear time (Floyd's heapify). */
  private compact(): void {
    const live: Timer[] = [];
    for (const timer of this.heap) {
      if (timer.cancelled) this.pending.delete(timer.seq);
      else live.push(timer);
    }
    this.heap = live;
    this.cancelledInHeap = 0;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private popTop(): void {
    const heap = this.heap;
    this.pending.delete(heap[0]!.seq);
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    this.siftDown(0);
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
