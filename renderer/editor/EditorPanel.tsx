/**
 * The topology editor: a draft of a scenario file, opened from the loaded run, a library file or nothing, edited
 * one engine op at a time (the engine adds with valid defaults, removes and renames everywhere, and finds each
 * draft's problems by loading it as *Apply* would), then applied to the session or saved as a file.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import type { DraftEntity, DraftOp, LabApi, ScenarioDraftValue, ScenarioListing, ScenarioProblemView } from "../../engine/lab/contract";
import { download } from "../download";
import { plural } from "../format";
import { deployedModels, fieldPath, list, problemsAt, rows, splitList, text, valueAt, withModelNames, withModelRefs, type FieldPath, type Row } from "./fieldPath";
import { BAD_TOKEN_KINDS, JURISDICTIONS, ROUTING_STRATEGIES, SETTINGS } from "./options";
import { canRedo, canUndo, historyOf, push, redo, undo, type History } from "./history";
import "./editor.css";

/** Not a file name: a library file is named `*.yaml`. */
const EMPTY_TEMPLATE = "empty";

/** A draft and the problems the engine found in it when it was made, so undo and redo need no engine call. */
interface Entry {
  readonly draft: ScenarioDraftValue;
  readonly problems: readonly ScenarioProblemView[];
}
interface Doc {
  readonly fileName: string;
  readonly baseText: string;
  readonly history: History<Entry>;
}
type Status =
  | { kind: "idle" }
  | { kind: "busy"; doing: string }
  | { kind: "applied"; fileName: string }
  | { kind: "refused"; problems: readonly ScenarioProblemView[] }
  | { kind: "error"; message: string };

type Api = Pick<LabApi, "listScenarios" | "openDraft" | "editDraft" | "applyDraft">;
type Edit = (op: DraftOp) => void;

export function EditorPanel(props: { api: Api; loaded: string | null; hidden: boolean }) {
  const { api, loaded, hidden } = props;
  const [library, setLibrary] = useState<readonly ScenarioListing[]>([]);
  const [doc, setDocState] = useState<Doc | null>(null);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  // Edits and applies run one after another, each on the draft the one before left: a field committed on blur by
  // a click on Add or Save would otherwise send both from the same draft, and the later reply drop the edit.
  const docRef = useRef<Doc | null>(null);
  const queue = useRef(Promise.resolve());
  const setDoc = (next: Doc) => {
    docRef.current = next;
    setDocState(next);
  };
  const fail = (e: Error) => setStatus({ kind: "error", message: e.message });
  const enqueue = (task: (doc: Doc) => Promise<void>) => {
    queue.current = queue.current.then(() => (docRef.current ? task(docRef.current) : undefined)).catch(fail);
  };

  useEffect(() => {
    api.listScenarios({}).then(
      ({ scenarios }) => setLibrary(scenarios),
      (e: Error) => setStatus({ kind: "error", message: e.message }),
    );
  }, [api]);

  const open = (input: Parameters<Api["openDraft"]>[0]) => {
    setStatus({ kind: "busy", doing: "Opening…" });
    api.openDraft(input).then((view) => {
      setDoc({ fileName: view.fileName, baseText: view.baseText, history: historyOf({ draft: view.draft, problems: view.problems }) });
      setStatus({ kind: "idle" });
    }, fail);
  };

  const edit: Edit = (op) =>
    enqueue(async (before) => {
      const reply = await api.editDraft({ baseText: before.baseText, draft: before.history.present.draft, op });
      // An undo, or another draft opened, while the engine answered wins: the edit was of a draft no longer shown.
      if (docRef.current !== before) return;
      setDoc({ ...before, history: push(before.history, { draft: reply.draft, problems: reply.problems }) });
      setStatus({ kind: "idle" });
    });

  const apply = (andThen?: (fileName: string, yaml: string) => void) =>
    enqueue(async ({ fileName, baseText, history }) => {
      setStatus({ kind: "busy", doing: "Applying…" });
      const reply = await api.applyDraft({ fileName, baseText, draft: history.present.draft });
      if (!reply.ok) return setStatus({ kind: "refused", problems: reply.problems });
      setStatus({ kind: "applied", fileName });
      andThen?.(fileName, reply.text);
    });

  const step = (move: typeof undo) => {
    if (docRef.current) setDoc({ ...docRef.current, history: move(docRef.current.history) });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
    // Typing not yet committed is the input's own to undo.
    if (e.target instanceof HTMLInputElement && e.target.value !== e.target.defaultValue) return;
    e.preventDefault();
    step(e.shiftKey ? redo : undo);
  };

  const present = doc?.history.present;
  return (
    <section className="editor" aria-label="Topology editor" data-testid="editor-panel" hidden={hidden} onKeyDown={onKeyDown}>
      <header className="editor-header">
        <select
          data-testid="editor-template"
          aria-label="New from template"
          value=""
          onChange={(e) => open(e.target.value === EMPTY_TEMPLATE ? { source: "empty" } : { source: "library", name: e.target.value })}
        >
          <option value="" disabled>
            New from template…
          </option>
          <option value={EMPTY_TEMPLATE}>Empty topology</option>
          {library.map((s) => (
            <option key={s.file} value={s.file}>
              {s.file}
            </option>
          ))}
        </select>
        <button data-testid="editor-open-loaded" disabled={loaded === null} onClick={() => open({ source: "loaded" })} title={loaded === null ? "No scenario is loaded" : `Edit ${loaded}`}>
          Edit the loaded scenario
        </button>
        {doc && present && (
          <>
            <strong className="editor-file" data-testid="editor-file">
              {doc.fileName}
            </strong>
            <button data-testid="editor-undo" disabled={!canUndo(doc.history)} onClick={() => step(undo)} title="Undo (Ctrl+Z)">
              Undo
            </button>
            <button data-testid="editor-redo" disabled={!canRedo(doc.history)} onClick={() => step(redo)} title="Redo (Ctrl+Shift+Z)">
              Redo
            </button>
            <button data-testid="editor-apply" disabled={status.kind === "busy"} onClick={() => apply()} title="Load this draft as the session's run">
              Apply
            </button>
            <button
              data-testid="editor-save"
              disabled={status.kind === "busy"}
              onClick={() => apply((fileName, yaml) => download(fileName, yaml, "application/yaml"))}
              title="Apply, then download the scenario file"
            >
              Save
            </button>
            <ProblemList problems={present.problems} />
          </>
        )}
        <StatusLine status={status} />
      </header>
      {!present ? (
        <p className="editor-empty">Start from a template or edit the loaded scenario.</p>
      ) : (
        <DraftForm draft={present.draft} problems={present.problems} edit={edit} />
      )}
    </section>
  );
}

