import { describe, expect, it } from "vitest";
import type { AuditFilter, AuditRow } from "../../engine/lab/contract";
import { AUDIT_PAGE_SIZE, AuditPageCache, DEFAULT_MAX_PAGES, type AuditPageFetcher } from "../../renderer/audit/pageCache";

const row = (seq: number): AuditRow => ({
  store: "canonical",
  seq,
  t: seq * 10,
  region: seq % 2 === 1 ? "eu-west" : "us-east",
  kind: "request",
  requestId: `r${seq}`,
  summary: "ok",
});

/** The filtered log of `size` entries, computed on demand so 100k rows never exist at once here either. */
function answer(size: number, filter: AuditFilter, offset: number, limit: number): { total: number; rows: AuditRow[] } {
  if (filter.region === undefined) {
    const end = Math.min(offset + limit, size);
    return { total: size, rows: Array.from({ length: Math.max(end - offset, 0) }, (_, i) => row(offset + i + 1)) };
  }
  const matching = Array.from({ length: size }, (_, i) => row(i + 1)).filter((r) => r.region === filter.region);
  return { total: matching.length, rows: matching.slice(offset, offset + limit) };
}

interface Call {
  readonly filter: AuditFilter;
  readonly offset: number;
  readonly limit: number;
}

/** A fetcher answering at once from a log whose size the test can change. */
function liveLog(initialSize: number) {
  const log = { size: initialSize, calls: [] as Call[] };
  const fetcher: AuditPageFetcher = async (filter, offset, limit) => {
    log.calls.push({ filter, offset, limit });
    return answer(log.size, filter, offset, limit);
  };
  return { log, fetcher };
}

/** A fetcher whose replies the test releases, in any order. */
function heldLog() {
  const calls: (Call & { answer(size: number): void; fail(message: string): void })[] = [];
  const fetcher: AuditPageFetcher = (filter, offset, limit) =>
    new Promise((resolve, reject) => {
      calls.push({ filter, offset, limit, answer: (size) => resolve(answer(size, filter, offset, limit)), fail: (message) => reject(new Error(message)) });
    });
  return { calls, fetcher };
}

