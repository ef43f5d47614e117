/**
 * Sweep seeds: the loaded scenario run headless once per seed of a range, as `failover-lab sweep` runs it,
 * and what that shows: each metric's distribution, residency violations summed, each expectation's pass rate,
 * and the seeds where one failed, each with the command that replays it.
 */
import { useEffect, useState } from "react";
import { SWEEP_MAX_SEEDS, type CostView, type LabApi, type SweepView } from "../../engine/lab/contract";
import { formatPercent } from "../charts/format";
import { download } from "../download";
import { formatDuration, formatFigure, plural } from "../format";
import { EcdfChart } from "./EcdfChart";
import "./sweep.css";

type State = { status: "idle" } | { status: "running"; count: number; done: number; etaMs: number | null } | { status: "done"; sweep: SweepView } | { status: "error"; message: string };

export function SweepPanel(props: { api: Pick<LabApi, "sweepLoaded" | "subscribe">; loaded: { readonly fileName: string; readonly cost: CostView } | null }) {
  const { api, loaded } = props;
  const [from, setFrom] = useState(1);
  const [to, setTo] = useState(20);
  const [state, setState] = useState<State>({ status: "idle" });
  // A sweep belongs to the design it ran.
  useEffect(() => setState({ status: "idle" }), [loaded?.fileName]);
  useEffect(
    () =>
      api.subscribe((message) => {
        if (message.type !== "progress" || message.task !== "sweep") return;
        setState((current) => (current.status === "running" ? { ...current, done: message.done, etaMs: message.etaMs } : current));
      }),
    [api],
  );

  if (!loaded) return <p className="sweep-empty">Open a scenario first: the sweep runs it once per seed.</p>;
  const count = to - from + 1;
  const invalid = !Number.isInteger(from) || !Number.isInteger(to) || from < 0 || count < 1 || count > SWEEP_MAX_SEEDS;
  const tooLarge = invalid ? null : overBound(loaded.cost, count);
  const run = () => {
    setState({ status: "running", count, done: 0, etaMs: null });
    api.sweepLoaded({ from, to }).then(
      (sweep) => setState({ status: "done", sweep }),
      (e: Error) => setState({ status: "error", message: e.message }),
    );
  };

  return (
    <section className="sweep" aria-label="Sweep seeds" data-testid="sweep-panel">
      <div className="sweep-form">
        <span>
          <strong>{loaded.fileName}</strong>, seeds
        </span>
        <input type="number" min={0} aria-label="First seed" data-testid="sweep-from" value={from} onChange={(e) => setFrom(e.target.valueAsNumber)} />
        <span>to</span>
        <input type="number" min={0} aria-label="Last seed" data-testid="sweep-to" value={to} onChange={(e) => setTo(e.target.valueAsNumber)} />
        {!invalid && (
          <span className="sweep-cost" data-testid="sweep-cost" title="Expected requests of one run, from the scenario's rates, and the time a headless drill takes on this machine">
            {plural(count, "seed")} × ~{loaded.cost.requests.toLocaleString("en")} requests ≈ {formatDuration(count * loaded.cost.seconds * 1000)} here
          </span>
        )}
        <button data-testid="sweep-run" disabled={invalid || tooLarge !== null || state.status === "running"} onClick={run}>
          Run {invalid ? "" : plural(count, "drill")}
        </button>
        {invalid && <span className="sweep-status">1 to {SWEEP_MAX_SEEDS} seeds, first ≤ last</span>}
        {tooLarge && (
          <span className="sweep-status sweep-error" role="alert" data-testid="sweep-too-large">
            {tooLarge}
          </span>
        )}
        {state.status === "running" && (
          <span className="sweep-status" data-testid="sweep-progress">
            <progress max={state.count} value={state.done} /> {state.done} of {plural(state.count, "drill")}
            {state.etaMs === null ? "…" : `, about ${formatDuration(state.etaMs)} left`}
          </span>
        )}
        {state.status === "error" && (
          <span className="sweep-status sweep-error" role="alert">
            {state.message}
          </span>
        )}
      </div>
      {state.status === "done" && <SweepResult sweep={state.sweep} />}
    </section>
  );
}

