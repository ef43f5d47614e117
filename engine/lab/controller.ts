/**
 * The engine side of the app: one engine session at a time, played in step with the wall clock at a
 * speed factor (or stepped event by event), answering the commands of `protocol.ts` and pushing snapshots
 * of everything the UI draws. Electron's main process and the browser-mode host both serve this class; it
 * knows nothing of either transport.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { quantileSorted } from "simple-statistics";
import { isMap, isSeq, parseDocument } from "yaml";
import { ChainVerifier, type StoredEntry } from "../audit/AuditLog";
import type { InstallationKey } from "../audit/checkpoint";
import { leafHash, MerkleTree, verifyInclusion } from "../audit/merkle";
import { byTime, type AuditStore, type AuditSystem, type LocatedEntry } from "../audit/system";
import { VirtualClock } from "../clock";
import type { CrossCheck } from "../audit/crossCheck";
import { auditFindings, buildReport, crossCheckStores, ENGINE_VERSION, finishRun, runChain, type AuditFindings } from "../drill";
import { addPdf, listFiles, writeEvidence } from "../evidence/bundle";
import type { ChatOutcome, ChatSink } from "../chat";
import type { LabEvent, RequestRecord } from "../events";
import { seededRandom } from "../random";
import { AuditReviewer } from "../report/auditReview";
import type { IdentityCost } from "../report/identityCost";
import { DrillRecorder } from "../report/recorder";
import { parseScenario } from "../scenario/load";
import { FAULT_MENU } from "../faults/registry";
import { describeFault } from "../scenario/describeFault";
import { INSTANT_FAULTS, scenarioSchema, type Fault, type FaultSpec, type Scenario } from "../scenario/schema";
import { EngineSession } from "../session";
import type { CompletionCounts } from "../sim/world";
import type {
  AuditEntryDetail,
  AuditFilter,
  AuditRow,
  ChainStatus,
  CommandName,
  CommandPayload,
  CommandResults,
  EndpointView,
  EvidenceExport,
  GatewayApiView,
  HostMessage,
  IdentityView,
  InclusionProofView,
  LabBackend,
  LabSnapshot,
  MetricsPoint,
  NodeHealth,
  RegionView,
  RunStatus,
  ScenarioListing,
  TimelineItem,
} from "./protocol";
import { unavailable, type GatewayApiBackend, type GatewayOffer, type Unavailable } from "./gatewayApi";

export interface LabControllerOptions {
  /** Folder of the scenario library (the project's `scenarios/`). */
  readonly scenarioDir: string;
  /** Monotonic wall time, ms (performance.now in the hosts). */
  readonly wallNow: () => number;
  /** Waits this long in wall time: the pace of playing. */
  readonly waitWallMs: (ms: number) => Promise<void>;
  /** better-sqlite3 addon built for Electron's ABI, when running inside Electron. */
  readonly nativeBinding?: string;
  /**
   * A new, empty directory for one run of a scenario file, whose audit stores stay there after the run
   * closes (`npm run serve` prints where). Without it a run lives in a temporary directory removed with it.
   */
  readonly keepRunIn?: (scenarioFile: string) => string;
  /**
   * `npm run serve`: at the scenario's end the callers stop, as in the app, but time goes on playing with
   * the world in its final state, so calls from outside are still answered. The app stops at the end
   * instead, where its report and evidence cover exactly the scenario's duration.
   */
  readonly playPastEnd?: boolean;
  /**
   * Wall ms between snapshots while playing. Five a second: each one redraws the graph, the charts and the
   * panels, and at ten a second a 12-region topology kept a 2-core machine's page busy a quarter of the time
   * (`npm run bench:ui`).
   */
  readonly pushEveryMs?: number;
  /** Where "export evidence" writes, with which key and printer; without it the command says it is unavailable. */
  readonly evidence?: {
    /** A new, empty directory for one bundle of this scenario file. */
    readonly newDir: (scenarioFile: string) => string;
    readonly key: () => InstallationKey;
    /** Prints the bundle's report.html to report.pdf; throws, saying why, when it cannot. */
    readonly printPdf?: (htmlPath: string, pdfPath: string) => Promise<void>;
  };
}

/** What the app opens on: the seed article's first failure mode, a full-region provider outage. */
export const DEFAULT_SCENARIO = "eu-region-outage.yaml";

/** Virtual seconds of traffic behind the shares drawn on the graph. */
const SHARE_WINDOW_S = 10;
/**
 * Virtual seconds of per-second metrics kept for the charts: the last ten minutes. Every snapshot carries
 * them, ten times a second, so the window is what keeps the page's memory and the socket's load flat.
 */
const METRICS_KEPT_S = 600;
const TIMELINE_KEPT = 500;
const TIMELINE_SENT = 200;
/** Timer firings one "step to next event" may take before it gives up looking for an event. */
const STEP_LIMIT = 100_000;
const DEFAULT_SPEED = 10;
/** Commands that change nothing, so no snapshot follows them. */
const READ_ONLY_COMMANDS: ReadonlySet<CommandName> = new Set(["getSnapshot", "listScenarios", "auditPage", "auditEntry", "auditProof", "saveScenario", "exportReport"]);

interface Bucket {
  readonly second: number;
  requests: number;
  errors: number;
  readonly latencies: number[];
  readonly byGateway: Record<string, number>;
  readonly byEndpoint: Record<string, number>;
  /** `gateway>endpoint` → requests. */
  readonly byLink: Record<string, number>;
  readonly byPopulation: Record<string, Record<string, number>>;
}