/** Lets every settled promise's callbacks run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const call = <T>(calls: readonly T[], i: number): T => {
  const found = calls[i];
  if (!found) throw new Error(`no call ${i} (${calls.length} made)`);
  return found;
};

describe("AuditPageCache", () => {
  it("learns the total from the first page and loads further pages only when a range needs them", async () => {
    const { log, fetcher } = liveLog(100_000);
    const cache = new AuditPageCache(fetcher);
    expect(cache.total).toBeNull();

    await cache.refreshTotal();
    expect(cache.total).toBe(100_000);
    expect(log.calls).toEqual([{ filter: {}, offset: 0, limit: AUDIT_PAGE_SIZE }]);
    expect(cache.rowAt(0)?.seq).toBe(1);
    expect(cache.rowAt(250)).toBeUndefined();

    await cache.ensureRange(250, 260);
    expect(log.calls.map((c) => c.offset)).toEqual([0, 200]);
    expect(cache.rowAt(250)?.seq).toBe(251);

    await cache.ensureRange(250, 260);
    await cache.ensureRange(0, 10);
    expect(log.calls).toHaveLength(2);
  });

  it("holds at most maxPages pages while scrolling through 100,000 rows", async () => {
    const { log, fetcher } = liveLog(100_000);
    const cache = new AuditPageCache(fetcher);
    await cache.refreshTotal();
    const visible = 40;
    let mostPages = 0;
    for (let start = 0; start < 100_000; start += 37) {
      const end = Math.min(start + visible, 100_000);
      await cache.ensureRange(start, end);
      mostPages = Math.max(mostPages, cache.pageCount);
      expect(cache.rowAt(start)?.seq).toBe(start + 1);
      expect(cache.rowAt(end - 1)?.seq).toBe(end);
    }
    expect(mostPages).toBe(DEFAULT_MAX_PAGES);
    // Scrolling forward fetched each of the 500 pages once.
    expect(log.calls).toHaveLength(100_000 / AUDIT_PAGE_SIZE);

    let held = 0;
    for (let i = 0; i < 100_000; i++) if (cache.rowAt(i)) held++;
    expect(held).toBe(DEFAULT_MAX_PAGES * AUDIT_PAGE_SIZE);
    expect(cache.rowAt(0)).toBeUndefined();
    expect(cache.rowAt(99_999)?.seq).toBe(100_000);

    await cache.ensureRange(0, 40);
    expect(log.calls.at(-1)?.offset).toBe(0);
    expect(cache.pageCount).toBe(DEFAULT_MAX_PAGES);
  });

  it("evicts the least recently used page, not the oldest loaded", async () => {
    const { fetcher } = liveLog(10_000);
    const cache = new AuditPageCache(fetcher, { maxPages: 3 });
    await cache.ensureRange(0, 10); // page 0
    await cache.ensureRange(200, 210); // page 1
    await cache.ensureRange(400, 410); // page 2
    await cache.ensureRange(0, 10); // page 0 used again
    await cache.ensureRange(600, 610); // page 3 pushes out page 1
    expect(cache.rowAt(0)?.seq).toBe(1);
    expect(cache.rowAt(200)).toBeUndefined();
    expect(cache.rowAt(400)?.seq).toBe(401);
    expect(cache.rowAt(600)?.seq).toBe(601);
    expect(cache.pageCount).toBe(3);
  });

  it("sends one request for a page that several ranges ask for at once", async () => {
    const { calls, fetcher } = heldLog();
    const cache = new AuditPageCache(fetcher);
    const first = cache.ensureRange(0, 10);
    const second = cache.ensureRange(5, 60);
    const third = cache.ensureRange(150, 199);
    expect(calls).toHaveLength(1);

    call(calls, 0).answer(1000);
    await Promise.all([first, second, third]);
    expect(cache.rowAt(5)?.seq).toBe(6);
    expect(cache.rowAt(199)?.seq).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it("ignores replies to requests made for a previous filter", async () => {
    const { calls, fetcher } = heldLog();
    const cache = new AuditPageCache(fetcher);
    const old = cache.ensureRange(0, 10);
    const oldFailure = cache.ensureRange(200, 210);
    cache.setFilter({ region: "us-east" });
    const current = cache.ensureRange(0, 10);
    expect(calls.map((c) => [c.filter, c.offset])).toEqual([
      [{}, 0],
      [{}, 200],
      [{ region: "us-east" }, 0],
    ]);

    call(calls, 2).answer(500);
    await current;
    call(calls, 0).answer(1000);
    call(calls, 1).fail("too late to matter");
    await Promise.all([old, oldFailure]);

    expect(cache.total).toBe(250);
    expect(cache.rowAt(0)).toMatchObject({ seq: 2, region: "us-east" });
    expect(cache.error).toBeNull();
  });

  it("treats setting an equal filter as no change", async () => {
    const { log, fetcher } = liveLog(1000);
    const cache = new AuditPageCache(fetcher);
    cache.setFilter({ region: "eu-west" });
    await cache.ensureRange(0, 10);
    const generation = cache.generation;
    cache.setFilter({ region: "eu-west" });
    expect(cache.generation).toBe(generation);
    expect(cache.rowAt(0)?.seq).toBe(1);
    expect(log.calls).toHaveLength(1);
  });

  it("refreshTotal re-fetches the last page and picks up entries appended since", async () => {
    const { log, fetcher } = liveLog(250);
    const cache = new AuditPageCache(fetcher);
    await cache.refreshTotal();
    await cache.ensureRange(0, 250);
    expect(cache.total).toBe(250);
    expect(cache.rowAt(249)?.seq).toBe(250);
    expect(cache.rowAt(250)).toBeUndefined();

    log.size = 430;
    await cache.refreshTotal();
    expect(cache.total).toBe(430);
    expect(cache.rowAt(399)?.seq).toBe(400);
    expect(cache.rowAt(400)).toBeUndefined();

    await cache.ensureRange(380, 430);
    expect(cache.rowAt(429)?.seq).toBe(430);
    expect(log.calls.map((c) => c.offset)).toEqual([0, 200, 200, 400]);
  });

  it("reloads a page that came back partial when a later reply shows the log has grown past it", async () => {
    const { calls, fetcher } = heldLog();
    const cache = new AuditPageCache(fetcher);
    const pages = [cache.ensureRange(0, 10), cache.ensureRange(200, 210)];
    call(calls, 1).answer(250);
    call(calls, 0).answer(700);
    await Promise.all(pages);
    expect(cache.total).toBe(700);
    expect(cache.rowAt(249)?.seq).toBe(250);
    expect(cache.rowAt(250)).toBeUndefined();

    const reload = cache.ensureRange(240, 260);
    expect(calls.map((c) => c.offset)).toEqual([0, 200, 200]);
    call(calls, 2).answer(700);
    await reload;
    expect(cache.rowAt(259)?.seq).toBe(260);
  });

  it("folds refreshTotal calls made while one is in flight into a single follow-up", async () => {
    const { calls, fetcher } = heldLog();
    const cache = new AuditPageCache(fetcher);
    const first = cache.refreshTotal();
    const later = [cache.refreshTotal(), cache.refreshTotal(), cache.refreshTotal()];
    expect(calls).toHaveLength(1);

    call(calls, 0).answer(300);
    await flush();
    expect(calls).toHaveLength(2);
    expect(call(calls, 1).offset).toBe(200);

    call(calls, 1).answer(450);
    await Promise.all([first, ...later]);
    expect(cache.total).toBe(450);
    expect(calls).toHaveLength(2);
  });

  it("reports a failed request as an error, cleared by the next success, and notifies subscribers", async () => {
    const { calls, fetcher } = heldLog();
    const cache = new AuditPageCache(fetcher);
    let notified = 0;
    const unsubscribe = cache.subscribe(() => notified++);

    const failing = cache.refreshTotal();
    call(calls, 0).fail("host went away");
    await failing;
    expect(cache.error).toBe("host went away");
    expect(cache.total).toBeNull();
    expect(notified).toBe(1);

    const retry = cache.refreshTotal();
    call(calls, 1).answer(10);
    await retry;
    expect(cache.error).toBeNull();
    expect(cache.total).toBe(10);
    expect(notified).toBe(2);

    unsubscribe();
    cache.invalidate();
    expect(notified).toBe(2);
    expect(cache.total).toBeNull();
    expect(cache.pageCount).toBe(0);
  });
});
