/**
 * The evidence library: every bundle this host has written, newest first, each with its report to open,
 * `npm run verify`'s checks to run in the app (each check's verdict shown), and a download as one archive.
 * The bundle just exported comes first and is marked.
 */
import { useCallback, useEffect, useState } from "react";
import type { BundleCheck, EvidenceExport, EvidenceListing, LabApi } from "../../engine/lab/contract";
import { download } from "../download";
import { plural } from "../format";
import "./evidence.css";

type Verdict = { status: "running" } | { status: "done"; checks: readonly BundleCheck[] } | { status: "error"; message: string };

/** `2026-12-05 11:08 UTC` from an ISO 8601 UTC time. */
const wallDate = (iso: string) => iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");

/**
 * Browser mode serves a bundle's report under /evidence/ to a request with the page's own token; inside
 * Electron there is no such server, and the report is named by its path.
 */
function reportHref(name: string): string | null {
  if (window.lab) return null;
  const token = new URLSearchParams(window.location.search).get("token") ?? "";
  return `/evidence/${encodeURIComponent(name)}/report.html?token=${encodeURIComponent(token)}`;
}

export function EvidenceLibrary(props: { api: Pick<LabApi, "listEvidence" | "verifyBundle" | "evidenceArchive">; latest: EvidenceExport | null; onError: (message: string) => void }) {
  const { api, onError } = props;
  const latest = props.latest?.name ?? null;
  const [library, setLibrary] = useState<{ folder: string; bundles: readonly EvidenceListing[] } | null>(null);
  const [verdicts, setVerdicts] = useState<Record<string, Verdict>>({});

  const refresh = useCallback(() => api.listEvidence({}).then(setLibrary, (e: Error) => onError(e.message)), [api, onError]);
  // Listed again whenever a bundle is written.
  useEffect(() => void refresh(), [refresh, latest]);

  const verify = (name: string) => {
    setVerdicts((all) => ({ ...all, [name]: { status: "running" } }));
    api.verifyBundle({ bundle: name }).then(
      ({ checks }) => setVerdicts((all) => ({ ...all, [name]: { status: "done", checks } })),
      (e: Error) => setVerdicts((all) => ({ ...all, [name]: { status: "error", message: e.message } })),
    );
  };
  const save = (name: string) =>
    api.evidenceArchive({ bundle: name }).then(
      ({ fileName, base64 }) => download(fileName, Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)), "application/x-tar"),
      (e: Error) => onError(e.message),
    );

  if (!library) return <p className="evidence-empty muted">Reading the evidence library…</p>;
  return (
    <div className="evidence-library" data-testid="evidence-library">
      <p className="evidence-folder muted">
        {plural(library.bundles.length, "bundle")} in <code>{library.folder}</code>. <em>Export evidence</em> adds the run that played to its end; <code>npm run verify</code> checks a bundle offline.
      </p>
      <ul className="evidence-list">
        {library.bundles.map((bundle) => {
          const verdict = verdicts[bundle.name];
          const href = reportHref(bundle.name);
          return (
            <li key={bundle.name} className={bundle.name === latest ? "evidence-bundle evidence-bundle--new" : "evidence-bundle"} data-testid="evidence-bundle" data-name={bundle.name}>
              <div className="evidence-row">
                <span className="evidence-title" title={bundle.name}>
                  {bundle.name === latest && <span className="evidence-new">new</span>}
                  {bundle.scenario ?? bundle.name}
                </span>
                <span className="muted">{bundle.writtenAt ? wallDate(bundle.writtenAt) : "undated"}</span>
                <span className="muted">seed {bundle.seed ?? "?"}</span>
                <span className="muted" title={bundle.fingerprint ?? undefined}>
                  key {bundle.keyId ?? "?"}
                  {bundle.fingerprint && ` · fingerprint ${bundle.fingerprint.slice(0, 12)}…`}
                </span>
                <span className="evidence-actions">
                  {href ? (
                    <a className="evidence-action" href={href} target="_blank" rel="noreferrer" data-testid="evidence-open-report">
                      Open report
                    </a>
                  ) : (
                    <span className="muted" title={`${library.folder}/${bundle.name}/report.html`}>
                      report.html in its folder
                    </span>
                  )}
                  <button type="button" data-testid="evidence-verify" disabled={verdict?.status === "running"} onClick={() => verify(bundle.name)}>
                    {verdict?.status === "running" ? "Verifying…" : "Verify"}
                  </button>
                  <button type="button" data-testid="evidence-download" onClick={() => void save(bundle.name)} title="The whole bundle as one .tar archive">
                    Download .tar
                  </button>
                </span>
              </div>
              {bundle.name === latest && props.latest && <WrittenNote written={props.latest} />}
              {verdict && <Checks verdict={verdict} />}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** What the export just did that the listing cannot say: hand-made faults replayed, a PDF missing. */
function WrittenNote({ written }: { written: EvidenceExport }) {
  return (
    <p className="muted evidence-checks-note" data-testid="evidence-written">
      Written just now to <code>{written.dir}</code>, {plural(written.files.length, "file")}
      {written.pdfMissing ? `, no PDF (${written.pdfMissing})` : ", PDF included"}.
      {written.replayedFaults > 0 &&
        ` Its scenario schedules your ${plural(written.replayedFaults, "hand-made fault")} at their virtual times, and the bundle holds that scenario's drill, which verifying re-runs.`}
    </p>
  );
}

function Checks({ verdict }: { verdict: Verdict }) {
  if (verdict.status === "running") return <p className="muted evidence-checks-note">Checking the signature, hashes, chains and checkpoints, and re-running the scenario…</p>;
  if (verdict.status === "error") return <p className="bad evidence-checks-note">{verdict.message}</p>;
  const failed = verdict.checks.filter((c) => !c.ok).length;
  return (
    <div className="evidence-checks" data-testid="evidence-checks" data-verified={failed === 0}>
      <p className={failed === 0 ? "good" : "bad"}>{failed === 0 ? `Bundle verified: ${plural(verdict.checks.length, "check")} passed.` : `Bundle NOT verified: ${plural(failed, "check")} failed.`}</p>
      <ul>
        {verdict.checks.map((c) => (
          <li key={c.check} data-testid="evidence-check" data-ok={c.ok}>
            <span className={c.ok ? "good" : "bad"}>{c.ok ? "✓ pass" : "✗ fail"}</span> <strong>{c.check}</strong>: {c.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