/** Everything that belongs to one loaded scenario's run; replaced whole on load and reset. */
class Run {
  readonly clock = new VirtualClock();
  readonly audit: AuditSystem;
  private readonly auditDir: string;
  readonly session: EngineSession;
  readonly recorder: DrillRecorder;
  readonly reviewer: AuditReviewer;
  /** One incremental verifier per store, by store name. */
  readonly verifiers = new Map<string, ChainVerifier>();
  /** Per destination log, its RFC 6962 tree, grown as the log is read, for inclusion proofs on demand. */
  readonly proofTrees = new Map<string, MerkleTree>();
  private finished = false;
  /** The buffers checked against the destinations, once the run is over: a full read, too dear while playing. */
  private crossCheck: CrossCheck | undefined;
  readonly buckets: Bucket[] = [];
  readonly points: MetricsPoint[] = [];
  readonly timeline: TimelineItem[] = [];
  readonly userFaults: { id: string; fault: Fault }[] = [];
  timelineCount = 0;
  events = 0;
  status: RunStatus = "ready";
  chain: ChainStatus | null = null;
  playing: Promise<void> | undefined;
  stopRequested = false;
  /** The host could not keep up with the speed on the last tick. */
  behind = false;
  /** Calls from outside (OpenAI clients) that reached the world; a re-run of the scenario cannot replay them. */
  externalCalls = 0;
  /** Answers the outside calls still waiting on the world, should it stop for good first. */
  private readonly waiting = new Set<(answer: Unavailable) => void>();
  private readonly kept: boolean;

  constructor(
    readonly scenario: Scenario,
    readonly text: string,
    readonly fileName: string,
    { nativeBinding, keepRunIn }: Pick<LabControllerOptions, "nativeBinding" | "keepRunIn">,
  ) {
    // A directory of the run's own, rather than the audit system's temporary one: the evidence export reads
    // the store files from it. Unless kept, it lives as long as the run.
    this.kept = keepRunIn !== undefined;
    this.auditDir = keepRunIn ? keepRunIn(fileName) : mkdtempSync(join(tmpdir(), "failover-lab-"));
    this.session = new EngineSession(scenario, {
      clock: this.clock,
      random: seededRandom(scenario.seed),
      auditDir: this.auditStoresDir,
      ...(nativeBinding === undefined ? {} : { nativeBinding }),
    });
    this.audit = this.session.audit;
    for (const store of this.audit.allStores()) this.verifiers.set(store.name, new ChainVerifier());
    this.recorder = new DrillRecorder(() => this.session.inflight);
    this.reviewer = new AuditReviewer(scenario.policy, new Map(scenario.topology.regions.map((r) => [r.id, r.jurisdiction as string])));
    this.session.subscribe(this.recorder.listener);
    this.session.subscribe((event) => this.onEvent(event));
    this.session.start();
  }

  get auditStoresDir(): string {
    return join(this.auditDir, "audit");
  }

  /** Ends the run as a headless drill ends it (requests in flight answered, buffers flushed), once. */
  async finish(): Promise<void> {
    if (!this.finished) {
      this.finished = true;
      await finishRun(this.session, this.clock, this.scenario);
      this.recorder.finish();
      this.crossCheck = crossCheckStores(this.audit);
    }
    this.catchUpAudit();
  }

  get endMs(): number {
    return this.scenario.duration_s * 1000;
  }

  note(item: Omit<TimelineItem, "n">): void {
    this.timeline.push({ n: ++this.timelineCount, ...item });
    if (this.timeline.length > TIMELINE_KEPT) this.timeline.splice(0, this.timeline.length - TIMELINE_KEPT);
  }

  private onEvent(event: LabEvent): void {
    this.events++;
    switch (event.type) {
      case "request":
        return this.count(event.t, event.record);
      case "transition":
        return this.note({ t: event.t, kind: "transition", region: event.region, text: `${event.machine} ${event.subject}: ${event.from} → ${event.to} (${event.cause})` });
      case "fault":
        return this.note({ t: event.t, kind: "fault", region: event.region, text: `${event.action} ${event.faultId}: ${describeFault(event.fault)}` });
    }
  }

  private count(t: number, record: RequestRecord): void {
    const second = Math.floor(t / 1000);
    let bucket = this.buckets.at(-1);
    if (!bucket || bucket.second !== second) {
      if (bucket) this.closeSecond(bucket);
      bucket = { second, requests: 0, errors: 0, latencies: [], byGateway: {}, byEndpoint: {}, byLink: {}, byPopulation: {} };
      this.buckets.push(bucket);
      if (this.buckets.length > SHARE_WINDOW_S) this.buckets.shift();
    }
    bucket.requests++;
    if (record.outcome === "error") bucket.errors++;
    if (record.outcome === "ok") bucket.latencies.push(record.latencyMs);
    increment(bucket.byGateway, record.gateway);
    if (record.servedBy) {
      const endpoint = record.servedBy.target.split("/")[0]!;
      increment(bucket.byEndpoint, endpoint);
      increment(bucket.byLink, `${record.gateway}>${endpoint}`);
    }
    increment((bucket.byPopulation[record.population] ??= {}), record.gateway);
  }

  /** A second is over: its point joins the charts' series. */
  private closeSecond(bucket: Bucket): void {
    const latencies = bucket.latencies.sort((a, b) => a - b);
    this.points.push({
      t: bucket.second * 1000,
      requests: bucket.requests,
      errors: bucket.errors,
      p95Ms: latencies.length === 0 ? null : Math.round(quantileSorted(latencies, 0.95)),
      byGateway: { ...bucket.byGateway },
    });
    if (this.points.length > METRICS_KEPT_S) this.points.splice(0, this.points.length - METRICS_KEPT_S);
  }

