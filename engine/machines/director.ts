/**
 * The traffic director's failover state. Active-active: all regions serving, or some withdrawn with their
 * traffic spread over the rest. Active-passive: the primary takes everything, or a standby is promoted.
 * Region up/down verdicts come from the director's health checks (Route 53 style, with a failure threshold).
 */
import { assign, setup } from "xstate";

export type DirectorEvent = { type: "REGION_DOWN"; region: string; detail: string } | { type: "REGION_UP"; region: string; detail: string };

export interface DirectorContext {
  primary: string | undefined;
  withdrawn: ReadonlySet<string>;
  /** The region the last transition was about. */
  region: string | undefined;
  cause: string;
}

export const directorMachine = setup({
  types: {
    context: {} as DirectorContext,
    events: {} as DirectorEvent,
    input: {} as { layout: "active-active" | "active-passive"; primary: string | undefined },
  },
  actions: {
    withdraw: assign({
      withdrawn: ({ context, event }) => new Set([...context.withdrawn, event.region]),
      region: ({ event }) => event.region,
      cause: ({ event }) => `${event.region} withdrawn: ${event.detail}`,
    }),
    restore: assign({
      withdrawn: ({ context, event }) => new Set([...context.withdrawn].filter((r) => r !== event.region)),
      region: ({ event }) => event.region,
      cause: ({ event }) => `${event.region} restored: ${event.detail}`,
    }),
  },
  guards: {
    activePassive: ({ context }) => context.primary !== undefined,
    isPrimary: ({ context, event }) => event.region === context.primary,
    lastWithdrawn: ({ context, event }) => context.withdrawn.size === 1 && context.withdrawn.has(event.region),
  },
}).createMachine({
  id: "director",
  initial: "start",
  context: ({ input }) => ({
    primary: input.layout === "active-passive" ? input.primary : undefined,
    withdrawn: new Set<string>(),
    region: undefined,
    cause: "initial",
  }),
  states: {
    start: { always: [{ guard: "activePassive", target: "primaryActive" }, { target: "allServing" }] },
    allServing: {
      on: { REGION_DOWN: { target: "regionsWithdrawn", actions: "withdraw" } },
    },
    regionsWithdrawn: {
      on: {
        REGION_DOWN: { actions: "withdraw" },
        REGION_UP: [{ guard: "lastWithdrawn", target: "allServing", actions: "restore" }, { actions: "restore" }],
      },
    },
    primaryActive: {
      on: {
        REGION_DOWN: [{ guard: "isPrimary", target: "standbyPromoted", actions: "withdraw" }, { actions: "withdraw" }],
        REGION_UP: { actions: "restore" },
      },
    },
    standbyPromoted: {
      on: {
        REGION_DOWN: { actions: "withdraw" },
        REGION_UP: [{ guard: "isPrimary", target: "primaryActive", actions: "restore" }, { actions: "restore" }],
      },
    },
  },
});

export type DirectorState = "allServing" | "regionsWithdrawn" | "primaryActive" | "standbyPromoted";
