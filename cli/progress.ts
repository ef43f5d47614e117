/**
 * Progress with time left on stderr, for the commands that run for long: a bar on a terminal (cli-progress);
 * otherwise, for CI logs and pipes, one line every few seconds. stdout is never touched.
 */
import { SingleBar } from "cli-progress";

/** How often a line is printed when stderr is not a terminal, ms. */
const PLAIN_PROGRESS_MS = 5_000;

export interface Progress {
  /** `done` of the total so far. */
  update(done: number): void;
  stop(): void;
}

/**
 * Starts reporting progress towards `total` of `unit` (`runs`, `virtual s`), labelled `label`. Without a
 * terminal, a line every 5 s (the last one when done, if any was printed before), none for a run shorter than that.
 */
export function startProgress(label: string, total: number, unit: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: `${label} {bar} {value}/{total} ${unit} · {eta_formatted} left`, stream: process.stderr, hideCursor: true });
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  const started = performance.now();
  let printed = started;
  let finished = false;
  return {
    update: (done) => {
      const now = performance.now();
      const complete = done >= total;
      if (finished || (now - printed < PLAIN_PROGRESS_MS && !(complete && printed > started))) return;
      finished = complete;
      printed = now;
      const elapsedS = (now - started) / 1000;
      const left = done > 0 ? `, about ${((elapsedS / done) * (total - done)).toFixed(0)} s left` : "";
      process.stderr.write(`${label}: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} ${unit}, ${elapsedS.toFixed(0)} s elapsed${left}\n`);
    },
    stop: () => undefined,
  };
}
