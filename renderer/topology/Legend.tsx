/**
 * What the graph's colours and dashes mean, over the canvas: node health, a link across a border by its
 * lawful basis, a withdrawn or broken link, a slowed one.
 */
import { Panel } from "@xyflow/react";
import { HEALTH_COLOUR, LINK_COLOUR, SLOW_DASH } from "./graph";

function Line(props: { colour: string; dash?: string; label: string }) {
  return (
    <li>
      <svg width="20" height="8" aria-hidden="true">
        <line x1="0" y1="4" x2="20" y2="4" stroke={props.colour} strokeWidth="3" strokeDasharray={props.dash} />
      </svg>
      {props.label}
    </li>
  );
}

function Swatch(props: { colour: string; label: string }) {
  return (
    <li>
      <span className="legend-swatch" style={{ borderColor: props.colour }} />
      {props.label}
    </li>
  );
}

export function Legend() {
  return (
    <Panel position="bottom-left" className="legend-panel">
      {/* A strip along the canvas's bottom edge, in the margin the fit leaves around the graph; it folds to its heading. */}
      <details className="legend" data-testid="legend" open>
        <summary>Legend</summary>
        <ul>
          <Swatch colour={HEALTH_COLOUR.healthy} label="healthy" />
          <Swatch colour={HEALTH_COLOUR.degraded} label="degraded" />
          <Swatch colour={HEALTH_COLOUR.failed} label="failed: serves nothing" />
          <Line colour={LINK_COLOUR.local} label="served in its region" />
          <Line colour={LINK_COLOUR.fallback} label="fallback in jurisdiction" />
          <Line colour={LINK_COLOUR.consent} label="cross-border · consent" />
          <Line colour={LINK_COLOUR.transferMechanism} label="cross-border · transfer mechanism" />
          <Line colour={HEALTH_COLOUR.failed} dash="6 4" label="withdrawn / cut off" />
          <Line colour={LINK_COLOUR.fallback} dash={SLOW_DASH} label="slowed by latency" />
        </ul>
      </details>
    </Panel>
  );
}
