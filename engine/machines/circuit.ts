/**
 * A circuit per routable target, as the gateway of one region sees it: closed → open (ejected) →
 * half-open (trial requests) → closed. Thresholds follow Envoy outlier detection (5 consecutive 5xx; ejection
 * 30 s × ejections, capped at 300 s) and LiteLLM's cooldown (over 50 % failing among at least 5 requests);
 * half-open lets Hystrix's single trial through by default. The growing ejection time is what keeps a
 * flapping provider from causing failover ping-pong; probes that pass again end an ejection early, as Envoy
 * unejects a host whose active health check passes, so an ejection never outlasts a recovery the probes saw.
 */
import { assign, setup } from "xstate";

export interface CircuitConfig {
  consecutiveFailures: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
  halfOpenTrials: number;
}

export interface CircuitContext extends CircuitConfig {
  consecutive: number;
  ejections: number;
  trialsPassed: number;
  cause: string;
}

export type CircuitEvent =
  | { type: "SUCCESS" }
  | { type: "FAILURE"; detail: string }
  /** The passive window judged the failure rate too high (LiteLLM-style cooldown). */
  | { type: "TRIP"; detail: string }
  /** The endpoint's probes came back healthy: an ejection ends early (Envoy unejects on a passing health check). */
  | { type: "PROBES_PASSED"; detail: string };

export const circuitMachine = setup({
  types: {
    context: {} as CircuitContext,
    events: {} as CircuitEvent,
    input: {} as CircuitConfig,
  },
  guards: {
    tripsOnThisFailure: ({ context }) => context.consecutive + 1 >= context.consecutiveFailures,
    lastTrial: ({ context }) => context.trialsPassed + 1 >= context.halfOpenTrials,
  },
  delays: {
    ejection: ({ context }) => Math.min(context.baseEjectionMs * context.ejections, context.maxEjectionMs),
    /** Envoy lowers the ejection multiplier again once a host has stayed healthy; we forget after the cap. */
    forgiveness: ({ context }) => context.maxEjectionMs,
  },
}).createMachine({
  id: "circuit",
  initial: "closed",
  context: ({ input }) => ({ ...input, consecutive: 0, ejections: 0, trialsPassed: 0, cause: "initial" }),
  states: {
    closed: {
      after: { forgiveness: { actions: assign({ ejections: 0 }) } },
      on: {
        SUCCESS: { actions: assign({ consecutive: 0 }) },
        FAILURE: [
          {
            guard: "tripsOnThisFailure",
            target: "open",
            actions: assign({
              cause: ({ context, event }) => `${context.consecutive + 1} consecutive failures (last: ${event.detail})`,
            }),
          },
          { actions: assign({ consecutive: ({ context }) => context.consecutive + 1 }) },
        ],
        TRIP: { target: "open", actions: assign({ cause: ({ event }) => event.detail }) },
      },
    },
    open: {
      entry: assign({ ejections: ({ context }) => context.ejections + 1, consecutive: 0 }),
      after: {
        ejection: {
          target: "halfOpen",
          actions: assign({
            cause: ({ context }) =>
              `ejection of ${Math.min(context.baseEjectionMs * context.ejections, context.maxEjectionMs) / 1000} s elapsed`,
          }),
        },
      },
      on: {
        PROBES_PASSED: { target: "halfOpen", actions: assign({ cause: ({ event }) => `ejection ended early: ${event.detail}` }) },
      },
    },
    halfOpen: {
      entry: assign({ trialsPassed: 0 }),
      on: {
        SUCCESS: [
          { guard: "lastTrial", target: "closed", actions: assign({ cause: "trial request succeeded" }) },
          { actions: assign({ trialsPassed: ({ context }) => context.trialsPassed + 1 }) },
        ],
        FAILURE: { target: "open", actions: assign({ cause: ({ event }) => `trial request failed: ${event.detail}` }) },
      },
    },
  },
});

export type CircuitState = "closed" | "open" | "halfOpen";
