/**
 * The state of one regional gateway: healthy → degraded (some local targets not available: down or ejected)
 * → failed (down, or no local target passes its probes) → recovering → healthy. Recovery waits a hold
 * period so a gateway that comes back is watched before it is called healthy again. A circuit alone never
 * fails a gateway: one trip of an only provider that still passes its probes is a degradation, and a
 * "failed" gateway is what the director withdraws, so a flapping provider would otherwise cause false failovers.
 */
import { assign, setup } from "xstate";

/** A fresh assessment of the gateway, sent whenever one of its inputs changes. */
export interface GatewayAssessment {
  type: "ASSESS";
  up: boolean;
  /** Local targets not down (probes passing, circuit closed or half-open). */
  availableLocal: number;
  /** Local targets whose probes pass, whatever their circuits say. */
  passingLocal: number;
  totalLocal: number;
  detail: string;
}

export interface GatewayContext {
  recoveryHoldMs: number;
  cause: string;
  last: GatewayAssessment | undefined;
}

const failing = (a: GatewayAssessment) => !a.up || a.passingLocal === 0;
const partial = (a: GatewayAssessment) => a.availableLocal < a.totalLocal;

export const gatewayMachine = setup({
  types: {
    context: {} as GatewayContext,
    events: {} as GatewayAssessment,
    input: {} as { recoveryHoldMs: number },
  },
  guards: {
    failing: ({ event }) => failing(event),
    partial: ({ event }) => partial(event),
    whole: ({ event }) => !failing(event) && !partial(event),
    serving: ({ event }) => !failing(event),
    lastWasPartial: ({ context }) => context.last !== undefined && partial(context.last),
  },
  actions: {
    note: assign({ cause: ({ event }) => event.detail, last: ({ event }) => event }),
  },
  delays: { recoveryHold: ({ context }) => context.recoveryHoldMs },
}).createMachine({
  id: "gateway",
  initial: "healthy",
  context: ({ input }) => ({ recoveryHoldMs: input.recoveryHoldMs, cause: "initial", last: undefined }),
  states: {
    healthy: {
      on: {
        ASSESS: [
          { guard: "failing", target: "failed", actions: "note" },
          { guard: "partial", target: "degraded", actions: "note" },
          { actions: assign({ last: ({ event }) => event }) },
        ],
      },
    },
    degraded: {
      on: {
        ASSESS: [
          { guard: "failing", target: "failed", actions: "note" },
          { guard: "whole", target: "healthy", actions: "note" },
          { actions: assign({ last: ({ event }) => event }) },
        ],
      },
    },
    failed: {
      on: { ASSESS: [{ guard: "serving", target: "recovering", actions: "note" }, { actions: assign({ last: ({ event }) => event }) }] },
    },
    recovering: {
      after: {
        recoveryHold: [
          { guard: "lastWasPartial", target: "degraded", actions: assign({ cause: "recovery hold elapsed; some local targets still unusable" }) },
          { target: "healthy", actions: assign({ cause: "recovery hold elapsed" }) },
        ],
      },
      on: { ASSESS: [{ guard: "failing", target: "failed", actions: "note" }, { actions: assign({ last: ({ event }) => event }) }] },
    },
  },
});

export type GatewayState = "healthy" | "degraded" | "failed" | "recovering";
