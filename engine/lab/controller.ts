/**
 * The engine side of the app: one run at a time, driven by the commands of `contract.ts` through the
 * command table (`commands/`), pushing snapshots of everything the UI draws. Electron's main process and
 * the browser-mode host both serve this class; it knows nothing of either transport. The gateways'
 * OpenAI-compatible endpoint is served by `gatewayApi`, an adapter over the same run.
 */
import type { CompletionCounts } from "../sim/world";
import type { Scenario } from "../scenario/schema";
import { COMMANDS, type CommandHandler } from "./commands";
import type { ChainStatus, CommandName, CommandPayload, CommandResults, HostMessage, LabBackend } from "./contract";
import type { GatewayApiBackend } from "./gatewayApi";
import { Lab, type LabControllerOptions } from "./lab";

export type { LabControllerOptions };

/** What the app opens on: the seed article's first failure mode, a full-region provider outage. */
export const DEFAULT_SCENARIO = "eu-region-outage.yaml";

/** The last of a run, once closed: its chain as verified at the end, and where its audit stores stay (when kept). */
export interface ClosedRun {
  readonly chain: ChainStatus;
  readonly auditStoresDir: string | null;
}

export class LabController implements LabBackend {
  private readonly lab: Lab;
  private turns: Promise<unknown> = Promise.resolve();

  constructor(options: LabControllerOptions) {
    this.lab = new Lab(options);
  }

  /** The backend of the gateways' OpenAI-compatible endpoint: calls go to the run loaded now. */
  get gatewayApi(): GatewayApiBackend {
    return this.lab.gatewayApi;
  }

  subscribe(listener: (message: HostMessage) => void): () => void {
    this.lab.listeners.add(listener);
    listener({ type: "snapshot", snapshot: this.lab.snapshot() });
    return () => this.lab.listeners.delete(listener);
  }

  async execute<K extends CommandName>(name: K, input: CommandPayload<K>): Promise<CommandResults[K]> {
    const handler: CommandHandler<K> = COMMANDS[name];
    if (handler.refusedInLesson && this.lab.lesson) throw new Error(handler.refusedInLesson);
    if (handler.readOnly) return handler.run(this.lab, input);
    return this.inTurn(() => handler.run(this.lab, input));
  }

  /**
   * Opens a scenario already read and validated, as loading a file does: `npm run serve`, which reports a
   * bad file itself and may override the seed.
   */
  async open(scenario: Scenario, text: string, fileName: string): Promise<void> {
    await this.inTurn(() => this.lab.replaceRun(this.lab.newRun(scenario, text, fileName)));
  }

  /** The host serves the gateways' OpenAI-compatible endpoint at `origin`; the UI shows its base URLs. */
  serveGatewayApiAt(origin: string): void {
    this.lab.gatewayApiOrigin = origin;
    this.lab.push();
  }

  /** Completion requests each target (`provider@region/model`) has received in this run, as the simulated providers counted them. */
  providerCompletions(): CompletionCounts {
    return this.lab.run?.session.providerCompletions ?? new Map();
  }

  /** Stops playing and releases the session; returns the closed run's last chain status, if one was loaded. */
  async close(): Promise<ClosedRun | undefined> {
    const lab = this.lab;
    lab.run?.abandonCalls("the host is shutting down");
    await lab.stopPlaying();
    const run = lab.run;
    lab.run = undefined;
    lab.listeners.clear();
    return run && { chain: run.close(), auditStoresDir: lab.options.keepRunIn ? run.auditStoresDir : null };
  }

  /**
   * Commands that change the run take turns: a step and a load arriving together must not both drive the
   * clock. A failed command does not hold up the ones behind it.
   */
  private async inTurn<T>(change: () => Promise<T> | T): Promise<T> {
    const turn = this.turns.then(change);
    this.turns = turn.catch(() => undefined);
    const result = await turn;
    this.lab.push();
    return result;
  }
}
