import { fieldPath, problemsAt, valueAt } from "../fieldPath";
import { fieldAt, MemberChecks, type SectionProps } from "../fields";
import { JURISDICTIONS, POLICY_FIELDS } from "../options";
import { freeOrigins, residencyRows, withOrigin } from "../residency";
import { OptionFields } from "./OptionFields";

const RESIDENCY = ["policy", "residency"];

export function PolicySection(props: SectionProps) {
  const { draft, problems } = props;
  const residency = valueAt(draft, RESIDENCY);
  const free = freeOrigins(residency, JURISDICTIONS);
  return (
    <div data-testid="editor-policy">
      <div className="editor-settings-row">
        <OptionFields {...props} fields={POLICY_FIELDS} testPrefix="editor" />
      </div>
      <table className="editor-table">
        <thead>
          <tr>
            <th>data from</th>
            <th>may be served in (unlisted origins may go anywhere)</th>
            <th>problems</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {residencyRows(residency).map(({ origin, allowed }) => {
            const at = [...RESIDENCY, origin];
            const testId = `editor-policy-residency-${origin}`;
            return (
              <tr key={origin} data-testid={testId}>
                <td>
                  <select
                    data-testid={`${testId}-origin`}
                    aria-label="Origin jurisdiction of the data"
                    value={origin}
                    onChange={(e) => fieldAt(RESIDENCY, props).onSet(withOrigin(residency, origin, e.target.value))}
                  >
                    {[origin, ...free].map((j) => (
                      <option key={j} value={j}>
                        {j}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="editor-checks-inline">
                  <MemberChecks choices={JURISDICTIONS} members={allowed} testIdPrefix={testId} onSet={(next) => fieldAt(at, props).onSet(next)} />
                </td>
                <td className="editor-row-problems" data-testid={`${testId}-problems`}>
                  {problemsAt(problems, at).map((p, i) => (
                    <div key={i} title={p.field}>
                      {p.message}
                    </div>
                  ))}
                </td>
                <td>
                  <button data-testid={`${testId}-remove`} onClick={() => fieldAt(at, props).onSet(undefined)} title={`Let ${origin}-origin data go anywhere`}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <select
        data-testid="editor-policy-residency-add"
        aria-label="Add a residency rule for data from"
        value=""
        disabled={free.length === 0}
        // A new origin is allowed its own jurisdiction only: the strictest rule, loosened by ticking more.
        onChange={(e) => fieldAt([...RESIDENCY, e.target.value], props).onSet([e.target.value])}
      >
        <option value="">+ rule for data from…</option>
        {free.map((j) => (
          <option key={j} value={j}>
            {j}
          </option>
        ))}
      </select>
      {problems
        .filter((p) => p.field === fieldPath(RESIDENCY))
        .map((p, i) => (
          <span key={i} className="editor-row-problems">
            {p.message}
          </span>
        ))}
    </div>
  );
}
