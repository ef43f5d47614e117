/**
 * A window onto the audit log for the inspector: pages of rows fetched on demand for the visible range and
 * kept in a small LRU, so a log of 100k entries never lives in the page whole. Framework-free; React
 * subscribes through {@link AuditPageCache.subscribe}.
 */
import type { AuditFilter, AuditRow } from "../../engine/lab/contract";

/** Rows per page request (the host allows up to `AUDIT_PAGE_LIMIT`). */
export const AUDIT_PAGE_SIZE = 200;
/** Pages kept in memory by default: 20 × 200 = 4,000 rows at most. */
export const DEFAULT_MAX_PAGES = 20;

/** Loads `limit` rows of the filtered log from `offset` (0-based), with the filtered log's total size. */
export type AuditPageFetcher = (filter: AuditFilter, offset: number, limit: number) => Promise<{ readonly total: number; readonly rows: readonly AuditRow[] }>;

export interface AuditPageCacheOptions {
  readonly pageSize?: number;
  readonly maxPages?: number;
}

interface StoredPage {
  readonly rows: readonly AuditRow[];
  /** Order in which its request was issued: a reply never overwrites a page from a later request. */
  readonly ticket: number;
}

interface PendingPage {
  readonly ticket: number;
  readonly done: Promise<void>;
}

interface Refresh {
  again: boolean;
  done: Promise<void>;
}

const sameFilter = (a: AuditFilter, b: AuditFilter) => a.region === b.region && a.requestId === b.requestId && a.kind === b.kind && a.outcome === b.outcome;

export class AuditPageCache {
  private readonly pageSize: number;
  private readonly maxPages: number;
  /** Map order is recency order: the first key is the least recently used page. */
  private readonly pages = new Map<number, StoredPage>();
  private readonly pending = new Map<number, PendingPage>();
  private readonly listeners = new Set<() => void>();
  private currentFilter: AuditFilter = {};
  private knownTotal: number | null = null;
  private lastError: string | null = null;
  private refreshing: Refresh | null = null;
  private tickets = 0;
  private generationCount = 0;
  private versionCount = 0;

  constructor(
    private readonly fetcher: AuditPageFetcher,
    options: AuditPageCacheOptions = {},
  ) {
    this.pageSize = options.pageSize ?? AUDIT_PAGE_SIZE;
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  /** Rows matching the filter, or null until the first reply for this filter arrived. */
  get total(): number | null {
    return this.knownTotal;
  }

  get filter(): AuditFilter {
    return this.currentFilter;
  }

  /** Message of the last failed request for the current filter; cleared by the next successful one. */
  get error(): string | null {
    return this.lastError;
  }

  /** Pages currently held; never more than `maxPages`. */
  get pageCount(): number {
    return this.pages.size;
  }

  /** Increases on every invalidation, so a view knows its visible range must be loaded again. */
  get generation(): number {
    return this.generationCount;
  }

  /** Increases on every change a view could show (for `useSyncExternalStore`). */
  get version(): number {
    return this.versionCount;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The row at `index` (0-based, in filtered order), or undefined while its page is not loaded. */
  rowAt(index: number): AuditRow | undefined {
    const page = Math.floor(index / this.pageSize);
    return this.pages.get(page)?.rows[index - page * this.pageSize];
  }

  /** Switches to another filter, dropping everything loaded for the old one. Same filter: no-op. */
  setFilter(filter: AuditFilter): void {
    if (sameFilter(filter, this.currentFilter)) return;
    this.currentFilter = filter;
    this.invalidate();
  }

  /**
   * Drops every page, the total and in-flight requests; replies to requests issued before this call are
   * ignored. For a filter change, and for a log that was replaced (a reset run starts a new log).
   */
  invalidate(): void {
    this.generationCount += 1;
    this.pages.clear();
    this.pending.clear();
    this.refreshing = null;
    this.knownTotal = null;
    this.lastError = null;
    this.notify();
  }

  /**
   * Loads the pages covering rows [start, end) that are missing or were partial when fetched, and marks the
   * covered pages most recently used. A range longer than the cache holds is cut to its first `maxPages`
   * pages. Never rejects: a failure is reported through {@link error}.
   */
  ensureRange(start: number, end: number): Promise<void> {
    const stop = this.knownTotal === null ? end : Math.min(end, this.knownTotal);
    if (stop <= start) return Promise.resolve();
    const first = Math.floor(start / this.pageSize);
    const last = Math.min(Math.floor((stop - 1) / this.pageSize), first + this.maxPages - 1);
    const waits: Promise<void>[] = [];
    for (let page = first; page <= last; page++) {
      const stored = this.pages.get(page);
      if (stored && this.isComplete(page, stored)) this.touch(page, stored);
      else waits.push(this.pending.get(page)?.done ?? this.load(page));
    }
    return Promise.all(waits).then(() => undefined);
  }

  /**
   * Re-fetches the last page (the first one while the total is unknown) to learn how far the log has grown.
   * Calls while one is in flight are folded into a single follow-up request, so a stream of snapshots
   * costs at most one request in flight and one queued, and the answer is never older than the last call.
   */
  refreshTotal(): Promise<void> {
    if (this.refreshing) {
      this.refreshing.again = true;
      return this.refreshing.done;
    }
    const refresh: Refresh = { again: false, done: Promise.resolve() };
    this.refreshing = refresh;
    refresh.done = this.runRefresh(refresh);
    return refresh.done;
  }

  private async runRefresh(refresh: Refresh): Promise<void> {
    do {
      refresh.again = false;
      const lastRow = Math.max((this.knownTotal ?? 0) - 1, 0);
      await this.load(Math.floor(lastRow / this.pageSize));
    } while (refresh.again && this.refreshing === refresh);
    if (this.refreshing === refresh) this.refreshing = null;
  }

  /** A page shorter than a full page is complete only if it still reaches the end of the log. */
  private isComplete(page: number, stored: StoredPage): boolean {
    return stored.rows.length === this.pageSize || (this.knownTotal !== null && page * this.pageSize + stored.rows.length >= this.knownTotal);
  }

  private touch(page: number, stored: StoredPage): void {
    this.pages.delete(page);
    this.pages.set(page, stored);
  }

  private load(page: number): Promise<void> {
    const generation = this.generationCount;
    const ticket = ++this.tickets;
    const isCurrent = () => generation === this.generationCount;
    const settle = () => {
      if (this.pending.get(page)?.ticket === ticket) this.pending.delete(page);
    };
    // A fetcher that throws synchronously is treated like one that rejects.
    const request = new Promise<Awaited<ReturnType<AuditPageFetcher>>>((resolve) => resolve(this.fetcher(this.currentFilter, page * this.pageSize, this.pageSize)));
    const done = request.then(
      (reply) => {
        if (!isCurrent()) return;
        settle();
        const stored = this.pages.get(page);
        if (!stored || stored.ticket < ticket) this.store(page, { rows: reply.rows, ticket });
        // Within one generation the log only grows, so a late reply from before an append cannot shrink it.
        this.knownTotal = Math.max(this.knownTotal ?? 0, reply.total);
        this.lastError = null;
        this.notify();
      },
      (error: unknown) => {
        if (!isCurrent()) return;
        settle();
        this.lastError = error instanceof Error ? error.message : String(error);
        this.notify();
      },
    );
    this.pending.set(page, { ticket, done });
    return done;
  }

  private store(page: number, stored: StoredPage): void {
    this.touch(page, stored);
    for (const oldest of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) break;
      this.pages.delete(oldest);
    }
  }

  private notify(): void {
    this.versionCount += 1;
    for (const listener of this.listeners) listener();
  }
}
