import { problemsAt, rows, strings, text, valueAt, type Row } from "../fieldPath";
import { fieldAt, MemberChecks, SelectField, TextField, type SectionProps } from "../fields";
import { DIRECTOR_FIELDS, type OptionField } from "../options";
import { FieldProblems, OptionFields } from "./OptionFields";

const PRIMARY = ["director", "primary"];
const WEIGHTS = ["director", "weights"];
const CHECKERS = ["director", "checkers"];
const steering = (f: OptionField) => ["mode", "ttl_s", "layout", "balancing"].includes(String(f.path[1]));

/** The director's fields; a primary, weights or checkers the draft names outside the topology's regions stay shown, so they can be taken out. */
export function DirectorSection(props: SectionProps) {
  const { draft, problems } = props;
  const regionIds = rows(draft, "regions").map((r) => text(r.id));
  const primary = text(valueAt(draft, PRIMARY));
  const weightsValue = valueAt(draft, WEIGHTS);
  const weights = typeof weightsValue === "object" && weightsValue !== null && !Array.isArray(weightsValue) ? (weightsValue as Row) : undefined;
  const checkers = strings(valueAt(draft, CHECKERS));
  // A primary belongs to active-passive, weights to balancing by weights; one set otherwise stays shown, with its problem.
  const passive = text(valueAt(draft, ["director", "layout"])) === "active-passive";
  const weighted = text(valueAt(draft, ["director", "balancing"])) === "weights";
  const weightRegions = [...regionIds, ...Object.keys(weights ?? {}).filter((r) => !regionIds.includes(r))];
  const checkersInvalid = problemsAt(problems, CHECKERS).length > 0;
  return (
    <fieldset className="editor-settings" data-testid="editor-director">
      <legend>Director</legend>
      <OptionFields {...props} fields={DIRECTOR_FIELDS.filter(steering)} testPrefix="editor" />
      {(passive || primary !== "") && (
        <label>
          Primary
          <SelectField testId="editor-director-primary" label="Region taking all traffic while healthy" value={primary} options={regionIds} {...fieldAt(PRIMARY, props)} />
          <FieldProblems problems={problems} at={PRIMARY} />
        </label>
      )}
      {(weighted || weights !== undefined) && (
        <span className="editor-weights editor-director-weights" data-testid="editor-director-weights">
          Weights
          {weightRegions.map((r) => (
            <label key={r}>
              {r} ×
              <TextField testId={`editor-director-weights-${r}`} label={`Weight of ${r}`} value={text(weights?.[r])} placeholder="0" numeric {...fieldAt([...WEIGHTS, r], props)} />
            </label>
          ))}
          <FieldProblems problems={problems} at={WEIGHTS} />
        </span>
      )}
      <OptionFields {...props} fields={DIRECTOR_FIELDS.filter((f) => !steering(f))} testPrefix="editor" />
      <fieldset className={checkersInvalid ? "editor-checks invalid" : "editor-checks"} aria-label="Regions the health checks come from" title="None ticked: one checker outside every region">
        <legend>Checked from</legend>
        <MemberChecks
          choices={regionIds}
          members={checkers}
          testIdPrefix="editor-director-checkers"
          // The schema wants one checker or the list absent, which is the default: one outside every region.
          onSet={(next) => fieldAt(CHECKERS, props).onSet(next.length === 0 ? undefined : next)}
        />
        <FieldProblems problems={problems} at={CHECKERS} />
      </fieldset>
    </fieldset>
  );
}