function ProblemList({ problems }: { problems: readonly ScenarioProblemView[] }) {
  if (problems.length === 0)
    return (
      <span className="editor-ok" data-testid="editor-problems">
        No problems
      </span>
    );
  return (
    <details className="editor-problems" data-testid="editor-problems">
      <summary>{plural(problems.length, "problem")}</summary>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {p.field && <code>{p.field}</code>} {p.message}
          </li>
        ))}
      </ul>
    </details>
  );
}

function StatusLine({ status }: { status: Status }) {
  switch (status.kind) {
    case "idle":
      return null;
    case "busy":
      return <span className="editor-status">{status.doing}</span>;
    case "applied":
      return (
        <span className="editor-status editor-applied" data-testid="editor-status">
          Applied: the session runs {status.fileName}
        </span>
      );
    case "refused":
      return (
        <span className="editor-status editor-error" role="alert" data-testid="editor-status">
          Not applied, {plural(status.problems.length, "problem")}: {status.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join("; ")}
        </span>
      );
    case "error":
      return (
        <span className="editor-status editor-error" role="alert" data-testid="editor-status">
          {status.message}
        </span>
      );
  }
}

function DraftForm({ draft, problems, edit }: { draft: ScenarioDraftValue; problems: readonly ScenarioProblemView[]; edit: Edit }) {
  const regions = rows(draft, "regions");
  const providers = rows(draft, "providers");
  const models = rows(draft, "models");
  const callers = rows(draft, "callers");
  const regionIds = regions.map((r) => text(r.id));
  const set = (path: FieldPath) => (value: unknown) => edit({ op: "set", path, value });
  const field = (path: FieldPath) => ({ path, problems, onSet: set(path) });
  // A list's own problems (empty where the format needs one entry), apart from its entries'.
  const listProblems = (key: string) => problems.filter((p) => p.field === fieldPath(["topology", key]));

  return (
    <div className="editor-sections">
      <Section title="Regions" entity="region" count={regions.length} problems={listProblems("regions")} edit={edit} columns={["id", "jurisdiction", "location"]}>
        {regions.map((r, i) => {
          const at = ["topology", "regions", i];
          return (
            <EntityRow key={rowKey(r, i)} entity="region" row={r} at={at} problems={problems} edit={edit}>
              <td>
                <SelectField testId={`editor-region-${text(r.id)}-jurisdiction`} label="Jurisdiction" value={text(r.jurisdiction)} options={JURISDICTIONS} {...field([...at, "jurisdiction"])} />
              </td>
              <td>
                <TextField testId={`editor-region-${text(r.id)}-location`} label="Location" value={text(r.location)} {...field([...at, "location"])} />
              </td>
            </EntityRow>
          );
        })}
      </Section>

      <Section title="Providers" entity="provider" count={providers.length} problems={listProblems("providers")} edit={edit} columns={["id", "deployments: region, endpoint, models"]}>
        {providers.map((p, i) => {
          const at = ["topology", "providers", i];
          return (
            <EntityRow key={rowKey(p, i)} entity="provider" row={p} at={at} problems={problems} edit={edit}>
              <td>
                {deployments(p).map((d, j) => {
                  const dat = [...at, "deployments", j];
                  const testId = `editor-provider-${text(p.id)}-deployment-${j}`;
                  return (
                    <div key={j} className="editor-deployment">
                      <button data-testid={`${testId}-remove`} onClick={() => set(dat)(undefined)} title="Remove this deployment" aria-label="Remove this deployment">
                        −
                      </button>
                      <SelectField testId={`${testId}-region`} label="Region" value={text(d.region)} options={regionIds} {...field([...dat, "region"])} />
                      <TextField testId={`${testId}-endpoint`} label="Endpoint" value={text(d.endpoint)} wide {...field([...dat, "endpoint"])} />
                      <TextField
                        testId={`${testId}-models`}
                        label="Models, comma-separated"
                        value={deployedModels(d.models).join(", ")}
                        {...field([...dat, "models"])}
                        onSet={(value) => set([...dat, "models"])(withModelNames(d.models, splitList(String(value ?? ""))))}
                      />
                    </div>
                  );
                })}
                <button data-testid={`editor-provider-${text(p.id)}-add-deployment`} onClick={() => set([...at, "deployments", deployments(p).length])(newDeployment(p, regionIds))}>
                  + deployment
                </button>
              </td>
            </EntityRow>
          );
        })}
      </Section>

      <Section title="Logical models" entity="model" count={models.length} problems={listProblems("models")} edit={edit} columns={["id", "routing", "serves (provider/model)", "equivalents"]}>
        {models.map((m, i) => {
          const at = ["topology", "models", i];
          return (
            <EntityRow key={rowKey(m, i)} entity="model" row={m} at={at} problems={problems} edit={edit}>
              <td>
                <SelectField testId={`editor-model-${text(m.id)}-routing`} label="Routing strategy" value={text(m.routing_strategy)} options={ROUTING_STRATEGIES} fallback="ordered" {...field([...at, "routing_strategy"])} />
              </td>
              {(["serves", "equivalents"] as const).map((key) => (
                <td key={key}>
                  <TextField
                    testId={`editor-model-${text(m.id)}-${key}`}
                    label={`${key}, provider/model, comma-separated`}
                    value={list(m[key]).map((ref) => `${text(ref.provider)}/${text(ref.model)}`).join(", ")}
                    wide
                    {...field([...at, key])}
                    onSet={(value) => set([...at, key])(withModelRefs(m[key], splitList(String(value ?? ""))))}
                  />
                </td>
              ))}
            </EntityRow>
          );
        })}
      </Section>

      <Section title="Callers" entity="callers" count={callers.length} problems={listProblems("callers")} edit={edit} columns={["id", "region", "jurisdiction", "model", "rate/s", "consent", "bad tokens: wrong key, expired, wrong audience"]}>
        {callers.map((c, i) => {
          const at = ["topology", "callers", i];
          const testId = `editor-callers-${text(c.id)}`;
          const badTokens = (c.bad_tokens ?? {}) as Row;
          return (
            <EntityRow key={rowKey(c, i)} entity="callers" row={c} at={at} problems={problems} edit={edit}>
              <td>
                <SelectField testId={`${testId}-region`} label="Region" value={text(c.region)} options={regionIds} {...field([...at, "region"])} />
              </td>
              <td>
                <SelectField testId={`${testId}-jurisdiction`} label="Jurisdiction of the data" value={text(c.jurisdiction)} options={JURISDICTIONS} {...field([...at, "jurisdiction"])} />
              </td>
              <td>
                <SelectField testId={`${testId}-model`} label="Logical model" value={text(c.model)} options={models.map((m) => text(m.id))} {...field([...at, "model"])} />
              </td>
              <td>
                <TextField testId={`${testId}-rate`} label="Requests per second" value={text(c.rate_per_s)} numeric {...field([...at, "rate_per_s"])} />
              </td>
              <td>
                <TextField testId={`${testId}-consent`} label="Share with cross-border consent" value={text(c.consent_share)} placeholder="0" numeric {...field([...at, "consent_share"])} />
              </td>
              <td className="editor-tokens">
                {BAD_TOKEN_KINDS.map((kind) => (
                  <TextField key={kind} testId={`${testId}-bad-${kind}`} label={`Share of ${kind} tokens`} value={text(badTokens[kind])} placeholder="0" numeric {...field([...at, "bad_tokens", kind])} />
                ))}
              </td>
            </EntityRow>
          );
        })}
      </Section>

      <fieldset className="editor-settings" data-testid="editor-settings">
        <legend>Settings</legend>
        {SETTINGS.map((s) => {
          const value = text(valueAt(draft, s.path));
          const testId = `editor-setting-${s.path.join("-")}`;
          return (
            <label key={testId}>
              {s.label}
              {s.options ? (
                <SelectField testId={testId} label={s.label} value={value} options={s.options} fallback={s.fallback} {...field(s.path)} />
              ) : (
                <TextField testId={testId} label={s.label} value={value} placeholder={s.fallback} numeric {...field(s.path)} />
              )}
              {problemsAt(problems, s.path).map((p, i) => (
                <span key={i} className="editor-row-problems">
                  {p.message}
                </span>
              ))}
            </label>
          );
        })}
      </fieldset>
    </div>
  );
}

