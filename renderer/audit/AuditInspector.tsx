/**
 * The audit log, browsable while the run plays: filters, a virtualized list over a windowed page cache
 * (the log can hold 100k entries; the page holds a few thousand rows at most), the chain-verification
 * badge, and one entry's detail with its hash link.
 */
import { Fragment, useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { REQUEST_OUTCOMES, type AuditEntryDetail, type AuditFilter, type AuditRow, type ChainStatus, type InclusionProofView, type LabApi } from "../../engine/lab/contract";
import { formatVirtualTime, plural } from "../format";
import { transitionText } from "../stateLabels";
import { AuditPageCache } from "./pageCache";

const ROW_HEIGHT = 26;
/** Typing a request id asks the host once the typing pauses, not once per keystroke. */
const REQUEST_ID_DEBOUNCE_MS = 250;
const REQUEST_ID_MAX = 200;
/** Rows are fetched once the visible range has held still this long. */
const SCROLL_SETTLE_MS = 60;
const KINDS = ["request", "transition", "fault", "run"] as const satisfies readonly NonNullable<AuditFilter["kind"]>[];
/** Run entries are written under this region rather than a real one. */
const GLOBAL_REGION = "global";
const numberFormat = new Intl.NumberFormat("en-US");

/** A transition entry's change of state in words; any other entry as the engine summed it up. */
const summaryOf = (row: AuditRow) => (row.transition ? transitionText(row.transition) : row.summary);

type Outcome = (typeof REQUEST_OUTCOMES)[number];
type Kind = (typeof KINDS)[number];

type Detail =
  | { readonly status: "none" }
  | { readonly status: "loading"; readonly seq: number; readonly store: string }
  | { readonly status: "ready"; readonly entry: AuditEntryDetail }
  | { readonly status: "error"; readonly seq: number; readonly store: string; readonly message: string };

export function AuditInspector(props: {
  api: Pick<LabApi, "auditPage" | "auditEntry" | "auditProof" | "verifyChain">;
  /** Entries in the whole log, from the snapshot: growth refreshes the list, a drop means the log was reset. */
  entries: number;
  /**
   * The loaded scenario's file and the run's virtual time, from the snapshot: another file, or time going
   * back, is another run and another log, even when its entry count did not drop (a run just loaded or
   * stepped holds one entry, as did the one before it).
   */
  run: { readonly file: string | null; readonly nowMs: number };
  chain: ChainStatus | null;
  regions: readonly string[];
}) {
  const { api, entries, chain, regions } = props;
  const { file, nowMs } = props.run;
  const [region, setRegion] = useState("");
  const [requestText, setRequestText] = useState("");
  const [requestId, setRequestId] = useState("");
  const [outcome, setOutcome] = useState<Outcome | "">("");
  const [kind, setKind] = useState<Kind | "">("");
  const [activeIndex, setActiveIndex] = useState(0);
  const [detail, setDetail] = useState<Detail>({ status: "none" });
  const [verified, setVerified] = useState<ChainStatus | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const detailTicket = useRef(0);
  const last = useRef({ entries, file, nowMs });
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setRequestId(requestText.trim()), REQUEST_ID_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [requestText]);

  const filter = useMemo(() => {
    const next: AuditFilter = {};
    if (region) next.region = region;
    if (requestId) next.requestId = requestId;
    if (outcome) next.outcome = outcome;
    if (kind) next.kind = kind;
    return next;
  }, [region, requestId, outcome, kind]);
  const filtering = Object.keys(filter).length > 0;

  const cache = useMemo(() => new AuditPageCache((f, offset, limit) => api.auditPage({ filter: f, offset, limit })), [api]);
  // Re-renders on every change of the cache; what changed is read from the cache itself below.
  useSyncExternalStore(cache.subscribe, () => cache.version);
  const total = cache.total;

  useEffect(() => {
    const before = last.current;
    const newLog = file !== before.file || nowMs < before.nowMs || entries < before.entries;
    if (newLog) {
      cache.invalidate();
      detailTicket.current += 1;
      setDetail({ status: "none" });
      setVerified(null);
    }
    last.current = { entries, file, nowMs };
    cache.setFilter(filter);
    // The log changes only when its entries or its run do; time passing alone asks the host nothing.
    if (newLog || entries !== before.entries || cache.total === null) void cache.refreshTotal();
  }, [cache, filter, entries, file, nowMs]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  // Another filter is another list: start it at the top rather than at the old list's offset.
  useEffect(() => {
    virtualizer.scrollToOffset(0);
    setActiveIndex(0);
  }, [virtualizer, filter]);
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? -1;
  const generation = cache.generation;
  useEffect(() => {
    if (lastIndex < firstIndex) return;
    // Asking for every page a fast scroll passes would queue requests for rows nobody sees, ahead of the
    // ones where the scroll stops (measured: 30 s to show the middle of 100k entries after a fling).
    const timer = setTimeout(() => void cache.ensureRange(firstIndex, lastIndex + 1), SCROLL_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [cache, generation, total, firstIndex, lastIndex]);

  const openEntry = (seq: number, store: string) => {
    const ticket = ++detailTicket.current;
    setDetail({ status: "loading", seq, store });
    api.auditEntry({ seq, store }).then(
      (entry) => {
        if (detailTicket.current === ticket) setDetail({ status: "ready", entry });
      },
      (error: unknown) => {
        if (detailTicket.current === ticket) setDetail({ status: "error", seq, store, message: messageOf(error) });
      },
    );
  };

  const selectIndex = (index: number) => {
    setActiveIndex(index);
    const row = cache.rowAt(index);
    if (row) openEntry(row.seq, row.store);
  };

  const onListKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === "ArrowDown" ? 1 : event.key === "ArrowUp" ? -1 : 0;
    if (step === 0 || !total) return;
    event.preventDefault();
    const next = Math.min(Math.max(activeIndex + step, 0), total - 1);
    virtualizer.scrollToIndex(next);
    selectIndex(next);
  };

  const verify = () => {
    setVerifying(true);
    setVerifyError(null);
    api.verifyChain({}).then(
      (status) => {
        setVerified(status);
        setVerifying(false);
      },
      (error: unknown) => {
        setVerifyError(messageOf(error));
        setVerifying(false);
      },
    );
  };

  const clearFilters = () => {
    setRegion("");
    setRequestText("");
    setRequestId("");
    setOutcome("");
    setKind("");
  };

  const retry = () => {
    cache.invalidate();
    void cache.refreshTotal();
  };

  const selected = detail.status === "none" ? null : detail.status === "ready" ? `${detail.entry.store}#${detail.entry.seq}` : `${detail.store}#${detail.seq}`;
  const regionOptions = regions.includes(GLOBAL_REGION) ? regions : [...regions, GLOBAL_REGION];
  const logEmpty = !total && (entries === 0 || (total === 0 && !filtering));
  const noMatch = total === 0 && !logEmpty;

  return (
    <section data-testid="audit-inspector" className="audit-inspector" aria-label="Audit log">
      <header className="audit-toolbar">
        <div className="audit-filters">
          <label className="audit-field">
            <span className="audit-field-label">Region</span>
            <select data-testid="audit-filter-region" value={region} onChange={(e) => setRegion(e.target.value)}>
              <option value="">all</option>
              {regionOptions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label className="audit-field">
            <span className="audit-field-label">Request id</span>
            <input
              data-testid="audit-filter-request"
              type="search"
              value={requestText}
              maxLength={REQUEST_ID_MAX}
              placeholder="any"
              spellCheck={false}
              onChange={(e) => setRequestText(e.target.value)}
            />
          </label>
          <label className="audit-field">
            <span className="audit-field-label">Outcome</span>
            <select data-testid="audit-filter-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome | "")}>
              <option value="">all</option>
              {REQUEST_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
          <label className="audit-field">
            <span className="audit-field-label">Kind</span>
            <select data-testid="audit-filter-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind | "")}>
              <option value="">all</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <span className="audit-count" aria-live="polite">
            {total === null ? "" : filtering ? `${numberFormat.format(total)} of ${numberFormat.format(entries)} match` : plural(total, "entry", "entries")}
          </span>
        </div>
        <ChainBadge status={latestStatus(chain, verified)} verifying={verifying} error={verifyError} onVerify={verify} />
      </header>

      <div className="audit-body">
        <div className="audit-list-column">
          {cache.error && total !== null && (
            <p className="audit-banner audit-banner--error" role="alert">
              Some entries could not be loaded: {cache.error}
              <button type="button" className="audit-button" onClick={retry}>
                Retry
              </button>
            </p>
          )}
          <div className="audit-columns" aria-hidden="true">
            <span>Seq</span>
            <span>Time</span>
            <span>Region</span>
            <span>Kind</span>
            <span>Request</span>
            <span>Summary</span>
          </div>
          {cache.error && total === null ? (
            <div className="audit-state audit-state--error" role="alert">
              <p className="audit-state-title">Could not load the audit log</p>
              <p className="audit-state-text">{cache.error}</p>
              <button type="button" className="audit-button" onClick={retry}>
                Retry
              </button>
            </div>
          ) : logEmpty ? (
            <div className="audit-state">
              <p className="audit-state-title">No audit entries yet — press Play</p>
              <p className="audit-state-text">Every request, state change and fault is appended here, hash-chained to the one before it.</p>
            </div>
          ) : noMatch ? (
            <div className="audit-state">
              <p className="audit-state-title">No entries match these filters</p>
              <button type="button" className="audit-button" onClick={clearFilters}>
                Clear filters
              </button>
            </div>
          ) : (
            // Stays mounted while a new filter loads, so the virtualizer keeps one scroll element.
            <div ref={scrollRef} className="audit-list" role="listbox" aria-label="Audit entries" aria-busy={total === null} tabIndex={0} onKeyDown={onListKey}>
              {total === null && <p className="audit-state-text audit-list-loading">Loading audit entries…</p>}
              <div className="audit-list-sizer" style={{ height: virtualizer.getTotalSize() }}>
                {items.map((item) => {
                  const row = cache.rowAt(item.index);
                  const style = { height: ROW_HEIGHT, transform: `translateY(${item.start}px)` };
                  return row ? (
                    <EntryRow key={item.key} row={row} style={style} selected={`${row.store}#${row.seq}` === selected} onSelect={() => selectIndex(item.index)} />
                  ) : (
                    <div key={item.key} className="audit-row audit-row--placeholder" style={style} aria-busy="true">
                      <span className="audit-placeholder-bar" />
                    </div>
                  );
                })}
              </div>
            </div>
          )}
        </div>
        <EntryDetail detail={detail} prove={(seq, store) => api.auditProof({ seq, store })} />
      </div>
    </section>
  );
}

function EntryRow(props: { row: AuditRow; style: { height: number; transform: string }; selected: boolean; onSelect: () => void }) {
  const { row, style, selected, onSelect } = props;
  return (
    <div
      data-testid="audit-row"
      data-region={row.region}
      data-seq={row.seq}
      data-store={row.store}
      data-kind={row.kind}
      className={selected ? "audit-row audit-row--selected" : "audit-row"}
      style={style}
      role="option"
      aria-selected={selected}
      onClick={onSelect}
    >
      <span className="audit-cell audit-cell--seq">{row.seq}</span>
      <span className="audit-cell audit-cell--time">{formatVirtualTime(row.t)}</span>
      <span className="audit-cell">{row.region}</span>
      <span className="audit-cell audit-cell--kind">{row.kind}</span>
      <span className="audit-cell audit-cell--mono" title={row.requestId ?? undefined}>
        {row.requestId ?? "—"}
      </span>
      <span className="audit-cell" title={summaryOf(row)}>
        {summaryOf(row)}
      </span>
    </div>
  );
}

function ChainBadge(props: { status: ChainStatus | null; verifying: boolean; error: string | null; onVerify: () => void }) {
  const { status, verifying, error, onVerify } = props;
  const state = status === null ? "unknown" : status.ok ? "ok" : "bad";
  const text =
    status === null
      ? "not verified yet"
      : status.ok
        ? `${plural(status.stores, "chain")} verified · ${plural(status.entries, "entry", "entries")}`
        : status.firstBad
          ? `chain broken at seq ${status.firstBad.seq} of ${status.firstBad.reason}`
          : "chain broken";
  const title = status === null ? undefined : `head ${status.head}\nverified at ${formatVirtualTime(status.verifiedAt)} (virtual time)`;
  return (
    <div className="audit-chain">
      <span data-testid="chain-badge" data-state={state} className={`audit-badge audit-badge--${state}`} title={title}>
        {text}
      </span>
      <button type="button" className="audit-button" onClick={onVerify} disabled={verifying}>
        {verifying ? "Verifying…" : "Verify"}
      </button>
      {error && (
        <span className="audit-chain-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function EntryDetail(props: { detail: Detail; prove: (seq: number, store: string) => Promise<InclusionProofView> }) {
  const { detail } = props;
  if (detail.status === "none")
    return (
      <aside data-testid="audit-detail" className="audit-detail audit-detail--idle">
        <p className="audit-state-text">Select an entry to see its record, reasons and hash link.</p>
      </aside>
    );
  if (detail.status === "loading")
    return (
      <aside data-testid="audit-detail" className="audit-detail" aria-busy="true">
        <p className="audit-state-text">Loading entry {detail.seq}…</p>
      </aside>
    );
  if (detail.status === "error")
    return (
      <aside data-testid="audit-detail" className="audit-detail" role="alert">
        <p className="audit-state-title">Could not load entry {detail.seq}</p>
        <p className="audit-state-text">{detail.message}</p>
      </aside>
    );

  const { entry } = detail;
  const body = parseBody(entry.body);
  const { policyReasons, reason } = reasonsOf(body);
  const link = entry.nextPrevHash === null ? "head" : entry.nextPrevHash === entry.hash ? "linked" : "broken";
  return (
    <aside data-testid="audit-detail" className="audit-detail">
      <h3 className="audit-detail-title">
        Entry {entry.seq} <span className="audit-detail-kind">{entry.kind}</span>
      </h3>
      <dl className="audit-fields">
        <dt>Time</dt>
        <dd>{formatVirtualTime(entry.t)}</dd>
        <dt>Region</dt>
        <dd>{entry.region}</dd>
        <dt>Store</dt>
        <dd data-testid="audit-detail-store">{entry.store}</dd>
        <dt>Request</dt>
        <dd className="audit-mono">{entry.requestId ?? "—"}</dd>
        <dt>Summary</dt>
        <dd>{summaryOf(entry)}</dd>
      </dl>
      {(policyReasons.length > 0 || reason !== null) && (
        <section className="audit-detail-section">
          <h4>Reasons</h4>
          {reason !== null && <p className="audit-reason">{reason}</p>}
          {policyReasons.length > 0 && (
            <ul className="audit-reasons">
              {policyReasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          )}
        </section>
      )}
      <section className="audit-detail-section">
        <h4>Chain</h4>
        <dl className="audit-fields">
          <dt>prev hash</dt>
          <dd className="audit-hash">{entry.prevHash}</dd>
          <dt>hash</dt>
          <dd className="audit-hash">{entry.hash}</dd>
        </dl>
        <p className={`audit-link audit-link--${link}`} data-link={link}>
          {link === "head"
            ? "No next entry yet: this was the head of the chain when loaded."
            : link === "linked"
              ? `✓ Entry ${entry.seq + 1}'s prev_hash equals this hash.`
              : `✗ Entry ${entry.seq + 1}'s prev_hash is ${entry.nextPrevHash}, not this hash.`}
        </p>
      </section>
      <InclusionProof key={`${entry.store}#${entry.seq}`} seq={entry.seq} prove={(seq) => props.prove(seq, entry.store)} />
      <section className="audit-detail-section">
        <h4>Record</h4>
        <pre className="audit-json">{JSON.stringify(body, null, 2)}</pre>
      </section>
    </aside>
  );
}

/** An RFC 6962 inclusion proof of the entry in the inspected log, fetched when asked for. */
function InclusionProof(props: { seq: number; prove: (seq: number) => Promise<InclusionProofView> }) {
  const [state, setState] = useState<{ status: "idle" | "loading" } | { status: "ready"; proof: InclusionProofView } | { status: "error"; message: string }>({ status: "idle" });
  const ask = () => {
    setState({ status: "loading" });
    props.prove(props.seq).then(
      (proof) => setState({ status: "ready", proof }),
      (error: unknown) => setState({ status: "error", message: (error as Error).message }),
    );
  };
  return (
    <section className="audit-detail-section" data-testid="inclusion-proof">
      <h4>Merkle inclusion (RFC 6962)</h4>
      {state.status === "idle" && (
        <button type="button" className="audit-button" data-testid="prove-inclusion" onClick={ask}>
          Prove inclusion
        </button>
      )}
      {state.status === "loading" && <p className="audit-state-text">Computing the proof…</p>}
      {state.status === "error" && (
        <p className="audit-link audit-link--broken" role="alert">
          {state.message}
        </p>
      )}
      {state.status === "ready" && (
        <>
          <p className={`audit-link audit-link--${state.proof.verified ? "linked" : "broken"}`} data-verified={state.proof.verified}>
            {state.proof.verified
              ? `✓ Leaf ${state.proof.leafIndex} is in the ${state.proof.treeSize}-entry tree of ${state.proof.log}.`
              : `✗ The proof does not lead to the root of ${state.proof.log}.`}
          </p>
          <p className="audit-state-text" data-testid="proof-checkpoint">
            {state.proof.checkpoint
              ? `Its root is signed checkpoint ${state.proof.checkpoint.index} of ${state.proof.log} (${state.proof.checkpoint.treeSize} entries, to ${formatVirtualTime(state.proof.checkpoint.t)}), key ${state.proof.checkpoint.keyId}.`
              : "No signed checkpoint matches this root yet: the log's checkpoints are signed when an evidence bundle of the run is written."}
          </p>
          <dl className="audit-fields">
            <dt>leaf hash</dt>
            <dd className="audit-hash">{state.proof.leafHash}</dd>
            <dt>root</dt>
            <dd className="audit-hash">{state.proof.root}</dd>
            {state.proof.path.map((hash, i) => (
              <Fragment key={i}>
                <dt>path {i + 1}</dt>
                <dd className="audit-hash">{hash}</dd>
              </Fragment>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}

/** The newer of the snapshot's status and the one this panel asked for; the snapshot's wins a tie. */
function latestStatus(fromSnapshot: ChainStatus | null, fromVerify: ChainStatus | null): ChainStatus | null {
  if (!fromVerify) return fromSnapshot;
  if (!fromSnapshot) return fromVerify;
  return fromVerify.verifiedAt > fromSnapshot.verifiedAt ? fromVerify : fromSnapshot;
}

/** The host may hand the body over as the stored canonical JSON text or already parsed. */
function parseBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A request record's policy reasons and its outcome reason, when present. */
function reasonsOf(body: unknown): { policyReasons: string[]; reason: string | null } {
  if (!isRecord(body)) return { policyReasons: [], reason: null };
  const policy = body["policy"];
  const reasons = isRecord(policy) && Array.isArray(policy["reasons"]) ? policy["reasons"].filter((r): r is string => typeof r === "string") : [];
  const reason = body["reason"];
  return { policyReasons: reasons, reason: typeof reason === "string" ? reason : null };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
