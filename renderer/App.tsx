import { useCallback, useEffect, useState } from "react";
import type { EvidenceExport, FaultMenuEntry, LabSnapshot } from "../engine/lab/contract";
import { MAX_SPEED, MIN_SPEED } from "../engine/lab/contract";
import type { ConnectionState, LabConnection } from "./api";
import { AuditInspector } from "./audit/AuditInspector";
import { ComparePanel } from "./compare/ComparePanel";
import { DraftCanvas } from "./editor/canvas/DraftCanvas";
import { EditorPanel } from "./editor/EditorPanel";
import { useDraftEditor } from "./editor/useDraftEditor";
import { Scrubber, TimeControls } from "./controls/TimeControls";
import { MetricsCharts } from "./metrics/MetricsCharts";
import { download } from "./download";
import { EvidenceLibrary } from "./evidence/EvidenceLibrary";
import { ImportButton } from "./import/ImportDialog";
import { evidenceExportState } from "./evidence/exportState";
import { LessonLibrary } from "./lesson/LessonLibrary";
import { LessonPane } from "./lesson/LessonPane";
import { DrillPanel } from "./panels/DrillPanel";
import { GatewayApiPanel } from "./panels/GatewayApiPanel";
import { ProblemsView, ScenarioLibrary, type RejectedFile } from "./panels/ScenarioLibrary";
import { Timeline } from "./panels/Timeline";
import { useShell, notAShortcut } from "./shell/useShell";
import { ExitFullScreen, ViewControls } from "./shell/ViewControls";
import { NodeTextContext, TEXT_SIZE_PX } from "./shell/viewSettings";
import { SweepPanel } from "./sweep/SweepPanel";
import { FaultMenu } from "./topology/FaultMenu";
import type { GraphTarget } from "./topology/graph";
import { TopologyCanvas } from "./topology/TopologyCanvas";

const TABS = ["audit", "metrics", "timeline", "evidence", "compare", "sweep", "editor"] as const;
type Tab = (typeof TABS)[number];
const TAB_TITLES = { metrics: "Metrics", evidence: "Evidence", compare: "Compare", sweep: "Sweep", editor: "Editor" } as const;
const SPEED_STEPS = [1, 2, 5, 10, 20, 50, 100];
let toastCount = 0;

