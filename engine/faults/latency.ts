/** Added round-trip latency on the path between two regions. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownRegion, regionOf } from "./common";
import { defineFault, timing } from "./kind";

/** Whether a path between two regions is the fault's, either way round. */
export function onPath(fault: { readonly from: string; readonly to: string }, a: string, b: string): boolean {
  return (fault.from === a && fault.to === b) || (fault.from === b && fault.to === a);
}

/** An attempt from its request's gateway across the faulted path: to the other end, or (a region's own link) within it. */
export const acrossPath = (fault: { readonly from: string; readonly to: string }, attempt: { readonly region: string }, record: { readonly gateway: string }) =>
  onPath(fault, record.gateway, attempt.region);

/**
 * A p95 alarm of a target across the path: raised by the gateway at one end about a target at the other.
 * Another target's p95, even at a gateway at one end, measured a path this fault does not slow.
 */
export const p95AlarmAcross = (fault: { readonly from: string; readonly to: string }, event: { readonly machine: string; readonly region: string; readonly cause: string }, target: string | undefined) =>
  event.machine === "target-health" && target !== undefined && onPath(fault, event.region, regionOf(target) ?? "") && event.cause.includes("p95");

export const latency = defineFault({
  kind: "latency",
  schema: z.strictObject({ kind: z.literal("latency"), ...timing, from: id, to: id, added_ms: z.number().min(0).max(600_000) }),
  instant: false,
  references: (fault, context) => [...knownRegion(context, fault.from, "from"), ...knownRegion(context, fault.to, "to")],
  describe: (fault) => `+${fault.added_ms} ms between ${fault.from} and ${fault.to}`,
  region: (fault) => fault.from,
  world: {
    pathLatencyMs: (fault, a, b) => (onPath(fault, a, b) ? fault.added_ms : 0),
  },
  impact: {
    attemptHits: acrossPath,
    alarmDetects: p95AlarmAcross,
  },
  menu: [
    {
      node: "link",
      label: "Added latency",
      fromTarget: { from: "from", to: "to" },
      fixed: {},
      params: [{ type: "number", field: "added_ms", unit: "ms", min: 1, max: 600_000, default: 400, per: 1 }],
      action: { label: "Degrade", testId: "add-latency" },
      undirected: true,
    },
  ],
});
