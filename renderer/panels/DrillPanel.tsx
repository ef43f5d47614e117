import { Fragment } from "react";
import type { ExpectationStatus, ExpectationView, LabSnapshot } from "../../engine/lab/contract";
import { plural } from "../format";

/** Only pass and fail are decided; holding (met so far) and pending (no value, or not reached yet) may still change. */
const STATUS_MARK: Record<ExpectationStatus, string> = { pass: "✔", fail: "✘", holding: "○", pending: "…" };

/** What the figure means for the expectation now, in words: decided, holding, or not there yet. */
function expectationNote({ status, actual }: ExpectationView, over: boolean): string {
  if (actual === null) return over ? "no value" : "not measurable yet";
  if (over) return String(actual);
  if (status === "holding") return `now ${actual}, holding so far`;
  if (status === "pending") return `now ${actual}, not reached yet`;
  return `now ${actual}, decided`;
}

const seconds = (s: number | null) => (s === null ? "—" : `${s.toFixed(1)} s`);
/** The exact figure, for tests and tools that read the page; empty while unknown. */
const exact = (n: number | null) => (n === null ? "" : String(n));

/** The seed article's four questions, answered live, and the scenario's expectations. */
export function DrillPanel({ snapshot }: { snapshot: LabSnapshot }) {
  const q = snapshot.questions;
  return (
    <section className="drill-panel" data-testid="drill-panel">
      <h3>1 · Detection and reroute</h3>
      {q.detection.length === 0 ? (
        <p className="muted">No fault yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>fault</th>
              <th>detected</th>
              <th>rerouted</th>
              <th title="From the fault to the last failure or refusal a caller saw because of it">RTO</th>
            </tr>
          </thead>
          <tbody>
            {q.detection.map((f) => (
              <tr key={f.faultId} data-testid="detection" data-fault={f.faultId} data-kind={f.kind} data-detection-s={exact(f.detectionS)} data-reroute-s={exact(f.rerouteS)} data-rto-s={exact(f.rtoS)}>
                <td>
                  {f.faultId} <span className="whole">{f.kind}</span>
                </td>
                <td>{seconds(f.detectionS)}</td>
                <td>{seconds(f.rerouteS)}</td>
                <td>{seconds(f.rtoS)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>2 · Residency under failover</h3>
      <p data-testid="residency" data-violations={q.residency.violations} data-rejected={q.residency.rejected} data-cross-border={q.residency.crossBorder}>
        <strong className={q.residency.violations === 0 ? "good" : "bad"}>{plural(q.residency.violations, "violation")}</strong> (independent check of the audit log) ·{" "}
        {q.residency.rejected} refused by residency policy · {q.residency.crossBorder} served cross-border lawfully
      </p>
      <h3>3 · In-flight requests at failover</h3>
      <p data-testid="inflight" data-failovers={q.inflight.failovers} data-completed={q.inflight.completed} data-retried={q.inflight.retried} data-failed={q.inflight.failed}>
        {plural(q.inflight.failovers, "failover")}: {q.inflight.completed} completed, {q.inflight.retried} retried, {q.inflight.failed} failed
      </p>
      <h3>4 · Audit timeline</h3>
      <p data-testid="audit-answer" data-entries={q.audit.entries} data-gaps={q.audit.gaps} data-per-region={JSON.stringify(q.audit.perRegion)}>
        {plural(q.audit.entries, "entry", "entries")} ·{" "}
        {Object.entries(q.audit.perRegion).map(([region, n]) => (
          <Fragment key={region}>
            <span className="whole">
              {region} {n}
            </span>{" "}
            ·{" "}
          </Fragment>
        ))}
        {plural(q.audit.gaps, "gap")}
      </p>
      <h3>Expectations</h3>
      {snapshot.vacuousRun && (
        <p className="bad" data-testid="vacuous-run">
          {snapshot.vacuousRun}: the run sent nothing, so none of these says anything about the design.
        </p>
      )}
      {snapshot.expectations.length === 0 ? (
        <p className="muted">This scenario states none.</p>
      ) : (
        <ul className="expectations">
          {snapshot.expectations.map((e) => (
            <li key={e.text} className={e.status} data-testid="expectation" data-expectation={e.text} data-status={e.status} data-actual={exact(e.actual)}>
              {STATUS_MARK[e.status]} {e.text} <span className="muted">({expectationNote(e, snapshot.status === "finished")})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