  /** Reads what the audit stores gained since the last look, for the reviewer and the chain verifiers. */
  catchUpAudit(): void {
    const destinations = new Set(this.audit.destinations());
    for (const store of this.audit.allStores()) {
      const verifier = this.verifiers.get(store.name)!;
      for (const entry of store.log.entries({ fromSeq: verifier.nextSeq })) {
        if (destinations.has(store)) {
          this.reviewer.add(entry, store.name);
          this.proofTree(store.name).append(leafHash(entry.body));
        }
        verifier.add(entry);
      }
    }
    const { stores } = this.findings();
    const { ok, head, first_bad } = runChain(stores);
    this.chain = { ok, entries: stores.reduce((n, s) => n + s.entries, 0), stores: stores.length, head, firstBad: first_bad, verifiedAt: this.clock.now() };
  }

  proofTree(store: string): MerkleTree {
    let tree = this.proofTrees.get(store);
    if (!tree) this.proofTrees.set(store, (tree = new MerkleTree()));
    return tree;
  }

  findings(): AuditFindings {
    return auditFindings(this.audit, (store) => this.verifiers.get(store.name)!.verdict(), this.crossCheck);
  }

  /** Hands a call from outside to its regional gateway; answered 503 instead if the world stops for good first. */
  chat(region: string, body: unknown, sink: ChatSink): Promise<ChatOutcome | Unavailable> {
    this.externalCalls++;
    const answered = this.session.chat(region, body, sink).then((outcome) => {
      // Refused before any gateway saw it (a bad body, an unknown model): the world is as it was.
      if (outcome.kind === "error" && outcome.record === null) this.externalCalls--;
      return outcome;
    });
    let giveUp!: (answer: Unavailable) => void;
    const givenUp = new Promise<Unavailable>((resolve) => (giveUp = resolve));
    this.waiting.add(giveUp);
    return Promise.race([answered, givenUp]).finally(() => this.waiting.delete(giveUp));
  }

  /** The world stops for good: outside calls still waiting on it are answered now, with why. */
  abandonCalls(message: string): void {
    for (const resolve of this.waiting) resolve(unavailable(message));
    this.waiting.clear();
  }

  /** Closes the session, buffers flushed, and returns the chain as last verified. */
  close(): ChainStatus {
    this.abandonCalls("the scenario was closed (reset, replaced or the host stopped) before the gateway answered");
    this.session.close();
    try {
      this.catchUpAudit();
    } finally {
      this.audit.close();
      if (!this.kept) rmSync(this.auditDir, { recursive: true, force: true });
    }
    return this.chain!;
  }
}

function storeNamed(run: Run, name: string): AuditStore {
  const store = run.audit.allStores().find((s) => s.name === name);
  if (!store) throw new Error(`no audit store ${name} in this run (stores: ${run.audit.allStores().map((s) => s.name).join(", ")})`);
  return store;
}

/** The rest of a filter, for entries found by request id; the outcome is read from the body as SQL reads it. */
function matches(entry: StoredEntry, filter: AuditFilter): boolean {
  if (filter.region !== undefined && entry.region !== filter.region) return false;
  if (filter.kind !== undefined && entry.kind !== filter.kind) return false;
  return filter.outcome === undefined || (JSON.parse(entry.body) as { outcome?: string }).outcome === filter.outcome;
}

