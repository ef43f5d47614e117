/**
 * The audit inspector's questions of a run: a page of entries (three strategies: by request id across
 * every store, one destination log, or every region's log merged by time), one entry with its chain links,
 * an inclusion proof, and the chains verified now.
 */
import type { StoredEntry } from "../audit/AuditLog";
import { leafHash, verifyInclusion } from "../audit/merkle";
import { byTime, type AuditStore, type LocatedEntry } from "../audit/system";
import { describeFault } from "../scenario/describeFault";
import type { Fault } from "../scenario/schema";
import type { AuditEntryDetail, AuditFilter, AuditRow, ChainStatus, CommandInputs, CommandResults, InclusionProofView, TransitionView } from "./contract";
import type { Run } from "./run";

export function auditPage(run: Run | undefined, { filter, offset, limit }: CommandInputs["auditPage"]): CommandResults["auditPage"] {
  if (!run) return { total: 0, rows: [] };
  const audit = run.audit.system;
  if (filter.requestId !== undefined) {
    // Region-agnostic: whichever region handled the request, and whether or not it has left its buffer.
    const found = audit.findRequest(filter.requestId).filter(({ entry }) => matches(entry, filter));
    return { total: found.length, rows: found.slice(offset, offset + limit).map(({ store, entry }) => toRow(store, entry)) };
  }
  if (run.scenario.audit.pattern === "central") {
    const store = audit.destinations()[0]!;
    const { total, entries } = store.log.query(filter, offset, limit);
    return { total, rows: entries.map((entry) => toRow(store.name, entry)) };
  }
  // Pattern B's global query: every region's log merged by time.
  if (Object.keys(filter).length === 0) {
    const { total, entries } = audit.timelinePage(offset, limit);
    return { total, rows: entries.map(({ store, entry }) => toRow(store, entry)) };
  }
  let total = 0;
  const found: LocatedEntry[] = [];
  for (const store of audit.destinations()) {
    const page = store.log.query(filter, 0, offset + limit);
    total += page.total;
    found.push(...page.entries.map((entry) => ({ store: store.name, entry })));
  }
  return { total, rows: found.sort(byTime).slice(offset, offset + limit).map(({ store, entry }) => toRow(store, entry)) };
}

export function auditEntry(run: Run, { seq, store: storeName }: CommandInputs["auditEntry"]): AuditEntryDetail {
  const store = storeName === undefined ? run.audit.system.destinations()[0]! : storeNamed(run, storeName);
  const entry = store.log.entry(seq);
  if (!entry) throw new Error(`no audit entry with seq ${seq} in ${store.name}`);
  const next = store.log.entry(seq + 1);
  return { ...toRow(store.name, entry), body: JSON.parse(entry.body), prevHash: entry.prevHash, hash: entry.hash, nextPrevHash: next?.prevHash ?? null };
}

/** An RFC 6962 inclusion proof of one entry of a destination log, against the log's root as verified now. */
export function auditProof(run: Run, { seq, store: storeName }: CommandInputs["auditProof"]): InclusionProofView {
  const log = storeName === undefined ? run.audit.system.destinations()[0]! : storeNamed(run, storeName);
  if (log.role !== "destination")
    throw new Error(
      log.role === "buffer"
        ? `this entry is still waiting in ${log.name}; its inclusion proof comes once it reaches its destination log`
        : `inclusion proofs cover the destination logs; ${log.name} keeps copies`,
    );
  run.audit.catchUp();
  const entry = log.log.entry(seq);
  if (!entry) throw new Error(`no audit entry with seq ${seq} in ${log.name}`);
  const proofTree = run.audit.proofTree(log.name);
  if (seq > proofTree.size) throw new Error(`entry ${seq} is not in the verified part of the log yet (${proofTree.size} entries)`);
  // Against a signed root where one covers the entry (and is this log's tree at its size), else today's root.
  const signed = (run.signedCheckpoints[log.name]?.checkpoints ?? [])
    .map((c, i) => ({ ...c, index: i + 1 }))
    .find(({ checkpoint }) => checkpoint.size >= seq && checkpoint.size <= proofTree.size && proofTree.root(checkpoint.size) === checkpoint.root);
  const treeSize = signed?.checkpoint.size ?? proofTree.size;
  const leafIndex = seq - 1;
  const path = proofTree.inclusionProof(leafIndex, treeSize);
  const root = proofTree.root(treeSize);
  const leaf = leafHash(entry.body);
  return {
    seq,
    log: log.name,
    leafIndex,
    treeSize,
    leafHash: leaf,
    root,
    path,
    verified: verifyInclusion(leaf, leafIndex, treeSize, path, root).ok,
    checkpoint: signed ? { index: signed.index, treeSize, t: signed.checkpoint.t, keyId: signed.keyId } : null,
  };
}

export function verifyChain(run: Run): ChainStatus {
  return run.audit.catchUp();
}

function storeNamed(run: Run, name: string): AuditStore {
  const stores = run.audit.system.allStores();
  const store = stores.find((s) => s.name === name);
  if (!store) throw new Error(`no audit store ${name} in this run (stores: ${stores.map((s) => s.name).join(", ")})`);
  return store;
}

/** The rest of a filter, for entries found by request id; the outcome is read from the body as SQL reads it. */
function matches(entry: StoredEntry, filter: AuditFilter): boolean {
  if (filter.region !== undefined && entry.region !== filter.region) return false;
  if (filter.kind !== undefined && entry.kind !== filter.kind) return false;
  return filter.outcome === undefined || (JSON.parse(entry.body) as { outcome?: string }).outcome === filter.outcome;
}

function toRow(store: string, entry: StoredEntry): AuditRow {
  const body = JSON.parse(entry.body) as Record<string, unknown>;
  const row = { store, seq: entry.seq, t: entry.t, region: entry.region, kind: entry.kind, requestId: entry.requestId, summary: summarise(entry.kind, body) };
  return entry.kind === "transition" ? { ...row, transition: transitionOf(body) } : row;
}

/** A transition entry's change of state, as the UI words it. */
function transitionOf(body: Record<string, unknown>): TransitionView {
  const { machine, subject, from, to, cause } = body as Record<keyof TransitionView, unknown>;
  return { machine: String(machine), subject: String(subject), from: String(from), to: String(to), cause: String(cause) };
}

function summarise(kind: string, body: Record<string, unknown>): string {
  switch (kind) {
    case "request": {
      const served = body.servedBy as { target: string } | undefined;
      return body.outcome === "ok" ? `ok via ${served?.target ?? "?"}` : `${String(body.outcome)}: ${String(body.reason ?? "")}`;
    }
    case "transition":
      return `${String(body.machine)} ${String(body.subject)}: ${String(body.from)} → ${String(body.to)}`;
    case "fault":
      return `${String(body.action)} ${String(body.faultId)}: ${describeFault(body.fault as Fault)}`;
    default:
      return `run of ${String(body.scenario)} (seed ${String(body.seed)})`;
  }
}
