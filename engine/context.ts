/**
 * What every component of one engine session shares. Built once by the session; components take it
 * instead of reaching for globals.
 */
import type { AuditSystem } from "./audit/system";
import type { Clock } from "./clock";
import type { EventBus } from "./events";
import type { ResidencyPolicy } from "./policy";
import type { Random } from "./random";
import type { Scenario } from "./scenario/schema";
import type { FaultBook } from "./faults/book";
import type { Transport } from "./http";
import type { Topology } from "./topology";

export interface EngineContext {
  readonly scenario: Scenario;
  readonly topology: Topology;
  readonly clock: Clock;
  readonly random: Random;
  readonly bus: EventBus;
  readonly faults: FaultBook;
  readonly policy: ResidencyPolicy;
  readonly audit: AuditSystem;
  /** Tags this session's simulated HTTP traffic (see sim/transport). */
  readonly worldId: string;
  /** How this session's HTTP exchanges reach their servers, simulated or real. */
  readonly transport: Transport;
  /** Reads an environment variable: the API keys of real upstreams (scenario `api_key_env`). */
  readonly env: (name: string) => string | undefined;
  /** Aborts when the session closes: exchanges with real upstreams still open are given up and their connections closed. */
  readonly closing: AbortSignal;
}
