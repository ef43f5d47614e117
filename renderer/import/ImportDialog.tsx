/**
 * *Import…*: a LiteLLM or Portkey config from disk becomes a scenario and is loaded, as `failover-lab import`
 * does on the command line. The endpoints are placed by the same region rules, one per line. A config that
 * cannot become a scenario shows its problems under its own lines (the scenario file's problem view); one that
 * imports lists, by line and field, everything it could not carry over, since nothing is dropped silently.
 */
import { useRef, useState } from "react";
import { IMPORT_FORMATS, type ImportFormat, type LabApi, type ScenarioProblemView } from "../../engine/lab/contract";
import { plural } from "../format";
import { openedFileTooLarge } from "../openedFile";
import type { RejectedFile } from "../panels/ScenarioLibrary";
import "./import.css";

const FORMAT_TITLES: Record<ImportFormat, string> = { litellm: "LiteLLM config.yaml", portkey: "Portkey config (JSON)", envoy: "Envoy clusters (YAML or JSON)" };
const RULES_EXAMPLE = "my-eu.openai.azure.com=eu-west:EU:Dublin\napi.openai.com=us-east:US:Virginia";

type Imported = { readonly fileName: string; readonly warnings: readonly ScenarioProblemView[] };

export function ImportButton(props: { api: Pick<LabApi, "importConfig">; onRejected: (file: RejectedFile) => void; onError: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [imported, setImported] = useState<Imported | null>(null);
  return (
    <>
      <button type="button" className="file-open" data-testid="import-button" onClick={() => setOpen(true)}>
        Import config…
      </button>
      {open && (
        <ImportDialog
          {...props}
          onClose={() => setOpen(false)}
          onImported={(result) => {
            setOpen(false);
            setImported(result);
          }}
        />
      )}
      {imported && <ImportWarnings imported={imported} onClose={() => setImported(null)} />}
    </>
  );
}

function ImportDialog(props: {
  api: Pick<LabApi, "importConfig">;
  onRejected: (file: RejectedFile) => void;
  onError: (message: string) => void;
  onClose: () => void;
  onImported: (imported: Imported) => void;
}) {
  const { api, onRejected, onError, onClose, onImported } = props;
  const [format, setFormat] = useState<ImportFormat>("litellm");
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [rules, setRules] = useState("");
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const regions = rules
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

  const submit = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const result = await api.importConfig({ format, fileName: file.name, text: file.text, regions });
      if (result.ok) onImported(result);
      else onRejected({ fileName: file.name, text: file.text, problems: result.problems });
    } catch (error) {
      onError((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="import-dialog" role="dialog" aria-label="Import a gateway config" data-testid="import-dialog">
      <header>
        <strong>Import a gateway config</strong>
        <button onClick={onClose}>Cancel</button>
      </header>
      <label>
        Format
        <select data-testid="import-format" value={format} onChange={(e) => setFormat(e.target.value as ImportFormat)}>
          {IMPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {FORMAT_TITLES[f]}
            </option>
          ))}
        </select>
      </label>
      <div>
        <button type="button" data-testid="import-choose-file" onClick={() => fileInput.current?.click()}>
          Choose file…
        </button>{" "}
        <span data-testid="import-file-name">{file ? file.name : "no file chosen"}</span>
        <input
          ref={fileInput}
          type="file"
          hidden
          accept=".yaml,.yml,.json"
          data-testid="import-file"
          onChange={async (event) => {
            const chosen = event.target.files?.[0];
            event.target.value = "";
            if (!chosen) return;
            const tooLarge = openedFileTooLarge(chosen);
            if (tooLarge) onError(tooLarge);
            else setFile({ name: chosen.name, text: await chosen.text() });
          }}
        />
      </div>
      <label>
        <span>
          Regions: one rule a line, <code>MATCH=region:JURISDICTION:Location</code>, where MATCH is an endpoint&apos;s host (and its subdomains) or a URL prefix{format === "envoy" && ", or a locality's region, zone or sub_zone"}
        </span>
        <textarea data-testid="import-regions" rows={4} value={rules} placeholder={RULES_EXAMPLE} onChange={(e) => setRules(e.target.value)} spellCheck={false} />
      </label>
      <footer>
        <button data-testid="import-submit" disabled={!file || regions.length === 0 || busy} onClick={submit}>
          {busy ? "Importing…" : "Import and load"}
        </button>
      </footer>
    </div>
  );
}

/** Over the canvas's top right, clear of the dock and the sidebar the user works in next; folded to its first line on request. */
function ImportWarnings({ imported, onClose }: { imported: Imported; onClose: () => void }) {
  const [folded, setFolded] = useState(false);
  return (
    <div className="import-warnings" role="status" data-testid="import-warnings" data-folded={folded}>
      <header>
        <span>
          Loaded <strong>{imported.fileName}</strong>
          {imported.warnings.length === 0 ? ": every field was imported." : `: ${plural(imported.warnings.length, "note")} on what was not imported as written.`}
        </span>
        {imported.warnings.length > 0 && (
          <button onClick={() => setFolded(!folded)} aria-expanded={!folded} data-testid="import-warnings-fold">
            {folded ? "Show" : "Fold"}
          </button>
        )}
        <button onClick={onClose}>Close</button>
      </header>
      {imported.warnings.length > 0 && !folded && (
        <ul>
          {imported.warnings.map((w, i) => (
            <li key={i} data-testid="import-warning">
              <span className="where">
                {w.line}:{w.column} {w.field}
              </span>{" "}
              {w.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
