/**
 * Buffers against destinations. Each store's chain proves the store was not changed on its own terms, but a
 * destination rewritten and re-hashed consistently, or a region's last flushed entry dropped from it, leaves
 * a valid chain. The buffers still hold what each region wrote, so this check walks every region's buffer
 * beside the destination entries that came from it and requires each buffered entry to have arrived
 * exactly once, unchanged and in order — or to be still waiting at the buffer's tail.
 */
import type { StoredEntry } from "./AuditLog";
import { canonicalJson } from "./canonical";

/** Per region: what the destinations hold of its buffer. */
export interface RegionCrossCheck {
  readonly region: string;
  /** Buffered entries found at a destination, unchanged. */
  readonly arrived: number;
  /** Buffered entries after the last one that arrived: waiting, at risk if the region were lost. */
  readonly pending: number;
  /** Buffered entries skipped at the destination while later ones arrived. */
  readonly missing: number;
  /** Destination entries whose content differs from the buffered original. */
  readonly altered: number;
  /** Destination entries claiming a buffer seq the buffer does not hold, or holding out of order. */
  readonly unmatched: number;
}

export interface CrossCheck {
  readonly ok: boolean;
  readonly regions: readonly RegionCrossCheck[];
  /** The first problems found (at most 10), each naming the store and seq. */
  readonly problems: readonly string[];
}

const PROBLEMS_KEPT = 10;

/** What the check reads of an entry. */
type CheckedEntry = Pick<StoredEntry, "seq" | "body">;

interface Cursor {
  readonly entries: Iterator<CheckedEntry>;
  next: CheckedEntry | undefined;
  arrived: number;
  missing: number;
  altered: number;
  unmatched: number;
}

/**
 * `destinations`: every destination store with its entries in seq order (a region's flushed entries then
 * come in buffer order). `buffers`: per region, its buffer's entries in seq order.
 */
export function crossCheckBuffers(
  destinations: Iterable<{ readonly name: string; readonly entries: Iterable<CheckedEntry> }>,
  buffers: ReadonlyMap<string, Iterable<CheckedEntry>>,
): CrossCheck {
  const problems: string[] = [];
  const problem = (text: string) => problems.length < PROBLEMS_KEPT && problems.push(text);
  const cursors = new Map<string, Cursor>();
  for (const [region, entries] of buffers) {
    const iterator = entries[Symbol.iterator]();
    const first = iterator.next();
    cursors.set(region, { entries: iterator, next: first.done ? undefined : first.value, arrived: 0, missing: 0, altered: 0, unmatched: 0 });
  }
  const advance = (cursor: Cursor) => {
    const result = cursor.entries.next();
    cursor.next = result.done ? undefined : result.value;
  };

  for (const store of destinations)
    for (const entry of store.entries) {
      const fields = JSON.parse(entry.body) as { region: string; buffer?: { seq: number; flushedAt: number } };
      if (!fields.buffer) continue;
      const cursor = cursors.get(fields.region);
      const where = `${store.name} seq ${entry.seq}`;
      if (!cursor) {
        problem(`${where} says it came from the buffer of ${fields.region}, which does not exist`);
        continue;
      }
      const claimed = fields.buffer.seq;
      while (cursor.next && cursor.next.seq < claimed) {
        cursor.missing++;
        problem(`buffer:${fields.region} seq ${cursor.next.seq} never reached a destination, though later entries did`);
        advance(cursor);
      }
      if (cursor.next?.seq !== claimed) {
        cursor.unmatched++;
        problem(`${where} claims buffer:${fields.region} seq ${claimed}, which the buffer does not hold at that point`);
        continue;
      }
      const { seq: _bufferSeq, ...record } = JSON.parse(cursor.next.body) as Record<string, unknown>;
      if (canonicalJson({ ...record, seq: entry.seq, buffer: fields.buffer }) === entry.body) cursor.arrived++;
      else {
        cursor.altered++;
        problem(`${where} differs from buffer:${fields.region} seq ${claimed}, the entry as its region wrote it`);
      }
      advance(cursor);
    }

  const regions: RegionCrossCheck[] = [];
  for (const [region, cursor] of cursors) {
    let pending = 0;
    for (; cursor.next; advance(cursor)) pending++;
    regions.push({ region, arrived: cursor.arrived, pending, missing: cursor.missing, altered: cursor.altered, unmatched: cursor.unmatched });
  }
  return { ok: problems.length === 0, regions, problems };
}

/**
 * Replica stores against the buffers: each copy of a high-risk entry must be exactly the entry its region
 * buffered, so a copy cannot vouch for something the region never wrote. Returns the problems found
 * (at most 10), each naming the store and seq.
 */
export function crossCheckReplicas(
  replicas: Iterable<{ readonly name: string; readonly entries: Iterable<StoredEntry> }>,
  bufferEntry: (region: string, seq: number) => StoredEntry | undefined,
): string[] {
  const problems: string[] = [];
  for (const store of replicas)
    for (const entry of store.entries) {
      if (problems.length >= PROBLEMS_KEPT) return problems;
      const { replicaOf, seq: _replicaSeq, ...record } = JSON.parse(entry.body) as { replicaOf?: { region: string; seq: number }; seq: number };
      const original = replicaOf && bufferEntry(replicaOf.region, replicaOf.seq);
      if (!original) problems.push(`${store.name} seq ${entry.seq} copies an entry no buffer holds`);
      else if (canonicalJson({ ...record, seq: replicaOf.seq }) !== original.body) problems.push(`${store.name} seq ${entry.seq} differs from buffer:${replicaOf.region} seq ${replicaOf.seq}`);
    }
  return problems;
}
