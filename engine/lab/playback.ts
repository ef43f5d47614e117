/**
 * Time in a run: played in step with the wall clock at the lab's speed, stepped event by event, or run
 * to a virtual time. A run that reaches its end is finished the way a drill finishes it, so what the
 * app shows then is what the report says.
 */
import type { Lab } from "./lab";
import type { Fault } from "../scenario/schema";
import type { Run } from "./run";
import { callsFromOutside } from "./evidenceRefusal";

/** Timer firings one "step to next event" may take before it gives up looking for an event. */
const STEP_LIMIT = 100_000;

export function play(lab: Lab): void {
  const run = lab.requireRun();
  if (run.playing) return;
  if (run.clock.now() >= run.endMs) throw new Error("the scenario has reached its end: reset to play it again");
  if (run.clock.now() >= run.stopAt()) throw new Error(`time is held here: ${run.holds.reason}`);
  run.stopRequested = false;
  run.status = "playing";
  const { wallNow, waitWallMs, playPastEnd } = lab.options;
  const stopped = (error: unknown) => lab.broadcast({ type: "error", message: `the run stopped: ${(error as Error).message}` });
  if (playPastEnd) run.clock.setTimeout(() => run.session.stopTraffic(), run.endMs - run.clock.now());
  run.playing = run.clock
    .runPaced({
      speed: () => lab.speed,
      wallNow,
      shouldStop: () => run.stopRequested,
      ...(playPastEnd ? {} : { endMs: run.stopAt }),
      onBehind: (behind) => (run.behind = behind),
      waitWallMs: async (ms) => {
        lab.pushIfDue();
        await waitWallMs(ms);
      },
    })
    .catch(stopped)
    .then(() => settle(run))
    .catch(stopped)
    .finally(() => {
      run.playing = undefined;
      if (lab.run === run) lab.push();
    });
}

/**
 * Advances to the next thing that happens (`event`: a request answered, a state change, a fault), however far
 * away, or to the next state change (`change`: a state machine's transition or a fault injected or healed),
 * at the scenario's end at the latest. Every timer due at the instant it lands on fires too, so the run
 * rests where a rewind can land again (see {@link rewindTo}).
 */
export async function step(lab: Lab, until: "event" | "change" = "event"): Promise<{ advancedTo: number }> {
  const run = lab.requireRun();
  await lab.stopPlaying();
  const counted = () => (until === "change" ? run.changes : run.events);
  const before = counted();
  const limit = until === "change" ? Number.POSITIVE_INFINITY : STEP_LIMIT;
  let fired = true;
  // Settled before looking: a timer's work may emit its event a few promise hops after the timer fired.
  for (let i = 0; i < limit && fired; i++) {
    await run.clock.settle();
    if (counted() !== before) break;
    fired = await run.clock.step(run.stopAt);
    if (i % 1000 === 999) lab.pushIfDue();
  }
  await run.clock.runUntil(fired ? run.clock.now() : run.stopAt);
  const advancedTo = run.clock.now();
  await settle(run);
  return { advancedTo };
}

/**
 * Goes to `ms` of virtual time: fast-forwards (unpaced) to a later time, the scenario's end at most, or
 * rewinds to an earlier one.
 */
export async function runTo(lab: Lab, ms: number): Promise<{ advancedTo: number }> {
  const run = lab.requireRun();
  await lab.stopPlaying();
  if (ms < run.clock.now()) {
    // A rewound run is a new one, which would forget the tasks done and the pause reached.
    if (lab.lesson) throw new Error("a lesson's run does not go back: close the lesson to rewind");
    return rewindTo(lab, ms);
  }
  await run.clock.runUntil(() => Math.min(ms, run.stopAt()), () => lab.pushIfDue());
  const advancedTo = run.clock.now();
  await settle(run);
  return { advancedTo };
}

/**
 * Time travel: the engine is deterministic, so the run as it was at `ms` is a new run of the same scenario
 * and seed fast-forwarded to `ms`, with the faults made by hand before then replayed at their virtual times
 * under the same ids; what was done by hand after `ms` is dropped, as a debugger's reverse step drops it.
 * Hand-made faults are applied only where time rests (see {@link atRest}), after every timer of their
 * instant, and the replay applies them there too, so the rewound run is the original one, audit chain head
 * included. A run that answered calls from outside (OpenAI clients) is refused: those calls came at wall
 * times from clients that cannot be asked again, and a past without them would be a different run
 * presented as this one; reset starts over honestly.
 */
async function rewindTo(lab: Lab, ms: number): Promise<{ advancedTo: number }> {
  const old = lab.requireRun();
  if (old.externalCalls > 0)
    throw new Error(
      `cannot rewind: this run answered ${callsFromOutside(old.externalCalls)} from outside (OpenAI clients), which a re-run cannot replay, so the past it would show is not this run's; reset to start over`,
    );
  const run = lab.newRun(old.scenario, old.text, old.fileName);
  await lab.replaceRun(run);
  run.seekingTo = ms;
  try {
    for (const action of handActionsBefore(old.userFaults, ms)) {
      await run.clock.runUntil(action.atMs, () => lab.pushIfDue());
      if (action.heal) run.healByHand(action.faultId);
      else if (run.injectByHand(action.fault) !== action.faultId) throw new Error(`the replay gave fault ${action.faultId} another id`);
    }
    await run.clock.runUntil(ms, () => lab.pushIfDue());
  } finally {
    run.seekingTo = null;
  }
  await settle(run);
  return { advancedTo: run.clock.now() };
}

type HandAction = { readonly atMs: number; readonly faultId: string } & ({ readonly heal: false; readonly fault: Fault } | { readonly heal: true });

/**
 * The injections and heals made by hand, in the order they happened, that a rewind to `ms` replays: those at
 * `ms` or before. An injection is replayed without its heal when the heal came later.
 */
export function handActionsBefore(userFaults: readonly { readonly id: string; readonly fault: Fault }[], ms: number): HandAction[] {
  const actions: HandAction[] = [];
  for (const { id, fault } of userFaults) {
    const { heal_s, ...untimed } = fault;
    const atMs = Math.round(fault.at_s * 1000);
    if (atMs > ms) continue;
    actions.push({ atMs, faultId: id, heal: false, fault: untimed as Fault });
    if (heal_s !== undefined && Math.round(heal_s * 1000) <= ms) actions.push({ atMs: Math.round(heal_s * 1000), faultId: id, heal: true });
  }
  // Stable: of one instant, the actions keep the order of the faults made by hand.
  return actions.sort((a, b) => a.atMs - b.atMs);
}

/**
 * Runs a change to the world made by hand where time rests. While playing, a command lands between two
 * timers of one instant, where a rewind could not land again; so playing stops after its tick (every timer
 * due by then fired), the change is made, and playing goes on.
 */
export async function atRest<T>(lab: Lab, change: () => T): Promise<T> {
  const wasPlaying = lab.run?.playing !== undefined;
  await lab.stopPlaying();
  try {
    return change();
  } finally {
    const run = lab.run;
    if (wasPlaying && run && run.clock.now() < run.stopAt()) play(lab);
  }
}

/**
 * Paused where time stopped; or, at the scenario's end, finished as a drill finishes: the requests in
 * flight are answered, which moves the clock on a little past the end (the snapshot shows the end).
 */
async function settle(run: Run): Promise<void> {
  if (run.clock.now() < run.endMs) {
    run.status = "paused";
    return;
  }
  run.session.stopTraffic();
  run.status = "finished";
  run.abandonCalls("the scenario reached its end before the gateway answered");
  await run.finish();
}
