import { problemsAt, rows, text, valueAt } from "../fieldPath";
import { fieldAt, SelectField, type SectionProps } from "../fields";
import { AUDIT_FIELDS, type OptionField } from "../options";
import { OptionFields } from "./OptionFields";

const DESTINATION = ["audit", "destination"];
const isPattern = (f: OptionField) => f.path[1] === "pattern";

export function AuditSection(props: SectionProps) {
  const { draft, problems } = props;
  const regionIds = rows(draft, "regions").map((r) => text(r.id));
  const destination = text(valueAt(draft, DESTINATION));
  // A destination belongs to the central pattern; one set under per-region stays shown, with its problem.
  const central = text(valueAt(draft, ["audit", "pattern"])) !== "per-region";
  return (
    <div className="editor-settings-row" data-testid="editor-audit">
      <OptionFields {...props} fields={AUDIT_FIELDS.filter(isPattern)} testPrefix="editor" />
      {(central || destination !== "") && (
        <label>
          Destination
          <SelectField
            testId="editor-audit-destination"
            label="Region holding the canonical log"
            value={destination}
            options={regionIds}
            fallback={regionIds[0] ?? "the first region"}
            {...fieldAt(DESTINATION, props)}
          />
          {problemsAt(problems, DESTINATION).map((p, i) => (
            <span key={i} className="editor-row-problems">
              {p.message}
            </span>
          ))}
        </label>
      )}
      <OptionFields {...props} fields={AUDIT_FIELDS.filter((f) => !isPattern(f))} testPrefix="editor" />
    </div>
  );
}
