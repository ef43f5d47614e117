import { problemsAt, rows, strings, text, valueAt } from "../fieldPath";
import { fieldAt, MemberChecks, type SectionProps } from "../fields";
import { IDENTITY_FIELDS } from "../options";
import { OptionFields } from "./OptionFields";

const AT = ["identity"];
const REGIONS = ["identity", "regions"];

/** Opt-in: without the section callers send no tokens, so adding it is a choice of its own, as is removing it. */
export function IdentitySection(props: SectionProps) {
  const { draft, problems } = props;
  const regionIds = rows(draft, "regions").map((r) => text(r.id));
  const section = fieldAt(AT, props);
  if (valueAt(draft, AT) === undefined)
    return (
      <div className="editor-settings-row">
        <span className="editor-hint">No identity provider: callers send no tokens and gateways validate none.</span>
        <button data-testid="editor-identity-add" disabled={regionIds.length === 0} onClick={() => section.onSet({ regions: regionIds.slice(0, 1) })}>
          Add an identity provider
        </button>
      </div>
    );
  const served = strings(valueAt(draft, REGIONS));
  const regionProblems = problemsAt(problems, REGIONS);
  return (
    <div className="editor-settings-row" data-testid="editor-identity">
      <fieldset className={regionProblems.length > 0 ? "editor-checks invalid" : "editor-checks"} aria-label="Regions serving the identity provider">
        <legend>Served from</legend>
        <MemberChecks choices={regionIds} members={served} testIdPrefix="editor-identity-region" onSet={(next) => fieldAt(REGIONS, props).onSet(next)} />
        {regionProblems.map((p, i) => (
          <span key={i} className="editor-row-problems">
            {p.message}
          </span>
        ))}
      </fieldset>
      <OptionFields {...props} fields={IDENTITY_FIELDS} testPrefix="editor" />
      <button data-testid="editor-identity-remove" onClick={() => section.onSet(undefined)} title="Remove the identity provider: callers send no tokens">
        Remove
      </button>
    </div>
  );
}
