/**
 * What every command handler works on: the run loaded now (if any), the play speed, the host's options,
 * and the way to the UI (snapshots pushed to subscribers). One per controller.
 */
import type { InstallationKey } from "../audit/checkpoint";
import type { Scenario } from "../scenario/schema";
import type { TrustedKey } from "../evidence/verify";
import type { HostMessage, LabSnapshot } from "./contract";
import { RunGatewayApi } from "./gatewayApi";
import type { LessonLibrary, LessonSession } from "./lesson";
import { lessonView } from "./lessonView";
import { liveSnapshot } from "./liveView";
import { Run, type RunOptions } from "./run";
import type { ScenarioLibrary } from "./scenarioLibrary";

export interface LabControllerOptions extends RunOptions {
  /** The scenario library the host offers (the project's `scenarios/`, see `host/scenarioLibrary.ts`). */
  readonly scenarios: ScenarioLibrary;
  /** The lesson library the host offers (the project's `lessons/`); without it lessons cannot be opened. */
  readonly lessons?: LessonLibrary;
  /** Monotonic wall time, ms (performance.now in the hosts). */
  readonly wallNow: () => number;
  /** Waits this long in wall time: the pace of playing. */
  readonly waitWallMs: (ms: number) => Promise<void>;
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
    /** The folder this host writes every bundle under: the evidence library lists it. */
    readonly folder: string;
    /** A new, empty directory for one bundle of this scenario file, in `folder`. */
    readonly newDir: (scenarioFile: string) => string;
    /** The wall date and time now, ISO 8601: the drill's date on a bundle (the engine reads no clock itself). */
    readonly wallDate: () => string;
    readonly key: () => InstallationKey;
    /** The keys a bundle may be signed with to verify (see `verifyEvidence`); without it, `key` alone. */
    readonly trustedKeys?: () => readonly TrustedKey[];
    /** Prints the bundle's report.html to report.pdf; throws, saying why, when it cannot. */
    readonly printPdf?: (htmlPath: string, pdfPath: string) => Promise<void>;
  };
}

const DEFAULT_SPEED = 10;

export class Lab {
  run: Run | undefined;
  /** The lesson being played, if one is: it holds the runs' time at its tasks and pauses and locks the fault menu. */
  lesson: LessonSession | undefined;
  speed = DEFAULT_SPEED;
  /** Where the host serves the gateways' OpenAI-compatible endpoint, if it does. */
  gatewayApiOrigin: string | undefined;
  readonly gatewayApi = new RunGatewayApi(() => this.run);
  readonly listeners = new Set<(message: HostMessage) => void>();
  private lastPush = Number.NEGATIVE_INFINITY;
  private readonly pushEveryMs: number;

  constructor(readonly options: LabControllerOptions) {
    this.pushEveryMs = options.pushEveryMs ?? 200;
  }

  requireRun(): Run {
    if (!this.run) throw new Error("no scenario is loaded: open one from the library first");
    return this.run;
  }

  /** A new run of a scenario, in the host's directory and with its native binding. */
  newRun(scenario: Scenario, text: string, fileName: string): Run {
    return new Run(scenario, text, fileName, this.options);
  }

  /** Stops playing the current run, closes it and puts `run` in its place. */
  async replaceRun(run: Run): Promise<void> {
    await this.stopPlaying();
    this.run?.close();
    this.run = run;
  }

  async stopPlaying(): Promise<void> {
    const run = this.run;
    if (!run?.playing) return;
    run.stopRequested = true;
    await run.playing;
  }

  /** The snapshot of now, the audit stores read up to now first. */
  snapshot(): LabSnapshot {
    this.run?.audit.catchUp();
    const run = this.run;
    return liveSnapshot(run, {
      speed: this.speed,
      gatewayApi: this.gatewayApiOrigin === undefined ? null : this.gatewayApi.view(this.gatewayApiOrigin),
      lesson: this.lesson && run ? lessonView(this.lesson, run) : null,
    });
  }

  push(): void {
    this.lastPush = this.options.wallNow();
    if (this.listeners.size === 0) return;
    this.broadcast({ type: "snapshot", snapshot: this.snapshot() });
  }

  /** Pushes while time runs, at most every `pushEveryMs` of wall time. */
  pushIfDue(): void {
    if (this.options.wallNow() - this.lastPush >= this.pushEveryMs) this.push();
  }

  broadcast(message: HostMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}
