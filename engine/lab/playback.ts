/**
 * Time in a run: played in step with the wall clock at the lab's speed, stepped event by event, or run
 * to a virtual time. A run that reaches its end is finished the way a drill finishes it, so what the
 * app shows then is what the report says.
 */
import type { Lab } from "./lab";
import type { Run } from "./run";

/** Timer firings one "step to next event" may take before it gives up looking for an event. */
const STEP_LIMIT = 100_000;

export function play(lab: Lab): void {
  const run = lab.requireRun();
  if (run.playing) return;
  if (run.clock.now() >= run.endMs) throw new Error("the scenario has reached its end: reset to play it again");
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
      ...(playPastEnd ? {} : { endMs: run.endMs }),
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

/** Advances to the next thing that happens (a request answered, a state change, a fault), however far away. */
export async function step(lab: Lab): Promise<{ advancedTo: number }> {
  const run = lab.requireRun();
  await lab.stopPlaying();
  const before = run.events;
  for (let i = 0; i < STEP_LIMIT && run.events === before; i++) if (!(await run.clock.step(run.endMs))) break;
  const advancedTo = run.clock.now();
  await settle(run);
  return { advancedTo };
}

/** Fast-forwards, unpaced, to `ms` of virtual time (the scenario's end at most). */
export async function runTo(lab: Lab, ms: number): Promise<{ advancedTo: number }> {
  const run = lab.requireRun();
  await lab.stopPlaying();
  if (ms <= run.clock.now()) throw new Error(`cannot run back in time: now is ${run.clock.now()} ms, asked for ${ms} ms (reset to start over)`);
  await run.clock.runUntil(Math.min(ms, run.endMs), () => lab.pushIfDue());
  const advancedTo = run.clock.now();
  await settle(run);
  return { advancedTo };
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
