import { useEffect, useRef, useState } from "react";
import type { LabApi, ScenarioListing, ScenarioProblemView } from "../../engine/lab/contract";
import { plural } from "../format";
import { openedFileTooLarge } from "../openedFile";

/** A file that failed validation: its text with each problem shown under the line it is about. */
export interface RejectedFile {
  readonly fileName: string;
  readonly text: string;
  readonly problems: readonly ScenarioProblemView[];
}

export function ScenarioLibrary(props: {
  api: LabApi;
  current: string | null;
  onLoaded: () => void;
  onRejected: (file: RejectedFile) => void;
  onError: (message: string) => void;
}) {
  const [scenarios, setScenarios] = useState<readonly ScenarioListing[] | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const { api, onError } = props;

  useEffect(() => {
    api.listScenarios({}).then((r) => setScenarios(r.scenarios), (e: Error) => onError(e.message));
  }, [api, onError]);

  const load = async (label: string, request: () => ReturnType<LabApi["loadScenario"]>) => {
    setLoading(label);
    try {
      const result = await request();
      if (result.ok) props.onLoaded();
      else props.onRejected({ fileName: label, text: result.text, problems: result.problems });
    } catch (error) {
      onError((error as Error).message);
    } finally {
      setLoading(null);
    }
  };

  return (
    <section className="library" data-testid="library">
      <h3>Scenario library</h3>
      {scenarios === null ? (
        <p className="muted">Loading scenarios…</p>
      ) : scenarios.length === 0 ? (
        <p className="muted">No scenarios found in scenarios/.</p>
      ) : (
        <ul>
          {scenarios.map((s) => (
            <li key={s.file}>
              <button
                className={`library-item${s.file === props.current ? " current" : ""}${s.valid ? "" : " invalid"}`}
                data-testid={`open-${s.file}`}
                title={s.description}
                disabled={loading !== null}
                onClick={() => load(s.file, () => api.loadScenario({ source: "library", name: s.file }))}
              >
                <span className="library-name">{s.name}</span>
                <span className="library-file">{loading === s.file ? "opening…" : s.file}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {/* The native input's "Choose File" box cannot be styled and spilled past the sidebar: a button opens it. */}
      <button type="button" className="file-open" data-testid="open-file-button" disabled={loading !== null} onClick={() => fileInput.current?.click()}>
        Open from disk…
      </button>
      <input
        ref={fileInput}
        type="file"
        hidden
        accept=".yaml,.yml"
        data-testid="open-file"
        onChange={async (event) => {
          const file = event.target.files?.[0];
          event.target.value = "";
          if (!file) return;
          const tooLarge = openedFileTooLarge(file);
          if (tooLarge) return onError(tooLarge);
          const text = await file.text();
          await load(file.name, () => api.loadScenario({ source: "text", fileName: file.name, text }));
        }}
      />
    </section>
  );
}

/** The rejected file's text, each problem in red right under its line, pointing at its column. */
export function ProblemsView({ file, onClose }: { file: RejectedFile; onClose: () => void }) {
  const lines = file.text.split("\n");
  const byLine = new Map<number, ScenarioProblemView[]>();
  for (const problem of file.problems) byLine.set(problem.line, [...(byLine.get(problem.line) ?? []), problem]);
  return (
    <div className="problems" role="alertdialog" data-testid="scenario-problems">
      <header>
        <strong>{file.fileName}</strong> was not loaded: {plural(file.problems.length, "problem")}. Nothing changed.
        <button onClick={onClose}>Close</button>
      </header>
      <pre>
        {lines.length <= 1 && file.text === ""
          ? file.problems.map((p, j) => <div key={j} className="problem">{`${p.line}:${p.column} ${p.field} ${p.message}`}</div>)
          : lines.map((line, i) => (
              <div key={i}>
                <span className="line-no">{String(i + 1).padStart(4)}</span> {line}
                {(byLine.get(i + 1) ?? []).map((p, j) => (
                  <div key={j} className="problem" data-testid="problem" data-field={p.field}>
                    {" ".repeat(5 + Math.max(0, p.column - 1))}↑ {p.field ? `${p.field}: ` : ""}
                    {p.message}
                  </div>
                ))}
              </div>
            ))}
      </pre>
    </div>
  );
}
