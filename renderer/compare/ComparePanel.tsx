/**
 * Compare designs: the loaded scenario beside another of the library, both run to their end on the loaded
 * seed. The four answers and the key figures in one table, the differing rows marked and the better side
 * named; served traffic and error rate of both runs overlaid on one time axis.
 */
import { useEffect, useId, useMemo, useState } from "react";
import type { Comparison, LabApi, ScenarioListing } from "../../engine/lab/contract";
import { formatAmount, formatPercent } from "../charts/format";
import { plural } from "../format";
import { Chart, lineSeries } from "../metrics/MetricsCharts";
import { comparisonMarkers, formatDifference, formatValue, overlaidColumns } from "./columns";
import "./compare.css";

const COLOR_A = "#4ea1ff";
const COLOR_B = "#f5a524";
const SECTION_TITLES: Record<Comparison["rows"][number]["section"], string> = {
  totals: "Requests",
  detection: "1. Detection and reroute",
  policy: "2. Policy and residency",
  inflight: "3. Requests in flight",
  audit: "4. Audit log",
};

type State = { status: "idle" } | { status: "running"; name: string } | { status: "done"; comparison: Comparison } | { status: "error"; message: string };

export function ComparePanel(props: { api: Pick<LabApi, "listScenarios" | "compareWith">; loaded: { readonly fileName: string; readonly seed: number } | null }) {
  const { api, loaded } = props;
  const [library, setLibrary] = useState<readonly ScenarioListing[]>([]);
  const [other, setOther] = useState("");
  const [state, setState] = useState<State>({ status: "idle" });

  useEffect(() => {
    api.listScenarios({}).then(
      ({ scenarios }) => setLibrary(scenarios.filter((s) => s.valid)),
      (e: Error) => setState({ status: "error", message: e.message }),
    );
  }, [api]);
  // A comparison belongs to the design it was made against.
  useEffect(() => setState({ status: "idle" }), [loaded?.fileName]);

  if (!loaded) return <p className="compare-empty">Open a scenario first: it is design A.</p>;
  const compare = () => {
    setState({ status: "running", name: other });
    api.compareWith({ name: other }).then(
      (comparison) => setState({ status: "done", comparison }),
      (e: Error) => setState({ status: "error", message: e.message }),
    );
  };

  return (
    <section className="compare" aria-label="Compare designs" data-testid="compare-panel">
      <div className="compare-form">
        <span>
          A: <strong>{loaded.fileName}</strong> against B:
        </span>
        <select data-testid="compare-other" value={other} onChange={(e) => setOther(e.target.value)} aria-label="Design B">
          <option value="">choose a scenario…</option>
          {library.map((s) => (
            <option key={s.file} value={s.file}>
              {s.file}
            </option>
          ))}
        </select>
        <button data-testid="compare-run" disabled={other === "" || state.status === "running"} onClick={compare}>
          Run both on seed {loaded.seed}
        </button>
        {state.status === "running" && <span className="compare-status">Running both designs to their end…</span>}
        {state.status === "error" && (
          <span className="compare-status compare-error" role="alert">
            {state.message}
          </span>
        )}
      </div>
      {state.status === "done" && <ComparisonView comparison={state.comparison} />}
    </section>
  );
}

function ComparisonView({ comparison }: { comparison: Comparison }) {
  const columns = useMemo(() => overlaidColumns(comparison), [comparison]);
  const markers = useMemo(() => comparisonMarkers(comparison), [comparison]);
  const syncKey = useId();
  const { labels } = comparison;
  const sections = [...new Set(comparison.rows.map((r) => r.section))];
  return (
    <div className="compare-result">
      <div className="compare-table-wrap">
        <p className="compare-summary" data-testid="compare-summary">
          {comparison.differences === 0 ? "No differences." : `${plural(comparison.differences, "figure")} differ${comparison.differences === 1 ? "s" : ""}.`}
        </p>
        <table className="compare-table" data-testid="compare-table">
          <thead>
            <tr>
              <th />
              <th className="side-a">A: {labels.a}</th>
              <th className="side-b">B: {labels.b}</th>
              <th>B − A</th>
              <th>better</th>
            </tr>
          </thead>
          {sections.map((section) => (
            <tbody key={section}>
              <tr className="compare-section">
                <th colSpan={5}>{SECTION_TITLES[section]}</th>
              </tr>
              {comparison.rows
                .filter((r) => r.section === section)
                .map((row) => (
                  <tr key={row.label} className={row.differs ? "differs" : undefined} data-differs={row.differs}>
                    <th scope="row">{row.label}</th>
                    <td className={row.better === "a" ? "better" : undefined}>{formatValue(row, row.a)}</td>
                    <td className={row.better === "b" ? "better" : undefined}>{formatValue(row, row.b)}</td>
                    <td>{formatDifference(row)}</td>
                    <td>{row.better === null ? "" : row.better === "a" ? labels.a : labels.b}</td>
                  </tr>
                ))}
            </tbody>
          ))}
        </table>
      </div>
      <div className="compare-charts">
        <Chart
          key={`served ${labels.a} ${labels.b}`}
          title="Requests served per second"
          data={columns.served}
          series={[lineSeries(`A: ${labels.a}`, COLOR_A, formatAmount), lineSeries(`B: ${labels.b}`, COLOR_B, formatAmount)]}
          yRange={(_u, _min, max) => [0, Math.max(Number.isFinite(max) ? max * 1.1 : 0, 1)]}
          formatY={formatAmount}
          markers={markers}
          syncKey={syncKey}
        />
        <Chart
          key={`errors ${labels.a} ${labels.b}`}
          title="Failed or refused, share of requests per second"
          data={columns.errorRate}
          series={[lineSeries(`A: ${labels.a}`, COLOR_A, formatPercent), lineSeries(`B: ${labels.b}`, COLOR_B, formatPercent)]}
          yRange={(_u, _min, max) => [0, Math.max(Number.isFinite(max) ? max : 0, 0.05)]}
          formatY={formatPercent}
          markers={markers}
          syncKey={syncKey}
        />
      </div>
    </div>
  );
}
