/** Added round-trip latency on the path between two regions. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownRegion } from "./common";
import { defineFault, timing } from "./kind";

/** Whether a path between two regions is the fault's, either way round. */
export function onPath(fault: { readonly from: string; readonly to: string }, a: string, b: string): boolean {
  return (fault.from === a && fault.to === b) || (fault.from === b && fault.to === a);
}

/** An attempt from its request's gateway to another region, across the faulted path. */
export const acrossPath = (fault: { readonly from: string; readonly to: string }, attempt: { readonly region: string }, record: { readonly gateway: string }) =>
  record.gateway !== attempt.region && onPath(fault, record.gateway, attempt.region);

/** A target's p95 alarm at either end of the path. */
export const p95AlarmAtEnd = (fault: { readonly from: string; readonly to: string }, event: { readonly machine: string; readonly region: string; readonly cause: string }, target: string | undefined) =>
  event.machine === "target-health" && target !== undefined && (event.region === fault.from || event.region === fault.to) && event.cause.includes("p95");

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
    alarmDetects: p95AlarmAtEnd,
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
