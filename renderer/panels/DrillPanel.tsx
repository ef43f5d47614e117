import type { ExpectationStatus, LabSnapshot } from "../../engine/lab/contract";

/** Pending is neither: the metric has no value yet (a fault not over, nothing served), so nothing is decided. */
const STATUS_MARK: Record<ExpectationStatus, string> = { pass: "✔", fail: "✘", pending: "…" };

const seconds = (s: number | null) => (s === null ? "—" : `${s.toFixed(1)} s`);

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
              <th>RTO</th>
            </tr>
          </thead>
          <tbody>
            {q.detection.map((f) => (
              <tr key={f.faultId}>
                <td>
                  {f.faultId} {f.kind}
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
      <p data-testid="residency">
        <strong className={q.residency.violations === 0 ? "good" : "bad"}>{q.residency.violations} violations</strong> (independent check of the audit log) ·{" "}
        {q.residency.rejected} rejected · {q.residency.crossBorder} served cross-border lawfully
      </p>
      <h3>3 · In-flight requests at failover</h3>
      <p>
        {q.inflight.failovers} failovers: {q.inflight.completed} completed, {q.inflight.retried} retried, {q.inflight.failed} failed
      </p>
      <h3>4 · Audit timeline</h3>
      <p>
        {q.audit.entries.toLocaleString("en")} entries ·{" "}
        {Object.entries(q.audit.perRegion)
          .map(([region, n]) => `${region} ${n}`)
          .join(" · ")}{" "}
        · {q.audit.gaps} gaps
      </p>
      <h3>Expectations</h3>
      {snapshot.expectations.length === 0 ? (
        <p className="muted">This scenario states none.</p>
      ) : (
        <ul className="expectations">
          {snapshot.expectations.map((e) => (
            <li key={e.text} className={e.status} data-testid="expectation" data-status={e.status}>
              {STATUS_MARK[e.status]} {e.text} <span className="muted">({e.status === "pending" ? "not measurable yet" : `now ${e.actual}`})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
