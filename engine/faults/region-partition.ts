/**
 * Two regions cannot reach each other: every request between them (completions, health probes, readiness
 * checks, the identity provider) is dropped and times out. Traffic director checks come from outside every
 * region and still pass; audit flushing is not cut (use audit-partition for that).
 */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownRegion, regionOf } from "./common";
import { defineFault, timing } from "./kind";
import { acrossPath, onPath } from "./latency";

export const regionPartition = defineFault({
  kind: "region-partition",
  schema: z
    .strictObject({ kind: z.literal("region-partition"), ...timing, from: id, to: id })
    .describe("The network between two regions drops every packet, both ways: requests, probes and readiness checks between them time out"),
  instant: false,
  references: (fault, context) => [
    ...knownRegion(context, fault.from, "from"),
    ...knownRegion(context, fault.to, "to"),
    ...(fault.from === fault.to ? [{ field: "to", message: "a region cannot be partitioned from itself: name two regions" }] : []),
  ],
  describe: (fault) => `${fault.from} and ${fault.to} cannot reach each other`,
  region: (fault) => fault.from,
  world: { pathCut: (fault, a, b) => onPath(fault, a, b) },
  impact: {
    attemptHits: acrossPath,
    // A gateway at one end opening a circuit, or marking a target unhealthy, at the other end.
    alarmDetects: (fault, event, target) => target !== undefined && onPath(fault, event.region, regionOf(target) ?? ""),
  },
  menu: [
    { node: "link", label: "Partition (the regions cannot reach each other)", testId: "partition-link", fromTarget: { from: "from", to: "to" }, fixed: {}, params: [], undirected: true },
  ],
});