function Section(props: { title: string; entity: DraftEntity; count: number; problems: readonly ScenarioProblemView[]; edit: Edit; columns: readonly string[]; children: ReactNode }) {
  const { title, entity, count, problems, edit, columns, children } = props;
  return (
    <section className="editor-section" aria-label={title}>
      <h3>
        {title} ({count})
        <button data-testid={`editor-add-${entity}`} onClick={() => edit({ op: "add", entity })}>
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
function rowKey(row: Row, i: number): string {
  return `${text(row.id)}#${i}`;
}

const deployments = (provider: Row): Row[] => list(provider.deployments);

/** In the first region the provider is not yet deployed in, serving what its first deployment serves, as the engine's add does. */
function newDeployment(provider: Row, regionIds: readonly string[]): Row {
  const taken = new Set(deployments(provider).map((d) => text(d.region)));
  const region = regionIds.find((r) => !taken.has(r)) ?? regionIds[0] ?? "";
  const models = deployments(provider)[0]?.models;
  return { region, endpoint: `https://${text(provider.id)}.${region}.sim.test`, models: Array.isArray(models) ? models : ["model-a"] };
}

/** One entity: its id (a rename when changed), its fields, the problems anywhere inside it, and Remove. */
function EntityRow(props: { entity: DraftEntity; row: Row; at: FieldPath; problems: readonly ScenarioProblemView[]; edit: Edit; children: ReactNode }) {
  const { entity, row, at, problems, edit, children } = props;
  const id = text(row.id);
  const own = problemsAt(problems, at);
  return (
    <tr data-testid={`editor-${entity}-${id}`}>
      <td>
        <TextField testId={`editor-${entity}-${id}-id`} label={`${entity} id`} value={id} path={[...at, "id"]} problems={problems} onSet={(to) => typeof to === "string" && to !== "" && edit({ op: "rename", entity, from: id, to })} />
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
        <button data-testid={`editor-remove-${entity}-${id}`} onClick={() => edit({ op: "remove", entity, id })} title={`Remove ${entity} ${id} and what names it`}>
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
  return own.length === 0 ? {} : { "aria-invalid": true, title: own.map((p) => p.message).join("\n"), className: "invalid" };
}

/**
 * Committed on blur or Enter, not on each key: each commit is an engine edit and an undo step. Uncontrolled, and
 * keyed by its value so an undo or another edit's result replaces what it shows; Escape puts that back.
 */
function TextField(props: FieldProps & { numeric?: boolean; wide?: boolean; placeholder?: string }) {
  const { testId, label, value, path, problems, onSet, numeric, wide, placeholder } = props;
  const commit = (raw: string) => {
    if (raw === value) return;
    const trimmed = raw.trim();
    // An emptied field is left to its default; a number the engine cannot read stays text, so its problem shows.
    onSet(trimmed === "" ? undefined : numeric && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed);
  };
  return (
    <input
      key={value}
      data-testid={testId}
      aria-label={label}
      defaultValue={value}
      placeholder={placeholder}
      size={wide ? 28 : numeric ? 5 : 12}
      inputMode={numeric ? "decimal" : undefined}
      onBlur={(e) => commit(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") e.currentTarget.blur();
        if (e.key === "Escape") {
          e.currentTarget.value = value;
          e.currentTarget.blur();
        }
      }}
      {...invalidProps(path, problems)}
    />
  );
}

/** A value outside the options (a region since removed, a typo in the file) stays shown, so its problem can be read. */
function SelectField(props: FieldProps & { options: readonly string[]; fallback?: string }) {
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
