import { problemsAt, text, valueAt, type FieldPath } from "../fieldPath";
import { fieldAt, SelectField, TextField, type SectionProps } from "../fields";
import type { OptionField } from "../options";

const BOOLEAN = ["true", "false"];

/**
 * Each field labelled, with the problems the engine found at it; test ids are `<prefix>-<path>`. `at` places
 * fields whose paths are relative to an entity; `write` replaces a field's commit where one field's value needs
 * its neighbours written with it.
 */
export function OptionFields(props: SectionProps & { fields: readonly OptionField[]; testPrefix: string; at?: FieldPath; write?: (field: OptionField, value: unknown) => void }) {
  const { draft, problems, fields, testPrefix, at = [], write } = props;
  return fields.map((f) => {
    const path = [...at, ...f.path];
    const value = text(valueAt(draft, path));
    const testId = f.testId ?? `${testPrefix}-${f.path.join("-")}`;
    const field = fieldAt(path, props);
    const onSet = (to: unknown) => (write ? write(f, to) : field.onSet(to));
    return (
      <label key={testId} title={f.hint}>
        {f.label}
        {f.options || f.boolean ? (
          <SelectField
            testId={testId}
            label={f.label}
            value={value}
            options={f.options ?? BOOLEAN}
            fallback={f.fallback}
            {...field}
            onSet={(to) => onSet(f.boolean && to !== undefined ? to === "true" : to)}
          />
        ) : (
          <TextField testId={testId} label={f.label} value={value} placeholder={f.fallback} numeric={!f.text} wide={f.text} {...field} onSet={onSet} />
        )}
        <FieldProblems problems={problems} at={path} />
      </label>
    );
  });
}

/** The problems the engine found at a field and inside it, beside its input. */
export function FieldProblems({ problems, at }: Pick<SectionProps, "problems"> & { at: FieldPath }) {
  return problemsAt(problems, at).map((p, i) => (
    <span key={i} className="editor-row-problems">
      {p.message}
    </span>
  ));
}