function increment(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** What a run whose world does not move says to a call from outside, by its status. */
const NOT_PLAYING: Record<Exclude<RunStatus, "playing">, string> = {
  empty: "no scenario is loaded: open one from the library in the app",
  ready: "the scenario has not started: press play, and calls go through its gateways while it plays",
  paused: "scenario paused: press play, and calls go through its gateways while it plays",
  finished: "the scenario has reached its end: reset it and press play to send calls through its gateways again",
};

/** The last of a run, once closed: its chain as verified at the end, and where its audit stores stay (when kept). */
export interface ClosedRun {
  readonly chain: ChainStatus;
  readonly auditStoresDir: string | null;
}

export class LabController implements LabBackend, GatewayApiBackend {
  private run: Run | undefined;
  /** Where the host serves the gateways' OpenAI-compatible endpoint, if it does. */
  private gatewayApiOrigin: string | undefined;
  private speed = DEFAULT_SPEED;
  private readonly listeners = new Set<(message: HostMessage) => void>();
  private lastPush = Number.NEGATIVE_INFINITY;
  private readonly pushEveryMs: number;
  private turns: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LabControllerOptions) {
    this.pushEveryMs = options.pushEveryMs ?? 200;
  }

  subscribe(listener: (message: HostMessage) => void): () => void {
    this.listeners.add(listener);
    listener({ type: "snapshot", snapshot: this.snapshot() });
    return () => this.listeners.delete(listener);
  }

  async execute<K extends CommandName>(name: K, input: CommandPayload<K>): Promise<CommandResults[K]> {
    if (READ_ONLY_COMMANDS.has(name)) return (await this.dispatch(name, input as never)) as CommandResults[K];
    return (await this.inTurn(() => this.dispatch(name, input as never))) as CommandResults[K];
  }

  /**
   * Opens a scenario already read and validated, as loading a file does: `npm run serve`, which reports a
   * bad file itself and may override the seed.
   */
  async open(scenario: Scenario, text: string, fileName: string): Promise<void> {
    await this.inTurn(() => this.replaceRun(new Run(scenario, text, fileName, this.options)));
  }

  /** The host serves the gateways' OpenAI-compatible endpoint at `origin`; the UI shows its base URLs. */
  serveGatewayApiAt(origin: string): void {
    this.gatewayApiOrigin = origin;
    this.push();
  }

  /** Completion requests each target (`provider@region/model`) has received in this run, as the simulated providers counted them. */
  providerCompletions(): CompletionCounts {
    return this.run?.session.providerCompletions ?? new Map();
  }

  offer(): GatewayOffer | Unavailable {
    const run = this.run;
    if (!run) return unavailable(NOT_PLAYING.empty);
    const { topology } = run.scenario;
    return { scenario: run.scenario.name, regions: topology.regions.map((r) => r.id), models: topology.models.map((m) => m.id) };
  }

  /** A call from outside goes through only while the world plays: a paused clock would hold it without end. */
  async chat(region: string, body: unknown, sink: ChatSink): Promise<ChatOutcome | Unavailable> {
    const refusal = this.refusal();
    if (refusal !== null) return unavailable(refusal);
    return this.run!.chat(region, body, sink);
  }

  /** Stops playing and releases the session; returns the closed run's last chain status, if one was loaded. */
  async close(): Promise<ClosedRun | undefined> {
    this.run?.abandonCalls("the host is shutting down");
    await this.stopPlaying();
    const run = this.run;
    this.run = undefined;
    this.listeners.clear();
    return run && { chain: run.close(), auditStoresDir: this.options.keepRunIn ? run.auditStoresDir : null };
  }

  /**
   * Commands that change the run take turns: a step and a load arriving together must not both drive the
   * clock. A failed command does not hold up the ones behind it.
   */
  private async inTurn<T>(change: () => Promise<T> | T): Promise<T> {
    const turn = this.turns.then(change);
    this.turns = turn.catch(() => undefined);
    const result = await turn;
    this.push();
    return result;
  }

  private async dispatch(name: CommandName, input: never): Promise<unknown> {
    const payload = input as Record<string, unknown>;
    switch (name) {
      case "getSnapshot":
        this.run?.catchUpAudit();
        return this.snapshot();
      case "listScenarios":
        return { scenarios: this.listScenarios() };
      case "loadScenario":
        return this.load(input as CommandPayload<"loadScenario">);
      case "play":
        return this.play();
      case "pause":
        return this.stopPlaying();
      case "step":
        return this.step();
      case "runTo":
        return this.runTo(payload.ms as number);
      case "setSpeed":
        this.speed = payload.speed as number;
        return undefined;
      case "reset":
        return this.reset();
      case "injectFault":
        return this.inject(payload.fault as FaultSpec);
      case "heal":
        return this.heal(payload.faultId as string);
      case "saveScenario":
        return this.save();
      case "exportReport":
        return this.exportReport();
      case "auditPage":
        return this.auditPage(input as CommandPayload<"auditPage">);
      case "auditEntry":
        return this.auditEntry(payload.seq as number, payload.store as string | undefined);
      case "auditProof":
        return this.auditProof(payload.seq as number, payload.store as string | undefined);
      case "verifyChain":
        return this.verifyChain();
      case "exportEvidence":
        return this.exportEvidence();
      case "faultCatalog":
        return { entries: FAULT_MENU };
    }
  }

  private listScenarios(): ScenarioListing[] {
    const dir = this.options.scenarioDir;
    return readdirSync(dir)
      .filter((file) => /\.ya?ml$/.test(file))
      .sort()
      .map((file) => {
        const parsed = parseScenario(readFileSync(join(dir, file), "utf8"), file);
        // A broken file stays in the list, so opening it shows its problems rather than hiding it.
        return parsed.ok
          ? { file, name: parsed.scenario.name, description: parsed.scenario.description, valid: true }
          : { file, name: file, description: `does not validate: ${parsed.problems[0]!.message}`, valid: false };
      });
  }

  private async load(input: CommandPayload<"loadScenario">): Promise<CommandResults["loadScenario"]> {
    let fileName: string;
    let text: string;
    if (input.source === "library") {
      fileName = input.name;
      try {
        text = readFileSync(join(this.options.scenarioDir, input.name), "utf8");
      } catch (error) {
        return { ok: false, problems: [{ file: input.name, line: 1, column: 1, field: "", message: `cannot read the file: ${(error as Error).message}` }], text: "" };
      }
    } else {
      fileName = basename(input.fileName);
      text = input.text;
    }
    const parsed = parseScenario(text, fileName);
    // An invalid file changes nothing: the current run stays as it was.
    if (!parsed.ok) return { ok: false, problems: parsed.problems, text };
    await this.replaceRun(new Run(parsed.scenario, text, fileName, this.options));
    return { ok: true };
  }

  private async replaceRun(run: Run): Promise<void> {
    await this.stopPlaying();
    this.run?.close();
    this.run = run;
    run.catchUpAudit();
  }

  private async reset(): Promise<void> {
    const run = this.requireRun();
    await this.replaceRun(new Run(run.scenario, run.text, run.fileName, this.options));
  }

  private requireRun(): Run {
    if (!this.run) throw new Error("no scenario is loaded: open one from the library first");
    return this.run;
  }

  private play(): void {
    const run = this.requireRun();
    if (run.playing) return;
    if (run.clock.now() >= run.endMs) throw new Error("the scenario has reached its end: reset to play it again");
    run.stopRequested = false;
    run.status = "playing";
    const { wallNow, waitWallMs, playPastEnd } = this.options;
    if (playPastEnd) run.clock.setTimeout(() => run.session.stopTraffic(), run.endMs - run.clock.now());
    run.playing = run.clock
      .runPaced({
        speed: () => this.speed,
        wallNow,
        shouldStop: () => run.stopRequested,
        ...(playPastEnd ? {} : { endMs: run.endMs }),
        onBehind: (behind) => (run.behind = behind),
        waitWallMs: async (ms) => {
          if (wallNow() - this.lastPush >= this.pushEveryMs) this.push();
          await waitWallMs(ms);
        },
      })
      .catch((error: unknown) => this.broadcast({ type: "error", message: `the run stopped: ${(error as Error).message}` }))
      .finally(() => {
        run.playing = undefined;
        this.settleStatus(run);
        if (this.run === run) this.push();
      });
  }

  private settleStatus(run: Run): void {
    if (run.clock.now() >= run.endMs) {
      run.session.stopTraffic();
      run.status = "finished";
      run.abandonCalls("the scenario reached its end before the gateway answered");
    } else run.status = "paused";
  }

  private async stopPlaying(): Promise<void> {
    const run = this.run;
    if (!run?.playing) return;
    run.stopRequested = true;
    await run.playing;
  }

  /** Advances to the next thing that happens (a request answered, a state change, a fault), however far away. */
  private async step(): Promise<CommandResults["step"]> {
    const run = this.requireRun();
    await this.stopPlaying();
    const before = run.events;
    for (let i = 0; i < STEP_LIMIT && run.events === before; i++) if (!(await run.clock.step(run.endMs))) break;
    this.settleStatus(run);
    return { advancedTo: run.clock.now() };
  }

  private async runTo(ms: number): Promise<CommandResults["runTo"]> {
    const run = this.requireRun();
    await this.stopPlaying();
    if (ms <= run.clock.now()) throw new Error(`cannot run back in time: now is ${run.clock.now()} ms, asked for ${ms} ms (reset to start over)`);
    await run.clock.runUntil(Math.min(ms, run.endMs), () => {
      if (this.options.wallNow() - this.lastPush >= this.pushEveryMs) this.push();
    });
    this.settleStatus(run);
    return { advancedTo: run.clock.now() };
  }

  private inject(spec: FaultSpec): CommandResults["injectFault"] {
    const run = this.requireRun();
    if (run.status === "finished") throw new Error("the scenario has reached its end: reset to inject faults");
    const at_s = run.clock.now() / 1000;
    const fault = { ...spec, at_s } as Fault;
    // The scenario's own cross-reference checks name an unknown region, provider or model.
    const checked = scenarioSchema.safeParse({ ...run.scenario, faults: [fault] });
    if (!checked.success) {
      const problems = checked.error.issues.map((issue) => `${issue.path.slice(2).join(".") || "fault"}: ${issue.message}`);
      throw new Error(`cannot inject ${fault.kind}: ${problems.join("; ")}`);
    }
    const faultId = run.session.inject(fault);
    run.userFaults.push({ id: faultId, fault });
    run.note({ t: run.clock.now(), kind: "command", region: "global", text: `inject ${faultId}: ${describeFault(fault)}` });
    return { faultId };
  }

  private heal(faultId: string): void {
    const run = this.requireRun();
    const span = run.session.ctx.faults.active().find((active) => active.id === faultId);
    if (!span) throw new Error(`fault ${faultId} is not active`);
    if (INSTANT_FAULTS.has(span.fault.kind)) throw new Error(`fault ${faultId} is a ${span.fault.kind}, which happened at an instant and cannot heal`);
    run.session.heal(faultId);
    const mine = run.userFaults.find((f) => f.id === faultId);
    if (mine) mine.fault = { ...mine.fault, heal_s: run.clock.now() / 1000 } as Fault;
    run.note({ t: run.clock.now(), kind: "command", region: "global", text: `heal ${faultId}` });
  }

  /**
   * The loaded file with the user's faults appended to its timeline, comments and layout kept. The text is
   * validated before it is returned, so a saved file always loads again.
   */
  private save(): CommandResults["saveScenario"] {
    const run = this.requireRun();
    const doc = parseDocument(run.text);
    if (!isMap(doc.contents)) throw new Error("the loaded scenario is not a YAML mapping");
    if (!isSeq(doc.get("faults"))) doc.set("faults", doc.createNode([]));
    const faults = doc.get("faults");
    for (const { fault } of run.userFaults) {
      if (isSeq(faults)) faults.add(doc.createNode(roundTiming(fault), { flow: true }));
    }
    const text = doc.toString({ lineWidth: 0 });
    const fileName = run.fileName.replace(/(-edited)?\.ya?ml$/, "") + "-edited.yaml";
    const check = parseScenario(text, fileName);
    if (!check.ok) throw new Error(`the edited scenario would not load: ${check.problems[0]!.message}`);
    return { fileName, text };
  }

  private exportReport(): CommandResults["exportReport"] {
    const run = this.requireRun();
    run.catchUpAudit();
    const report = buildReport(run.scenario, run.scenario.seed, run.recorder, run.reviewer.result(), run.findings(), run.session.inflight.size);
    return { fileName: run.fileName.replace(/\.ya?ml$/, "") + "-report.json", json: `${JSON.stringify(report, null, 2)}\n` };
  }

  private auditPage(input: CommandPayload<"auditPage">): CommandResults["auditPage"] {
    const run = this.run;
    if (!run) return { total: 0, rows: [] };
    const filter = input.filter as AuditFilter;
    if (filter.requestId !== undefined) {
      // Region-agnostic: whichever region handled the request, and whether or not it has left its buffer.
      const found = run.audit.findRequest(filter.requestId).filter(({ entry }) => matches(entry, filter));
      return { total: found.length, rows: found.slice(input.offset, input.offset + input.limit).map(({ store, entry }) => toRow(store, entry)) };
    }
    if (run.scenario.audit.pattern === "central") {
      const store = run.audit.destinations()[0]!;
      const { total, entries } = store.log.query(filter, input.offset, input.limit);
      return { total, rows: entries.map((entry) => toRow(store.name, entry)) };
    }
    // Pattern B's global query: every region's log merged by time.
    if (Object.keys(filter).length === 0) {
      const { total, entries } = run.audit.timelinePage(input.offset, input.limit);
      return { total, rows: entries.map(({ store, entry }) => toRow(store, entry)) };
    }
    let total = 0;
    const found: LocatedEntry[] = [];
    for (const store of run.audit.destinations()) {
      const page = store.log.query(filter, 0, input.offset + input.limit);
      total += page.total;
      found.push(...page.entries.map((entry) => ({ store: store.name, entry })));
    }
    return { total, rows: found.sort(byTime).slice(input.offset, input.offset + input.limit).map(({ store, entry }) => toRow(store, entry)) };
  }

  private auditEntry(seq: number, storeName?: string): AuditEntryDetail {
    const run = this.requireRun();
    const store = storeName === undefined ? run.audit.destinations()[0]! : storeNamed(run, storeName);
    const entry = store.log.entry(seq);
    if (!entry) throw new Error(`no audit entry with seq ${seq} in ${store.name}`);
    const next = store.log.entry(seq + 1);
    return { ...toRow(store.name, entry), body: JSON.parse(entry.body), prevHash: entry.prevHash, hash: entry.hash, nextPrevHash: next?.prevHash ?? null };
  }

  private auditProof(seq: number, storeName?: string): InclusionProofView {
    const run = this.requireRun();
    const log = storeName === undefined ? run.audit.destinations()[0]! : storeNamed(run, storeName);
    if (log.role !== "destination")
      throw new Error(
        log.role === "buffer"
          ? `this entry is still waiting in ${log.name}; its inclusion proof comes once it reaches its destination log`
          : `inclusion proofs cover the destination logs; ${log.name} keeps copies`,
      );
    run.catchUpAudit();
    const entry = log.log.entry(seq);
    if (!entry) throw new Error(`no audit entry with seq ${seq} in ${log.name}`);
    const proofTree = run.proofTree(log.name);
    const treeSize = proofTree.size;
    if (seq > treeSize) throw new Error(`entry ${seq} is not in the verified part of the log yet (${treeSize} entries)`);
    const leafIndex = seq - 1;
    const path = proofTree.inclusionProof(leafIndex, treeSize);
    const root = proofTree.root(treeSize);
    const leaf = leafHash(entry.body);
    return { seq, log: log.name, leafIndex, treeSize, leafHash: leaf, root, path, verified: verifyInclusion(leaf, leafIndex, treeSize, path, root).ok };
  }

  /**
   * Writes a signed evidence bundle of the run. Only of a whole run without hand-made faults: the bundle's
   * promise is that re-running its scenario with its seed gives the same audit heads.
   */
  private async exportEvidence(): Promise<EvidenceExport> {
    const evidence = this.options.evidence;
    if (!evidence) throw new Error("this host cannot write evidence bundles");
    const run = this.requireRun();
    if (run.userFaults.length > 0)
      throw new Error(
        `this run had ${run.userFaults.length} fault(s) injected by hand, which a re-run cannot replay exactly: save the scenario, open the saved file, play it to the end and export that run`,
      );
    if (run.externalCalls > 0)
      throw new Error(`this run answered ${run.externalCalls} call(s) from outside (OpenAI clients), which a re-run cannot replay: reset, play it to the end without them, and export that run`);
    if (run.status !== "finished") throw new Error("evidence covers a whole run: play the scenario to its end (or run to the end on the scrubber), then export");
    await run.finish();
    const report = buildReport(run.scenario, run.scenario.seed, run.recorder, run.reviewer.result(), run.findings(), run.session.inflight.size);
    const dir = evidence.newDir(run.fileName);
    const key = evidence.key();
    const { nativeBinding } = this.options;
    writeEvidence(dir, { scenarioText: run.text, report, auditDir: run.auditStoresDir, key, generatedBy: `failover-lab app ${ENGINE_VERSION}`, ...(nativeBinding === undefined ? {} : { nativeBinding }) });
    const pdfMissing = evidence.printPdf ? await addPdf(dir, report, key, evidence.printPdf) : "this host prints no PDF";
    return { dir, files: listFiles(dir), pdfMissing, keyId: key.keyId };
  }

  private verifyChain(): ChainStatus {
    const run = this.requireRun();
    run.catchUpAudit();
    return run.chain!;
  }

  private push(): void {
    this.lastPush = this.options.wallNow();
    if (this.listeners.size === 0) return;
    this.run?.catchUpAudit();
    this.broadcast({ type: "snapshot", snapshot: this.snapshot() });
  }

  private broadcast(message: HostMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private snapshot(): LabSnapshot {
    const run = this.run;
    if (!run) return EMPTY_SNAPSHOT(this.speed, this.gatewayApiView());
    const { scenario, session, recorder } = run;
    const { ctx } = session;
    const window = windowCounts(run.buckets);
    const inflightByGateway: Record<string, number> = {};
    for (const request of session.inflight.values()) increment(inflightByGateway, request.gateway);
    const director = scenario.director;
    const regions: RegionView[] = scenario.topology.regions.map((region) => {
      const gateway = session.gateways.get(region.id)!;
      const down = ctx.faults.gatewayDown(region.id);
      return {
        id: region.id,
        jurisdiction: region.jurisdiction,
        location: region.location,
        gateway: gateway.state,
        withdrawn: session.director.withdrawn.has(region.id),
        role: director.layout === "active-passive" ? (director.primary === region.id ? "primary" : "standby") : "active",
        trafficShare: share(window.byGateway[region.id], window.requests),
        inflight: inflightByGateway[region.id] ?? 0,
        health: down || gateway.state === "failed" ? "failed" : gateway.state === "healthy" ? "healthy" : "degraded",
      };
    });
    const served = Object.values(window.byEndpoint).reduce((a, b) => a + b, 0);
    const endpoints: EndpointView[] = ctx.topology.endpoints.map((endpoint) => {
      const targets = scenario.topology.models
        .flatMap((model) => ctx.topology.targetsFor(model.id))
        .filter((target, i, all) => target.endpoint.id === endpoint.id && all.findIndex((t) => t.id === target.id) === i)
        .map((target) => {
          const circuits: Record<string, string> = {};
          let openCircuits = 0;
          let worst: NodeHealth = "healthy";
          for (const [region, gateway] of session.gateways) {
            const circuit = gateway.health.circuitState(target);
            circuits[region] = circuit;
            if (circuit === "open") openCircuits++;
            worst = worse(worst, circuit === "open" || gateway.health.state(target) === "unhealthy" ? "failed" : gateway.health.state(target) === "degraded" || circuit === "halfOpen" ? "degraded" : "healthy");
          }
          return { id: target.id, model: target.model, circuits, openCircuits, health: worst };
        });
      const faulted =
        ctx.faults.regionOutage(endpoint.provider, endpoint.region) !== undefined ||
        ctx.faults.errorRates(endpoint.provider, endpoint.region).length > 0 ||
        [...endpoint.models].some((m) => ctx.faults.modelDown(endpoint.provider, endpoint.region, m));
      const health = targets.reduce<NodeHealth>((h, t) => worse(h, t.health), ctx.faults.regionOutage(endpoint.provider, endpoint.region) ? "failed" : "healthy");
      return { id: endpoint.id, provider: endpoint.provider, region: endpoint.region, targets, trafficShare: share(window.byEndpoint[endpoint.id], served), health, faulted };
    });
    const review = run.reviewer.result();
    const report = buildReport(scenario, scenario.seed, recorder, review, run.findings(), session.inflight.size);
    const failovers = recorder.failovers;
    return {
      status: run.status,
      scenario: { name: scenario.name, fileName: run.fileName, description: scenario.description, durationS: scenario.duration_s, seed: scenario.seed },
      nowMs: run.clock.now(),
      speed: this.speed,
      behind: run.status === "playing" && run.behind,
      director: { mode: director.mode, layout: director.layout, state: session.director.state },
      regions,
      endpoints,
      links: Object.entries(window.byLink).map(([key, n]) => {
        const [gateway, endpoint] = key.split(">") as [string, string];
        return { gateway, endpoint, share: share(n, served) };
      }),
      populations: scenario.topology.callers.map((caller) => {
        const toGateway = window.byPopulation[caller.id] ?? {};
        const total = Object.values(toGateway).reduce((a, b) => a + b, 0);
        return {
          id: caller.id,
          region: caller.region,
          jurisdiction: caller.jurisdiction,
          model: caller.model,
          ratePerS: caller.rate_per_s,
          toGateway: Object.fromEntries(Object.entries(toGateway).map(([gateway, n]) => [gateway, share(n, total)])),
        };
      }),
      faults: [...recorder.faults.values()].map((measure) => ({
        id: measure.id,
        fault: measure.fault,
        kind: measure.kind,
        injectedAt: Math.round(measure.at_s * 1000),
        healedAt: measure.heal_s === null ? null : Math.round(measure.heal_s * 1000),
        byUser: measure.id.startsWith("u"),
      })),
      totals: { requests: recorder.totals.requests, ok: recorder.totals.ok, errors: recorder.totals.errors, rejected: recorder.totals.rejected },
      questions: {
        detection: report.questions.detection.faults.map((f) => ({ faultId: f.id, kind: f.kind, detectionS: f.detection_s, rerouteS: f.reroute_s, rtoS: f.rto_s })),
        residency: { violations: review.residency.violations, rejected: review.residency.rejectedByPolicy, crossBorder: review.residency.crossBorderServed.consent + review.residency.crossBorderServed.transferMechanism },
        inflight: {
          failovers: failovers.length,
          completed: failovers.reduce((n, f) => n + f.completed, 0),
          retried: failovers.reduce((n, f) => n + f.retried, 0),
          failed: failovers.reduce((n, f) => n + f.failed, 0),
        },
        audit: { entries: review.entries, perRegion: review.perRegion, gaps: review.gaps },
      },
      expectations: report.expectations.map((e) => ({ text: e.expectation, actual: e.actual, pass: e.pass })),
      chain: run.chain,
      audit: {
        pattern: scenario.audit.pattern,
        destination: scenario.audit.pattern === "central" ? run.audit.destinationRegion : null,
        logs: run.audit.destinations().map((store) => store.name),
        onUnreachable: scenario.audit.on_unreachable,
        buffers: run.audit.bufferStates().map((b) => ({ region: b.region, written: b.written, depth: b.depth, state: b.state, flushLagMaxMs: b.lagMaxMs === null ? null : Math.round(b.lagMaxMs) })),
      },
      identity: identityView(run.session, report.identity),
      gatewayApi: this.gatewayApiView(),
      timeline: run.timeline.slice(-TIMELINE_SENT),
      metrics: run.points,
    };
  }

  private gatewayApiView(): GatewayApiView | null {
    const origin = this.gatewayApiOrigin;
    if (origin === undefined) return null;
    const offer = this.offer();
    return {
      baseUrls: "kind" in offer ? [] : offer.regions.map((region) => ({ region, url: `${origin}/${region}/v1` })),
      models: "kind" in offer ? [] : offer.models,
      calls: this.run?.externalCalls ?? 0,
      refusal: this.refusal(),
    };
  }

  /** Why a call from outside is answered 503 now, or null while the world plays. */
  private refusal(): string | null {
    const status = this.run?.status ?? "empty";
    return status === "playing" ? null : NOT_PLAYING[status];
  }
}

function identityView(session: EngineSession, cost: IdentityCost | null): IdentityView | null {
  const config = session.ctx.scenario.identity;
  if (!config || !cost) return null;
  const { faults } = session.ctx;
  return {
    issuer: config.issuer,
    regions: config.regions,
    down: config.regions.filter((region) => faults.idpDown(region)),
    onUnreachable: config.on_unreachable,
    maxStalenessS: config.max_staleness_s,
    gateways: [...session.gateways.values()].map((gateway) => {
      const validator = gateway.identity!;
      return { region: gateway.region, state: validator.state, cacheAgeMs: validator.cacheAgeMs(), source: validator.source, partitioned: faults.idpPartitioned(gateway.region) };
    }),
    cost: {
      rejected: cost.totals.rejected,
      rejectedUnreachable: cost.totals.rejected_idp_unreachable,
      acceptedRevoked: cost.totals.accepted_revoked,
      acceptedRotatedKey: cost.totals.accepted_rotated_key,
    },
  };
}

const HEALTH_ORDER: readonly NodeHealth[] = ["unknown", "healthy", "degraded", "failed"];
const worse = (a: NodeHealth, b: NodeHealth): NodeHealth => (HEALTH_ORDER.indexOf(a) >= HEALTH_ORDER.indexOf(b) ? a : b);
const share = (part: number | undefined, whole: number): number => (whole === 0 ? 0 : (part ?? 0) / whole);

function windowCounts(buckets: readonly Bucket[]) {
  const byGateway: Record<string, number> = {};
  const byEndpoint: Record<string, number> = {};
  const byLink: Record<string, number> = {};
  const byPopulation: Record<string, Record<string, number>> = {};
  let requests = 0;
  for (const bucket of buckets) {
    requests += bucket.requests;
    for (const [k, n] of Object.entries(bucket.byGateway)) byGateway[k] = (byGateway[k] ?? 0) + n;
    for (const [k, n] of Object.entries(bucket.byEndpoint)) byEndpoint[k] = (byEndpoint[k] ?? 0) + n;
    for (const [k, n] of Object.entries(bucket.byLink)) byLink[k] = (byLink[k] ?? 0) + n;
    for (const [population, counts] of Object.entries(bucket.byPopulation)) {
      const target = (byPopulation[population] ??= {});
      for (const [k, n] of Object.entries(counts)) target[k] = (target[k] ?? 0) + n;
    }
  }
  return { requests, byGateway, byEndpoint, byLink, byPopulation };
}

/** Whole seconds in the saved file for faults the user injected, to the millisecond. */
function roundTiming(fault: Fault): Fault {
  const round = (s: number) => Math.round(s * 1000) / 1000;
  return { ...fault, at_s: round(fault.at_s), ...(fault.heal_s === undefined ? {} : { heal_s: round(fault.heal_s) }) } as Fault;
}

function toRow(store: string, entry: StoredEntry): AuditRow {
  return { store, seq: entry.seq, t: entry.t, region: entry.region, kind: entry.kind, requestId: entry.requestId, summary: summarise(entry) };
}

function summarise(entry: StoredEntry): string {
  const body = JSON.parse(entry.body) as Record<string, unknown>;
  switch (entry.kind) {
    case "request": {
      const served = body.servedBy as { target: string } | undefined;
      return body.outcome === "ok" ? `ok via ${served?.target ?? "?"}` : `${String(body.outcome)}: ${String(body.reason ?? "")}`;
    }
    case "transition":
      return `${String(body.machine)} ${String(body.subject)}: ${String(body.from)} → ${String(body.to)}`;
    case "fault":
      return `${String(body.action)} ${String(body.faultId)}: ${describeFault(body.fault as Fault)}`;
    default:
      return `run of ${String(body.scenario)} (seed ${String(body.seed)})`;
  }
}

const EMPTY_SNAPSHOT = (speed: number, gatewayApi: GatewayApiView | null): LabSnapshot => ({
  status: "empty",
  scenario: null,
  nowMs: 0,
  speed,
  behind: false,
  director: { mode: "", layout: "", state: "" },
  regions: [],
  endpoints: [],
  links: [],
  populations: [],
  faults: [],
  totals: { requests: 0, ok: 0, errors: 0, rejected: 0 },
  questions: { detection: [], residency: { violations: 0, rejected: 0, crossBorder: 0 }, inflight: { failovers: 0, completed: 0, retried: 0, failed: 0 }, audit: { entries: 0, perRegion: {}, gaps: 0 } },
  expectations: [],
  chain: null,
  audit: null,
  identity: null,
  gatewayApi,
  timeline: [],
  metrics: [],
});
