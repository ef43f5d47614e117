/** Commands that move time: play, pause, step, run to (ahead or back), and the speed of playing. */
import { play, runTo, step } from "../playback";
import type { Handlers } from "./handler";

export const playbackCommands = {
  play: { readOnly: false, run: (lab) => play(lab) },
  pause: { readOnly: false, run: (lab) => lab.stopPlaying() },
  step: { readOnly: false, run: (lab, { until }) => step(lab, until) },
  runTo: { readOnly: false, run: (lab, { ms }) => runTo(lab, ms) },
  setSpeed: {
    readOnly: false,
    run: (lab, { speed }) => {
      lab.speed = speed;
    },
  },
} satisfies Handlers<"play" | "pause" | "step" | "runTo" | "setSpeed">;