export function App({ connection }: { connection: LabConnection }) {
  const { api } = connection;
  const [snapshot, setSnapshot] = useState<LabSnapshot | null>(null);
  const [link, setLink] = useState<{ state: ConnectionState; detail?: string | undefined }>({ state: "connecting" });
  const [errors, setErrors] = useState<{ id: number; message: string }[]>([]);
  const [menu, setMenu] = useState<{ target: GraphTarget; at: { x: number; y: number } } | null>(null);
  const [rejected, setRejected] = useState<RejectedFile | null>(null);
  const [tab, setTab] = useState<Tab>("audit");
  const [evidence, setEvidence] = useState<EvidenceExport | null>(null);
  const [faultMenu, setFaultMenu] = useState<readonly FaultMenuEntry[]>([]);
  const shell = useShell();
  const editor = useDraftEditor(api);
  const [presenter, setPresenter] = useState(false);

  const showError = useCallback((message: string) => {
    const id = ++toastCount;
    setErrors((list) => [...list.slice(-3), { id, message }]);
    setTimeout(() => setErrors((list) => list.filter((e) => e.id !== id)), 10_000);
  }, []);

  useEffect(() => connection.onState((state, detail) => setLink({ state, detail })), [connection]);
  useEffect(() => {
    const unsubscribe = api.subscribe((message) => {
      if (message.type === "snapshot") setSnapshot(message.snapshot);
      else if (message.type === "error") showError(message.message);
    });
    api.getSnapshot({}).then(setSnapshot, (e: Error) => showError(e.message));
    return unsubscribe;
  }, [api, showError]);

  // The fault menus' entries, asked for once per loaded scenario: the engine's kinds decide what they offer.
  const scenarioFile = snapshot?.scenario?.fileName;
  useEffect(() => {
    if (scenarioFile === undefined) return;
    api.faultCatalog({}).then((catalog) => setFaultMenu(catalog.entries), (e: Error) => showError(e.message));
  }, [api, scenarioFile, showError]);
  // The "new" mark on the last bundle belongs to the run it came from.
  useEffect(() => setEvidence(null), [scenarioFile]);

  /** Runs a command; its failure is shown, never thrown into React. */
  const run = useCallback(
    <T,>(command: () => Promise<T>, then?: (result: T) => void) => {
      command().then(then, (e: Error) => showError(e.message));
    },
    [showError],
  );

  const status = snapshot?.status ?? "empty";
  const togglePlay = useCallback(() => {
    if (status === "playing") run(() => api.pause({}));
    else if (status === "ready" || status === "paused") run(() => api.play({}));
  }, [api, run, status]);
  const seeking = snapshot?.seekingTo != null;
  const lessonOpen = snapshot?.lesson != null;
  // Presenter mode is the lesson's: without one open there is nothing to present.
  const presenting = presenter && lessonOpen;
  const step = useCallback(
    (until: "event" | "change") => status !== "empty" && status !== "finished" && !seeking && run(() => api.step({ until })),
    [api, run, status, seeking],
  );
  const changeSpeed = useCallback(
    (direction: 1 | -1) => {
      const current = snapshot?.speed ?? 10;
      const next = direction > 0 ? SPEED_STEPS.find((s) => s > current) : [...SPEED_STEPS].reverse().find((s) => s < current);
      if (next !== undefined && next >= MIN_SPEED && next <= MAX_SPEED) run(() => api.setSpeed({ speed: next }));
    },
    [api, run, snapshot?.speed],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (notAShortcut(event)) return;
      if (event.key === " ") togglePlay();
      else if ((event.key === "ArrowRight" && event.shiftKey) || event.key === ">") step("change");
      else if (event.key === "ArrowRight" || event.key === ".") step("event");
      else if (event.key === "+" || event.key === "=") changeSpeed(1);
      else if (event.key === "-") changeSpeed(-1);
      else if (event.key === "Escape") setMenu(null);
      else if (event.key.toLowerCase() === "p" && lessonOpen) setPresenter((on) => !on);
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [togglePlay, step, changeSpeed, lessonOpen]);

  if (!snapshot) {
    return (
      <div className="splash" data-testid="splash">
        <h1>Failover Lab</h1>
        <p>{link.state === "closed" ? `Cannot reach the engine host: ${link.detail ?? "connection closed"}.` : "Connecting to the engine…"}</p>
      </div>
    );
  }

  const regions = snapshot.regions.map((r) => r.id);
  const exportState = evidenceExportState(snapshot);
  return (
    <div className="app" data-sidebar={shell.sidebar ? "shown" : "hidden"} data-dock={shell.dock ? "shown" : "hidden"} data-full-screen={shell.fullScreen} data-lesson={snapshot.lesson ? "open" : "closed"} data-presenter={presenting} data-testid="app">
      <header className="topbar">
        <h1>Failover Lab</h1>
        <span className="scenario-name" data-testid="scenario-name" data-file={snapshot.scenario?.fileName ?? ""} title={snapshot.scenario ? `${snapshot.scenario.name} (${snapshot.scenario.fileName})` : undefined}>
          {snapshot.scenario ? snapshot.scenario.name : "no scenario"}
        </span>
        <TimeControls
          snapshot={snapshot}
          onPlay={() => run(() => api.play({}))}
          onPause={() => run(() => api.pause({}))}
          onStep={() => step("event")}
          onStepToChange={() => step("change")}
          onSpeed={(speed) => run(() => api.setSpeed({ speed }))}
          onReset={() => run(() => api.reset({}))}
        />
        <div className="topbar-actions">
          <button data-testid="save-scenario" disabled={!snapshot.scenario} onClick={() => run(() => api.saveScenario({}), (r) => download(r.fileName, r.text, "application/yaml"))} title="Save the topology and fault timeline as a scenario file">
            Save scenario
          </button>
          <button data-testid="export-report" disabled={!snapshot.scenario} onClick={() => run(() => api.exportReport({}), (r) => download(r.fileName, r.json, "application/json"))}>
            Export report
          </button>
          <button
            data-testid="export-evidence"
            disabled={!exportState.enabled}
            title={exportState.reason}
            onClick={() =>
              run(
                () => api.exportEvidence({}),
                (written) => {
                  setEvidence(written);
                  setTab("evidence");
                  if (!shell.dock) shell.toggleDock();
                },
              )
            }
          >
            Export evidence
          </button>
        </div>
      </header>
      {link.state === "closed" && <div className="banner banner-error">Disconnected from the engine host: {link.detail}. Restart `npm start` and open its new address.</div>}
      <Scrubber snapshot={snapshot} onRunTo={(ms) => run(() => api.runTo({ ms }))} />
      <div className="workspace">
        <aside className="sidebar">
          {snapshot.scenario && <DrillPanel snapshot={snapshot} />}
          <LessonLibrary api={api} open={snapshot.lesson?.fileName ?? null} onError={showError} />
          <ScenarioLibrary api={api} current={snapshot.scenario?.fileName ?? null} onLoaded={() => setRejected(null)} onRejected={setRejected} onError={showError} />
          <ImportButton api={api} onRejected={setRejected} onError={showError} />
          {snapshot.gatewayApi && <GatewayApiPanel gatewayApi={snapshot.gatewayApi} />}
        </aside>
        <main className="stage">
          <NodeTextContext.Provider value={TEXT_SIZE_PX[shell.textSize]}>
            {tab === "editor" && editor.doc && editor.stage === "draft" ? <DraftCanvas editor={editor} /> : <TopologyCanvas snapshot={snapshot} onTarget={(target, at) => setMenu({ target, at })} />}
          </NodeTextContext.Provider>
          {shell.fullScreen && <ExitFullScreen shell={shell} />}
          {menu && (
            <FaultMenu
              target={menu.target}
              at={menu.at}
              entries={faultMenu}
              faults={snapshot.faults}
              onInject={(fault) => run(() => api.injectFault({ fault }))}
              onHeal={(faultId) => run(() => api.heal({ faultId }))}
              onClose={() => setMenu(null)}
            />
          )}
          {rejected && <ProblemsView file={rejected} onClose={() => setRejected(null)} />}
        </main>
        {snapshot.lesson && <LessonPane api={api} lesson={snapshot.lesson} run={run} presenter={presenting} onPresenter={setPresenter} />}
      </div>
      <section className="dock">
        <nav className="tabs" role="tablist">
          {TABS.map((t) => (
            <button
              key={t}
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? "tab active" : "tab"}
              data-testid={`tab-${t}`}
              onClick={() => {
                setTab(t);
                // A collapsed dock keeps its tabs: choosing one opens it.
                if (!shell.dock) shell.toggleDock();
              }}
            >
              {t === "audit" ? `Audit (${snapshot.questions.audit.entries.toLocaleString("en")})` : t === "timeline" ? `Timeline (${snapshot.timeline.length})` : TAB_TITLES[t]}
            </button>
          ))}
          <ViewControls shell={shell} lessonOpen={lessonOpen} />
        </nav>
        {shell.dock && (
          <div className="dock-body">
            {tab === "audit" && <AuditInspector api={api} entries={snapshot.questions.audit.entries} run={{ file: snapshot.scenario?.fileName ?? null, nowMs: snapshot.nowMs }} chain={snapshot.chain} regions={regions} />}
            {tab === "metrics" && <MetricsCharts metrics={snapshot.metrics} faults={snapshot.faults} regions={regions} />}
            {tab === "timeline" && <Timeline items={snapshot.timeline} />}
            {tab === "evidence" && <EvidenceLibrary api={api} latest={evidence} onError={showError} />}
            {tab === "compare" && <ComparePanel api={api} loaded={snapshot.scenario} />}
            {tab === "sweep" && <SweepPanel api={api} loaded={snapshot.scenario} />}
            {tab === "editor" && <EditorPanel editor={editor} loaded={snapshot.scenario?.fileName ?? null} />}
          </div>
        )}
      </section>
      <div className="toasts" aria-live="polite">
        {errors.map((e) => (
          <div key={e.id} className="toast" role="alert" data-testid="error-toast">
            {e.message}
          </div>
        ))}
      </div>
    </div>
  );
}
