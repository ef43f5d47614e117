import { problemsAt, text, valueAt } from "../fieldPath";
import { fieldAt, SelectField, TextField, type SectionProps } from "../fields";
import { SETTINGS, type OptionField } from "../options";

/** Each field labelled, with the problems the engine found at it; test ids are `<prefix>-<path>`. */
export function OptionFields(props: SectionProps & { fields: readonly OptionField[]; testPrefix: string }) {
  const { draft, problems, fields, testPrefix } = props;
  return fields.map((f) => {
    const value = text(valueAt(draft, f.path));
    const testId = f.testId ?? `${testPrefix}-${f.path.join("-")}`;
    return (
      <label key={testId}>
        {f.label}
        {f.options ? (
          <SelectField testId={testId} label={f.label} value={value} options={f.options} fallback={f.fallback} {...fieldAt(f.path, props)} />
        ) : (
          <TextField testId={testId} label={f.label} value={value} placeholder={f.fallback} numeric={!f.text} wide={f.text} {...fieldAt(f.path, props)} />
        )}
        {problemsAt(problems, f.path).map((p, i) => (
          <span key={i} className="editor-row-problems">
            {p.message}
          </span>
        ))}
      </label>
    );
  });
}

export function SettingsSection(props: SectionProps) {
  return (
    <fieldset className="editor-settings" data-testid="editor-settings">
      <legend>Settings</legend>
      <OptionFields {...props} fields={SETTINGS} testPrefix="editor-setting" />
    </fieldset>
  );
}