/** Why the app will not run this many seeds of the scenario, in words; null within the bounds (engine/scenario/cost.ts). */
function overBound(cost: CostView, seeds: number): string | null {
  if (cost.overBound) return `One run is over the bound of ${cost.runBound.toLocaleString("en")} requests: run it with failover-lab sweep --allow-large`;
  if (seeds * cost.requests > cost.sweepBound) return `Over the bound of ${cost.sweepBound.toLocaleString("en")} requests a sweep: fewer seeds, or failover-lab sweep --allow-large`;
  return null;
}

function SweepResult({ sweep }: { sweep: SweepView }) {
  // A metric equal on every seed is one step at one value: the table shows it better than a chart.
  const varying = sweep.metrics.filter((m) => m.min < m.max);
  return (
    <div className="sweep-result" data-testid="sweep-result">
      <div className="sweep-col">
        <p className="sweep-summary">
          {plural(sweep.runs, "run")}, seeds {sweep.seeds.from}..{sweep.seeds.to}; quantiles within 1 %. Residency violations, all runs:{" "}
          <strong className={sweep.residencyViolations > 0 ? "sweep-bad" : undefined}>{sweep.residencyViolations}</strong>
        </p>
        <table className="sweep-table" data-testid="sweep-metrics">
          <thead>
            <tr>
              <th />
              {["count", "min", "p50", "p95", "p99", "max"].map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sweep.metrics.map((m) => (
              <tr key={m.metric}>
                <th scope="row">{m.metric}</th>
                <td title={m.missing > 0 ? `${plural(m.missing, "run")} without a value` : undefined}>
                  {m.count}
                  {m.missing > 0 ? ` (+${m.missing} none)` : ""}
                </td>
                {[m.min, m.p50, m.p95, m.p99, m.max].map((v, i) => (
                  <td key={i}>{formatFigure(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {sweep.withoutValues.length > 0 && <p className="sweep-note">No value in any run: {sweep.withoutValues.join(", ")}</p>}
      </div>
      <div className="sweep-col sweep-charts" data-testid="sweep-charts">
        {varying.map((m) => (
          <EcdfChart key={m.metric} metric={m} />
        ))}
        {varying.length === 0 && <p className="sweep-note">Every metric took the same value on every seed: the table says it all.</p>}
      </div>
      <div className="sweep-col">
        <table className="sweep-table" data-testid="sweep-expectations">
          <thead>
            <tr>
              <th>expectation</th>
              <th>passed</th>
              <th>rate</th>
            </tr>
          </thead>
          <tbody>
            {sweep.expectations.map((e) => (
              <tr key={e.expectation} className={e.passed < e.runs ? "sweep-failed" : undefined}>
                <th scope="row">{e.expectation}</th>
                <td>
                  {e.passed}/{e.runs}
                </td>
                <td>{formatPercent(e.passRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {sweep.expectations.length === 0 && <p className="sweep-note">The scenario states no expectations.</p>}
        <h4 className="sweep-heading">{sweep.failing.length === 0 ? "Every expectation held on every seed." : `Failing seeds (${sweep.failing.length})`}</h4>
        {sweep.failing.length > 0 && sweep.replayText !== undefined && <ReplayNote fileName={sweep.fileName} text={sweep.replayText} />}
        {sweep.failing.length > 0 && (
          <ul className="sweep-failing" data-testid="sweep-failing">
            {sweep.failing.map((f) => (
              <li key={f.seed}>
                <span className="sweep-seed">seed {f.seed}</span> failed {f.failed.join("; ")}
                <code className="sweep-command">{f.command}</code>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** The design the sweep ran is not a library file as it stands: the commands replay it once it is saved under its name. */
function ReplayNote({ fileName, text }: { fileName: string; text: string }) {
  return (
    <p className="sweep-note" data-testid="sweep-replay-note">
      {fileName} is not in the scenario library as the sweep ran it.{" "}
      <button onClick={() => download(fileName, text, "application/yaml")}>
        Save it as {fileName}
      </button>{" "}
      and run these commands in the folder you save it to.
    </p>
  );
}
