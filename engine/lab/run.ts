/**
 * One loaded scenario's run: its clock, engine session and directory, what it has recorded, where
 * playing it stands; replaced whole on load and reset. The recorder is the drill's own, so the live view,
 * the charts and the report read the same facts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatOutcome, ChatSink } from "../chat";
import { VirtualClock } from "../clock";
import { finishRun, measureRun, type RunFacts } from "../drill";
import type { LabEvent } from "../events";
import { seededRandom } from "../random";
import type { LogCheckpoints } from "../evidence/bundle";
import { DrillRecorder } from "../report/recorder";
import { estimateRun, type RunCost } from "../scenario/cost";
import { describeFault } from "../scenario/describeFault";
import type { Fault, Scenario } from "../scenario/schema";
import { EngineSession } from "../session";
import { AuditTrail } from "./auditTrail";
import { Holds } from "./holds";
import type { ChainStatus, RunStatus, TimelineItem } from "./contract";
import { unavailable, type Unavailable } from "./gatewayApi";

/**
 * Virtual seconds of per-second traffic kept for the charts: the last ten minutes. Every snapshot carries
 * them, five times a second, so the window is what keeps the page's memory and the socket's load flat.
 */
export const METRICS_KEPT_S = 600;
const TIMELINE_KEPT = 500;

export interface RunOptions {
  /** better-sqlite3 addon built for Electron's ABI, when running inside Electron. */
  readonly nativeBinding?: string;
  /**
   * A new, empty directory for one run of a scenario file, whose audit stores stay there after the run
   * closes (`npm run serve` prints where). Without it a run lives in a temporary directory removed with it.
   */
  readonly keepRunIn?: (scenarioFile: string) => string;
  /**
   * Whether a call from outside is answered only once its audit entry is committed in its region's buffer
   * (default true): the host writes the answer's last bytes (`[DONE]`, the end of the JSON body) when
   * {@link Run.chat} resolves, so a host killed after that has the entry. False only to measure what the
   * wait costs (`npm run bench endpoint`).
   */
  readonly durableAnswers?: boolean;
}

export class Run {
  readonly clock = new VirtualClock();
  readonly session: EngineSession;
  readonly recorder: DrillRecorder;
  readonly audit: AuditTrail;
  private readonly dir: string;
  private finished = false;
  readonly timeline: TimelineItem[] = [];
  readonly userFaults: { id: string; fault: Fault }[] = [];
  private timelineCount = 0;
  /** Engine events so far: a step advances until this changes. */
  events = 0;
  /** State-machine transitions and fault events so far: a step to the next state change advances until this changes. */
  changes = 0;
  /** Where time stops before the end (a lesson's task or pause). */
  readonly holds = new Holds();
  /** Virtual ms a rewind is fast-forwarding this run to, while it does; null otherwise. */
  seekingTo: number | null = null;
  status: RunStatus = "ready";
  playing: Promise<void> | undefined;
  stopRequested = false;
  /** The host could not keep up with the speed on the last tick. */
  behind = false;
  /** Each destination log's checkpoints as signed in the last evidence bundle of this run; inclusion proofs name them. */
  signedCheckpoints: Readonly<Record<string, LogCheckpoints>> = {};
  /** Calls from outside (OpenAI clients) that reached the world; a re-run of the scenario cannot replay them. */
  externalCalls = 0;
  /** Answers the outside calls still waiting on the world, should it stop for good first. */
  private readonly waiting = new Set<(answer: Unavailable) => void>();
  private readonly kept: boolean;
  private readonly durableAnswers: boolean;
  /** What one headless run of the scenario, as its file says, is expected to cost: estimated once, read by every snapshot. */
  readonly cost: RunCost;

