/** A path's added round-trip latency rising linearly over a window, then holding until healed: a link degrading, not snapping. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownRegion } from "./common";
import { defineFault, timing } from "./kind";
import { acrossPath, onPath, p95AlarmAcross } from "./latency";

const addedMs = z.number().min(0).max(600_000);

/** The added latency `elapsedMs` after the ramp began, ms. */
export function rampedMs(fault: { readonly start_ms: number; readonly end_ms: number; readonly ramp_s: number }, elapsedMs: number): number {
  const progress = Math.min(1, Math.max(0, elapsedMs / (fault.ramp_s * 1000)));
  return fault.start_ms + (fault.end_ms - fault.start_ms) * progress;
}

export const latencyRamp = defineFault({
  kind: "latency-ramp",
  schema: z
    .strictObject({
      kind: z.literal("latency-ramp"),
      ...timing,
      from: id,
      to: id,
      start_ms: addedMs.default(0).describe("Added round-trip latency when the fault begins"),
      end_ms: addedMs.describe("Added round-trip latency at the end of the ramp, held until the fault heals"),
      ramp_s: z.number().positive().max(7 * 86_400).describe("How long the latency takes to rise from start_ms to end_ms"),
    })
    .describe("The added latency on the path between two regions rises linearly from start_ms to end_ms over ramp_s seconds"),
  instant: false,
  references: (fault, context) => [...knownRegion(context, fault.from, "from"), ...knownRegion(context, fault.to, "to")],
  describe: (fault) => `+${fault.start_ms} → +${fault.end_ms} ms over ${fault.ramp_s} s between ${fault.from} and ${fault.to}`,
  region: (fault) => fault.from,
  world: {
    pathLatencyMs: (fault, a, b, elapsedMs) => (onPath(fault, a, b) ? rampedMs(fault, elapsedMs) : 0),
  },
  impact: {
    attemptHits: acrossPath,
    alarmDetects: p95AlarmAcross,
  },
  menu: [
    {
      node: "link",
      label: "Latency ramp",
      fromTarget: { from: "from", to: "to" },
      fixed: { start_ms: 0 },
      params: [
        { type: "number", field: "end_ms", label: "to", unit: "ms", min: 1, max: 600_000, default: 6_000, per: 1 },
        { type: "number", field: "ramp_s", label: "over", unit: "s", min: 1, max: 86_400, default: 120, per: 1 },
      ],
      action: { label: "Ramp", testId: "add-latency-ramp" },
      undirected: true,
    },
  ],
});
