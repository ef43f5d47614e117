import type { LabSnapshot, TimelineItem } from "../../engine/lab/contract";
import { MAX_SPEED, MIN_SPEED } from "../../engine/lab/contract";
import { formatVirtualTime } from "../format";


const SPEEDS = [1, 2, 5, 10, 20, 50, 100];

/** Play, pause, step, speed, and the simulated clock: the controls of a network simulator. */
export function TimeControls(props: {
  snapshot: LabSnapshot;
  onPlay: () => void;
  onPause: () => void;
  onStep: () => void;
  onSpeed: (speed: number) => void;
  onReset: () => void;
}) {
  const { snapshot } = props;
  const loaded = snapshot.status !== "empty";
  const playing = snapshot.status === "playing";
  return (
    <div className="time-controls">
      {playing ? (
        <button data-testid="pause" onClick={props.onPause} title="Pause (Space)">
          ❚❚ Pause
        </button>
      ) : (
        <button data-testid="play" onClick={props.onPlay} disabled={!loaded || snapshot.status === "finished"} title="Play (Space)">
          ▶ Play
        </button>
      )}
      <button data-testid="step" onClick={props.onStep} disabled={!loaded || snapshot.status === "finished"} title="Step to the next event (→ or .)">
        ▸| Step
      </button>
      <button data-testid="reset" onClick={props.onReset} disabled={!loaded} title="Start the scenario again">
        ↺ Reset
      </button>
      <label className="speed" title="Virtual seconds per wall second (− and +)">
        Speed
        <select data-testid="speed" value={snapshot.speed} onChange={(e) => props.onSpeed(Number(e.target.value))}>
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
      <span className={`status status-${snapshot.status}`} data-testid="status">
        {snapshot.status}
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

/**
 * The event timeline as a scrubber: every fault, state change and user command as a tick over the
 * scenario's duration. Hovering names the event; clicking ahead of now fast-forwards there.
 */
export function Scrubber(props: { snapshot: LabSnapshot; onRunTo: (ms: number) => void }) {
  const { snapshot } = props;
  const durationMs = (snapshot.scenario?.durationS ?? 0) * 1000;
  if (durationMs === 0) return <div className="scrubber scrubber-empty" />;
  const at = (ms: number) => `${Math.min(100, (ms / durationMs) * 100)}%`;
  return (
    <div
      className="scrubber"
      data-testid="scrubber"
      title="Click ahead of the cursor to run there"
      onClick={(event) => {
        const box = event.currentTarget.getBoundingClientRect();
        const ms = Math.round(((event.clientX - box.left) / box.width) * durationMs);
        if (ms > snapshot.nowMs) props.onRunTo(ms);
      }}
    >
      <div className="scrubber-played" style={{ width: at(snapshot.nowMs) }} />
      {snapshot.timeline.map((item) => (
        <span key={item.n} className={`scrubber-tick ${TICK_CLASS[item.kind]}`} style={{ left: at(item.t) }} title={`${formatVirtualTime(item.t)} ${item.text}`} />
      ))}
      {snapshot.faults.map((fault) => (
        <span key={fault.id} className="scrubber-fault" style={{ left: at(fault.injectedAt), width: `calc(${at((fault.healedAt ?? snapshot.nowMs) - fault.injectedAt)} + 2px)` }} title={`${fault.id}: ${fault.kind}`} />
      ))}
    </div>
  );
}
