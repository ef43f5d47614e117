import type { TimelineItem } from "../../engine/lab/contract";
import { formatVirtualTime } from "../format";
import { timelineText } from "../stateLabels";

/** Faults, state changes and the user's commands, newest first. */
export function Timeline({ items }: { items: readonly TimelineItem[] }) {
  if (items.length === 0) return <p className="muted panel-empty">Nothing has happened yet. Play or step to start the scenario.</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {[...items].reverse().map((item) => (
        <li key={item.n} className={`timeline-${item.kind}`}>
          <span className="timeline-time">{formatVirtualTime(item.t)}</span> <span className="timeline-region">{item.region}</span> {timelineText(item)}
        </li>
      ))}
    </ol>
  );
}