  constructor(
    readonly scenario: Scenario,
    readonly text: string,
    readonly fileName: string,
    { nativeBinding, keepRunIn, durableAnswers = true }: RunOptions,
  ) {
    this.durableAnswers = durableAnswers;
    this.cost = estimateRun(scenario);
    // A directory of the run's own, rather than the audit system's temporary one: the evidence export reads
    // the store files from it. Unless kept, it lives as long as the run.
    this.kept = keepRunIn !== undefined;
    this.dir = keepRunIn ? keepRunIn(fileName) : mkdtempSync(join(tmpdir(), "failover-lab-"));
    this.session = new EngineSession(scenario, {
      clock: this.clock,
      random: seededRandom(scenario.seed),
      auditDir: this.auditStoresDir,
      ...(nativeBinding === undefined ? {} : { nativeBinding }),
    });
    // One more than the charts show: the second still being counted is the last.
    this.recorder = new DrillRecorder(() => this.session.inflight, METRICS_KEPT_S + 1);
    this.session.subscribe(this.recorder.listener);
    this.session.subscribe((event) => this.onEvent(event));
    this.session.start();
    this.audit = new AuditTrail(this.session.audit, scenario, this.clock);
  }

  get auditStoresDir(): string {
    return join(this.dir, "audit");
  }

  get endMs(): number {
    return this.scenario.duration_s * 1000;
  }

  /** Where time stops next: the scenario's end, or a hold before it. Read afresh at every timer, as a transition may set a hold. */
  readonly stopAt = (): number => Math.min(this.endMs, this.holds.next());

  /** The run's facts so far, measured as the report measures them at the end; `review` when the caller has it already. */
  measure(review = this.audit.reviewer.result()): RunFacts {
    return measureRun(this.scenario, this.recorder, review, this.audit.findings());
  }

  /** Ends the run as a headless drill ends it (requests in flight answered, buffers flushed), once. */
  async finish(): Promise<void> {
    if (!this.finished) {
      this.finished = true;
      await finishRun(this.session, this.clock, this.scenario);
      this.recorder.finish();
      this.audit.crossCheckStores();
    }
    this.audit.catchUp();
  }

  note(item: Omit<TimelineItem, "n">): void {
    this.timeline.push({ n: ++this.timelineCount, ...item });
    if (this.timeline.length > TIMELINE_KEPT) this.timeline.splice(0, this.timeline.length - TIMELINE_KEPT);
  }

  /** Injects a fault now by hand, as the user's command or its replay on a rewind: the same id, the same timeline item. */
  injectByHand(fault: Fault): string {
    const faultId = this.session.inject(fault);
    this.userFaults.push({ id: faultId, fault });
    this.note({ t: this.clock.now(), kind: "command", region: "global", text: `inject ${faultId}: ${describeFault(fault)}` });
    return faultId;
  }

  /** Heals a fault now by hand; a hand-made fault's entry keeps when, so a rewind can replay it. */
  healByHand(faultId: string): void {
    this.session.heal(faultId);
    const mine = this.userFaults.find((f) => f.id === faultId);
    if (mine) mine.fault = { ...mine.fault, heal_s: this.clock.now() / 1000 } as Fault;
    this.note({ t: this.clock.now(), kind: "command", region: "global", text: `heal ${faultId}` });
  }

  private onEvent(event: LabEvent): void {
    this.events++;
    if (event.type !== "request") this.changes++;
    // Requests reach the timeline only through the recorder's counts.
    if (event.type === "transition") {
      this.holds.onTransition(event);
      const { machine, subject, from, to, cause } = event;
      this.note({ t: event.t, kind: "transition", region: event.region, text: `${machine} ${subject}: ${from} → ${to} (${cause})`, transition: { machine, subject, from, to, cause } });
    }
    else if (event.type === "fault") this.note({ t: event.t, kind: "fault", region: event.region, text: `${event.action} ${event.faultId}: ${describeFault(event.fault)}` });
  }

  /**
   * Hands a call from outside to its regional gateway; answered 503 instead if the world stops for good first.
   * Resolves once the call's audit entry is committed (unless `durableAnswers` is off): the host sends the
   * answer's last bytes then, so every answer a client has whole is in the log.
   */
  chat(region: string, body: unknown, sink: ChatSink, signal?: AbortSignal): Promise<ChatOutcome | Unavailable> {
    this.externalCalls++;
    const answered = this.session.chat(region, body, sink, signal).then(async (outcome) => {
      // Refused before any gateway saw it (a bad body, an unknown model): the world is as it was.
      if (outcome.kind === "error" && outcome.record === null) this.externalCalls--;
      else if (this.durableAnswers) await this.session.audit.committed();
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
      return this.audit.catchUp();
    } finally {
      this.audit.system.close();
      if (!this.kept) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
