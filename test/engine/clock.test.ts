import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../engine/clock";

describe("VirtualClock", () => {
  it("fires timers in due order, equal due times in scheduling order, and never runs backwards", async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20);
    clock.setTimeout(() => {
      fired.push(`d@${clock.now()}`);
      // A zero delay scheduled from a timer fires after timers already due at the same time.
      clock.setTimeout(() => fired.push(`e@${clock.now()}`), 0);
    }, 20);
    await clock.runUntil(100);
    expect(fired).toEqual(["a@10", "b@20", "c@20", "d@20", "e@20"]);
    expect(clock.now()).toBe(100);
    await clock.runUntil(50);
    expect(clock.now()).toBe(100);
  });

  it("cancels timers", async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const id = clock.setTimeout(() => fired.push(1), 5);
    clock.setTimeout(() => fired.push(2), 6);
    clock.clearTimeout(id);
    await clock.runUntil(10);
    expect(fired).toEqual([2]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects a non-finite delay", () => {
    expect(() => new VirtualClock().setTimeout(() => {}, Number.NaN)).toThrow(/finite/);
  });

  it("does not advance while tracked work is running, and advances once it blocks on the clock", async () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    clock.setTimeout(() => order.push(`late@${clock.now()}`), 50);
    clock.setTimeout(() => {
      clock.work.open("job");
      // Work that takes several macrotasks of real time before it sleeps on the clock.
      setTimeout(() => {
        order.push(`job-starts-sleeping@${clock.now()}`);
        void clock.sleep(100, "job").then(() => {
          order.push(`job-woke@${clock.now()}`);
          setImmediate(() => {
            order.push(`job-done@${clock.now()}`);
            clock.work.close("job");
          });
        });
      }, 5);
    }, 10);
    await clock.runUntil(1000);
    expect(order).toEqual(["job-starts-sleeping@10", "late@50", "job-woke@110", "job-done@110"]);
  });

  it("ignores a resume for work that was closed, so a late sleeper cannot stall time", async () => {
    const clock = new VirtualClock();
    clock.work.open("attempt");
    const sleeping = clock.sleep(30, "attempt");
    clock.work.close("attempt");
    await clock.runUntil(100);
    await sleeping;
    expect(clock.work.running).toBe(0);
    expect(clock.now()).toBe(100);
  });

  it("tells a watcher when work is closed, and not after it released the watch", () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.work.open("a");
    clock.work.watchClose("a", () => seen.push("a closed"));
    clock.work.open("b");
    const release = clock.work.watchClose("b", () => seen.push("b closed"));
    release();
    clock.work.close("a");
    clock.work.close("b");
    expect(seen).toEqual(["a closed"]);
  });

  it("plays paced: virtual time follows the injected wall clock times the speed", async () => {
    const clock = new VirtualClock();
    let wall = 0;
    const fired: number[] = [];
    for (const at of [100, 200, 300, 400]) clock.setTimeout(() => fired.push(clock.now()), at);
    await clock.runPaced({
      speed: () => 10,
      wallNow: () => wall,
      shouldStop: () => wall >= 25,
      waitWallMs: async (ms) => {
        wall += ms;
      },
      tickMs: 5,
    });
    // 25 wall ms at 10× is 250 virtual ms: the timers due at 100 and 200 fired, those at 300 and 400 not yet.
    expect(fired).toEqual([100, 200]);
    expect(clock.now()).toBe(250);
  });

  it("drops the debt when the host falls behind, says so, and never plays past the end", async () => {
    const clock = new VirtualClock();
    let wall = 0;
    // Each event costs 100 wall ms of simulation: far slower than 10 virtual ms per wall ms.
    const slowEvent = () => {
      wall += 100;
      clock.setTimeout(slowEvent, 10);
    };
    clock.setTimeout(slowEvent, 10);
    const behind: boolean[] = [];
    const tickTargets: number[] = [];
    await clock.runPaced({
      speed: () => 10,
      wallNow: () => wall,
      shouldStop: () => false,
      waitWallMs: async (ms) => {
        tickTargets.push(clock.now());
        wall += ms;
      },
      tickMs: 5,
      endMs: 2_000,
      onBehind: (value) => behind.push(value),
    });
    // The first ticks keep up (nothing is due yet); from the first slow batch on, every tick is behind.
    expect(behind.slice(0, 2)).toEqual([false, false]);
    expect(behind.slice(2).every(Boolean)).toBe(true);
    // A tick plays at most 4 ticks' worth (4 × 5 ms × 10 = 200 virtual ms), however far the wall clock ran.
    for (let i = 1; i < tickTargets.length; i++) expect(tickTargets[i]! - tickTargets[i - 1]!).toBeLessThanOrEqual(200);
    expect(clock.now()).toBe(2_000);
  });
});

describe("VirtualClock timer bookkeeping", () => {
  it("ignores clearing a timer that already fired", async () => {
    const clock = new VirtualClock();
    const id = clock.setTimeout(() => clock.clearTimeout(id), 5);
    clock.setTimeout(() => {}, 10);
    expect(clock.pendingTimers).toBe(2);
    await clock.runUntil(6);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntil(20);
    expect(clock.pendingTimers).toBe(0);
  });

  it("lets go of cancelled timers long before they would have fired, and still fires the rest in order", async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const expected: { at: number; seq: number }[] = [];
    // Like a gateway at load: each request arms a long timeout and clears it when its short answer comes.
    for (let seq = 0; seq < 20_000; seq++) {
      const at = 30_000 + ((seq * 7919) % 5_000);
      const id = clock.setTimeout(() => fired.push(seq), at);
      if (seq % 10 === 0) expected.push({ at, seq });
      else clock.clearTimeout(id);
    }
    expect(clock.pendingTimers).toBe(2_000);
    // At most as many cancelled timers as live ones stay held; without the rebuild all 20,000 would, with their
    // closures, until 30 s.
    expect(clock.heldTimers).toBeLessThan(2 * 2_000);
    await clock.runUntil(40_000);
    expected.sort((a, b) => a.at - b.at || a.seq - b.seq);
    expect(fired).toEqual(expected.map((timer) => timer.seq));
    expect(clock.heldTimers).toBe(0);
  });
});
