import { useCallback, useRef, useState } from "react";
import type { LabSnapshot, TimelineItem } from "../../engine/lab/contract";
import { MAX_SPEED, MIN_SPEED } from "../../engine/lab/contract";
import { formatVirtualSeconds, formatVirtualTime } from "../format";
import { timelineText } from "../stateLabels";
import { timeAxisTicks } from "./timeAxis";

const SPEEDS = [1, 2, 5, 10, 20, 50, 100];

/** Play, pause, step, speed, and the simulated clock: the controls of a network simulator. */
export function TimeControls(props: {
  snapshot: LabSnapshot;
  onPlay: () => void;
  onPause: () => void;
  onStep: () => void;
  onStepToChange: () => void;
  onSpeed: (speed: number) => void;
  onReset: () => void;
}) {
  const { snapshot } = props;
  const loaded = snapshot.status !== "empty";
  const playing = snapshot.status === "playing";
  // A rewind re-runs the scenario up to its target: nothing else can move time until it is there.
  const seeking = snapshot.seekingTo !== null;
  const canStep = loaded && snapshot.status !== "finished" && !seeking;
  return (
    <div className="time-controls">
      {playing ? (
        <button data-testid="pause" onClick={props.onPause} title="Pause (Space)">
          ❚❚ Pause
        </button>
      ) : (
        <button data-testid="play" onClick={props.onPlay} disabled={!canStep} title="Play (Space)">
          ▶ Play
        </button>
      )}
      <button data-testid="step" onClick={props.onStep} disabled={!canStep} title="Step to the next event, usually the next request answered (→ or .)">
        ▸| Step
      </button>
      <button data-testid="step-change" onClick={props.onStepToChange} disabled={!canStep} title="Step to the next state change: a state machine's transition or a fault injected or healed (Shift+→ or >)">
        ▸▸ Change
      </button>
      <button data-testid="reset" onClick={props.onReset} disabled={!loaded || seeking} title="Start the scenario again">
        ↺ Reset
      </button>
      {/* The select's "10×" says what it is; the word "Speed" made room for the step to the next change. */}
      <label className="speed" title="Speed: virtual seconds per wall second (− and +)">
        <select data-testid="speed" aria-label="Speed" value={snapshot.speed} onChange={(e) => props.onSpeed(Number(e.target.value))}>
          {[...new Set([...SPEEDS, snapshot.speed])]
            .filter((s) => s >= MIN_SPEED && s <= MAX_SPEED)
            .sort((a, b) => a - b)
            .map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
        </select>
      </label>
      <div className="clock" data-testid="clock" data-ms={snapshot.nowMs}>
        {formatVirtualTime(snapshot.nowMs)}
        {snapshot.scenario && <span className="clock-total"> / {formatVirtualTime(snapshot.scenario.durationS * 1000)}</span>}
      </div>
      <span className={`status status-${seeking ? "rewinding" : snapshot.status}`} data-testid="status">
        {seeking ? "rewinding" : snapshot.status}
      </span>
      {snapshot.behind && (
        <span className="behind" title="This machine cannot simulate this fast; the run goes as fast as it can">
          slower than {snapshot.speed}×
        </span>
      )}
    </div>
  );
}

const TICK_CLASS: Record<TimelineItem["kind"], string> = { fault: "tick-fault", transition: "tick-transition", command: "tick-command" };

/** Room between two labels of the scrubber's time axis, CSS px: an h:mm:ss label is about 50 px wide. */
const AXIS_LABEL_GAP_PX = 90;

/**
 * The event timeline as a scrubber over the scenario's duration, with a time axis: every fault, state change
 * and user command as a tick, the scenario's scheduled faults as bands from t = 0, the faults that happened
 * below. Hovering names the event; clicking ahead of now fast-forwards there, clicking behind it rewinds (the
 * scenario re-run from its seed to there, with the faults made by hand before then).
 */
export function Scrubber(props: { snapshot: LabSnapshot; onRunTo: (ms: number) => void }) {
  const { snapshot } = props;
  const durationMs = (snapshot.scenario?.durationS ?? 0) * 1000;
  const [trackRef, width] = useWidth();
  if (durationMs === 0) return <div className="scrubber scrubber-empty" />;
  const at = (ms: number) => `${Math.min(100, Math.max(0, (ms / durationMs) * 100))}%`;
  const seekingTo = snapshot.seekingTo;
  return (
    // The axis takes clicks too: it is the same time, and a larger target.
    <div
      className={seekingTo === null ? "scrubber" : "scrubber scrubber--seeking"}
      data-testid="scrubber"
      data-seeking={seekingTo ?? ""}
      title={seekingTo === null ? "Click ahead of the cursor to run there, behind it to rewind (the run replayed from its seed)" : undefined}
      onClick={(event) => {
        if (seekingTo !== null) return;
        const box = event.currentTarget.getBoundingClientRect();
        const ms = Math.round(((event.clientX - box.left) / box.width) * durationMs);
        if (ms !== snapshot.nowMs) props.onRunTo(Math.min(Math.max(ms, 0), durationMs));
      }}
    >
      <div ref={trackRef} className="scrubber-track" data-testid="scrubber-track">
        <div className="scrubber-played" style={{ width: at(snapshot.nowMs) }} />
        {snapshot.scheduledFaults.map((fault) => (
          <span
            key={fault.id}
            className="scrubber-scheduled"
            data-testid="scheduled-fault"
            data-fault-id={fault.id}
            data-at-ms={fault.atMs}
            style={{ left: at(fault.atMs), width: fault.healMs === null ? "3px" : at(fault.healMs - fault.atMs) }}
            title={`${fault.id} at ${formatVirtualTime(fault.atMs)}${fault.healMs === null ? "" : `, healed at ${formatVirtualTime(fault.healMs)}`}: ${fault.text}`}
          />
        ))}
        {snapshot.timeline.map((item) => (
          <span key={item.n} className={`scrubber-tick ${TICK_CLASS[item.kind]}`} style={{ left: at(item.t) }} title={`${formatVirtualTime(item.t)} ${timelineText(item)}`} />
        ))}
        {snapshot.faults.map((fault) => (
          <span key={fault.id} className="scrubber-fault" style={{ left: at(fault.injectedAt), width: `calc(${at((fault.healedAt ?? snapshot.nowMs) - fault.injectedAt)} + 2px)` }} title={`${fault.id}: ${fault.kind}`} />
        ))}
        {seekingTo !== null && (
          <>
            <span className="scrubber-target" style={{ left: at(seekingTo) }} />
            <span className="scrubber-seeking" data-testid="rewinding" role="status">
              Rewinding to {formatVirtualTime(seekingTo)}: replaying the run from its seed…
            </span>
          </>
        )}
      </div>
      <div className="scrubber-axis" data-testid="scrubber-axis" aria-hidden>
        {timeAxisTicks(durationMs, width, AXIS_LABEL_GAP_PX).map((t) => (
          <span key={t} className={`scrubber-axis-label${t === 0 ? " scrubber-axis-label--first" : t === durationMs ? " scrubber-axis-label--last" : ""}`} style={{ left: at(t) }} data-ms={t}>
            {formatVirtualSeconds(t)}
          </span>
        ))}
      </div>
    </div>
  );
}

/** A ref to put on an element, and its width in CSS px, kept up to date as it resizes. */
function useWidth(): [(element: HTMLElement | null) => void, number] {
  const [width, setWidth] = useState(0);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((element: HTMLElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!element) return;
    setWidth(element.clientWidth);
    observer.current = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    observer.current.observe(element);
  }, []);
  return [ref, width];
}
