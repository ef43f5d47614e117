import { problemsAt, rows, text, valueAt } from "../fieldPath";
import { fieldAt, TextField, type SectionProps } from "../fields";
import { DEFAULT_RTT_MS } from "../options";
import { rttCell, rttIndex, withRtt } from "../rttMatrix";

const AT = ["topology", "rtt_ms"];

/** A matrix of the regions: a pair is symmetric, so only the upper triangle is edited and the lower mirrors it. */
export function LatencySection(props: SectionProps) {
  const { draft, problems } = props;
  const regionIds = rows(draft, "regions").map((r) => text(r.id));
  const entries = valueAt(draft, AT);
  const setList = (list: unknown[]) => fieldAt(AT, props).onSet(list.length === 0 ? undefined : list);
  return (
    <div className="editor-latency" data-testid="editor-latency">
      <p className="editor-hint">
        Round trips, ms, the same both ways. A region to itself is 1 ms; a pair left empty is taken as {DEFAULT_RTT_MS} ms.
      </p>
      {regionIds.length > 1 && (
        <table className="editor-table editor-matrix">
          <thead>
            <tr>
              <th />
              {regionIds.map((b, j) => (
                <th key={`${b}#${j}`}>{b}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {regionIds.map((a, i) => (
              <tr key={`${a}#${i}`}>
                <th>{a}</th>
                {regionIds.map((b, j) => {
                  const cell = rttCell(entries, a, b);
                  if (j < i) return <td key={`${b}#${j}`} className="editor-mirror">{cell}</td>;
                  if (j === i) return <td key={`${b}#${j}`} className="editor-mirror">1</td>;
                  const index = rttIndex(entries, a, b);
                  return (
                    <td key={`${b}#${j}`}>
                      <TextField
                        testId={`editor-latency-${a}-to-${b}`}
                        label={`Round trip ${a} to ${b}, ms`}
                        value={cell}
                        placeholder={String(DEFAULT_RTT_MS)}
                        numeric
                        path={[...AT, index]}
                        problems={index < 0 ? [] : problems}
                        onSet={(ms) => setList(withRtt(entries, a, b, ms))}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {problemsAt(problems, AT).map((p, i) => (
        <div key={i} className="editor-row-problems" data-testid="editor-latency-problem" title={p.field}>
          {p.field}: {p.message}
        </div>
      ))}
    </div>
  );
}
