/** Commands that move time: play, pause, step, run to, and the speed of playing. */
import { play, runTo, step } from "../playback";
import type { Handlers } from "./handler";

export const playbackCommands = {
  play: { readOnly: false, run: (lab) => play(lab) },
  pause: { readOnly: false, run: (lab) => lab.stopPlaying() },
  step: { readOnly: false, run: (lab) => step(lab) },
  runTo: { readOnly: false, run: (lab, { ms }) => runTo(lab, ms) },
  setSpeed: {
    readOnly: false,
    run: (lab, { speed }) => {
      lab.speed = speed;
    },
  },
} satisfies Handlers<"play" | "pause" | "step" | "runTo" | "setSpeed">;
