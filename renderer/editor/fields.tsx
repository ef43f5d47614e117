/**
 * The editor form's building blocks: a section per kind of entity, a row per entity, and inputs that commit one
 * engine edit each and show the problems the engine found at their field.
 */
import type { KeyboardEvent, ReactNode } from "react";
import type { DraftEntity, ScenarioDraftValue, ScenarioProblemView } from "../../engine/lab/contract";
import { problemsAt, text, withMember, type FieldPath, type Row } from "./fieldPath";
import type { Edit } from "./useDraftEditor";

/** What every section of the form is given. */
export interface SectionProps {
  readonly draft: ScenarioDraftValue;
  readonly problems: readonly ScenarioProblemView[];
  readonly edit: Edit;
}

/** A field's props: where it writes, the problems it shows, and its commit as one `set` edit. */
export function fieldAt(path: FieldPath, { problems, edit }: Pick<SectionProps, "problems" | "edit">) {
  return { path, problems, onSet: (value: unknown) => void edit({ op: "set", path, value }) };
}

export function Section(props: { title: string; entity: DraftEntity; count: number; problems: readonly ScenarioProblemView[]; edit: Edit; columns: readonly string[]; children: ReactNode }) {
  const { title, entity, count, problems, edit, columns, children } = props;
  return (
    <section className="editor-section" aria-label={title}>
      <h3>
        {title} ({count})
        <button data-testid={`editor-add-${entity}`} onClick={() => void edit({ op: "add", entity })}>
          Add
        </button>
        {problems.map((p, i) => (
          <span key={i} className="editor-row-problems" data-testid={`editor-${entity}-list-problem`}>
            {p.message}
          </span>
        ))}
      </h3>
      {count > 0 && (
        <table className="editor-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
              <th>problems</th>
              <th />
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
    </section>
  );
}

/** By id, so a removal does not hand one entity's inputs to the next; the index keeps duplicate ids apart. */
export function rowKey(row: Row, i: number): string {
  return `${text(row.id)}#${i}`;
}

/** One entity: its id (a rename when changed), its fields, the problems anywhere inside it, and Remove. */
export function EntityRow(props: { entity: DraftEntity; row: Row; at: FieldPath; problems: readonly ScenarioProblemView[]; edit: Edit; children: ReactNode }) {
  const { entity, row, at, problems, edit, children } = props;
  const id = text(row.id);
  const own = problemsAt(problems, at);
  return (
    <tr data-testid={`editor-${entity}-${id}`}>
      <td>
        <TextField testId={`editor-${entity}-${id}-id`} label={`${entity} id`} value={id} path={[...at, "id"]} problems={problems} onSet={(to) => {
            if (typeof to === "string" && to !== "") void edit({ op: "rename", entity, from: id, to });
          }} />
      </td>
      {children}
      <td className="editor-row-problems" data-testid={`editor-${entity}-${id}-problems`}>
        {own.map((p, i) => (
          <div key={i} title={p.field}>
            {p.message}
          </div>
        ))}
      </td>
      <td>
        <button data-testid={`editor-remove-${entity}-${id}`} onClick={() => void edit({ op: "remove", entity, id })} title={`Remove ${entity} ${id} and what names it`}>
          Remove
        </button>
      </td>
    </tr>
  );
}

interface FieldProps {
  testId: string;
  label: string;
  value: string;
  path: FieldPath;
  problems: readonly ScenarioProblemView[];
  onSet: (value: unknown) => void;
}

/** The field's problems as its tooltip and its red outline. */
function invalidProps(path: FieldPath, problems: readonly ScenarioProblemView[]) {
  const own = problemsAt(problems, path);
  return own.length === 0 ? {} : { "aria-invalid": true, title: own.map((p) => p.message).join("\n"), className: "invalid" as const };
}

/**
 * Committed on blur or Enter, not on each key: each commit is an engine edit and an undo step. Uncontrolled, and
 * keyed by its value so an undo or another edit's result replaces what it shows; Escape puts that back. Multiline,
 * it is a text area that grows with a long list instead of scrolling it out of sight; Enter still commits.
 */
export function TextField(props: FieldProps & { numeric?: boolean; wide?: boolean; multiline?: boolean; placeholder?: string }) {
  const { testId, label, value, path, problems, onSet, numeric, wide, multiline, placeholder } = props;
  const commit = (raw: string) => {
    if (raw === value) return;
    const trimmed = raw.trim();
    // An emptied field is left to its default; a number the engine cannot read stays text, so its problem shows.
    onSet(trimmed === "" ? undefined : numeric && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed);
  };
  const invalid = invalidProps(path, problems);
  const common = {
    "data-testid": testId,
    "aria-label": label,
    defaultValue: value,
    placeholder,
    onBlur: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => commit(e.currentTarget.value),
    onKeyDown: (e: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      if (e.key === "Enter") {
        e.preventDefault();
        e.currentTarget.blur();
      }
      if (e.key === "Escape") {
        e.currentTarget.value = value;
        e.currentTarget.blur();
      }
    },
    ...invalid,
  };
  if (multiline) return <textarea key={value} {...common} rows={1} className={["editor-multiline", invalid.className].filter(Boolean).join(" ")} />;
  return <input key={value} {...common} size={wide ? 28 : numeric ? 5 : 12} inputMode={numeric ? "decimal" : undefined} />;
}

/** A value outside the options (a region since removed, a typo in the file) stays shown, so its problem can be read. */
export function SelectField(props: FieldProps & { options: readonly string[]; fallback?: string }) {
  const { testId, label, value, path, problems, onSet, options, fallback } = props;
  const shown = value === "" || options.includes(value) ? options : [value, ...options];
  return (
    <select data-testid={testId} aria-label={label} value={value} onChange={(e) => onSet(e.target.value === "" ? undefined : e.target.value)} {...invalidProps(path, problems)}>
      {(value === "" || fallback !== undefined) && <option value="">{fallback === undefined ? "—" : `(default: ${fallback})`}</option>}
      {shown.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

/**
 * A list field as checkboxes: one per choice, and one per member the draft names beyond the choices (a region since
 * removed, a typo), shown checked so it can be taken out. `onSet` gets the list with the toggled member in or out.
 */
export function MemberChecks(props: { choices: readonly string[]; members: readonly string[]; testIdPrefix: string; onSet: (members: string[]) => void }) {
  const { choices, members, testIdPrefix, onSet } = props;
  return [...choices, ...members.filter((m) => !choices.includes(m))].map((choice) => (
    <label key={choice}>
      <input type="checkbox" data-testid={`${testIdPrefix}-${choice}`} checked={members.includes(choice)} onChange={(e) => onSet(withMember(members, choice, e.target.checked))} />
      {choice}
    </label>
  ));
}
