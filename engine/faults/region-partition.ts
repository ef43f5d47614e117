/**
 * Two regions cannot reach each other: every request between them (completions, health probes, the traffic
 * director's checks, the identity provider) is dropped and times out. The director's checks travel the
 * network only from its checker regions (`director.checkers`): without them they come from outside every
 * region and still pass; with them, a checker at one end loses sight of the gateway at the other, and the
 * gateway is withdrawn once no more than 18 % of the checkers see it. Audit flushing is not cut (use
 * audit-partition for that).
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
    .describe("The network between two regions drops every packet, both ways: requests, probes and the director's checks from a checker region between them time out"),
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
    // The director's checkers at one end losing sight of the gateway at the other.
    withdrawalDetects: (fault, region) => region === fault.from || region === fault.to,
    // A gateway at one end opening a circuit, or marking a target unhealthy, at the other end.
    alarmDetects: (fault, event, target) => target !== undefined && onPath(fault, event.region, regionOf(target) ?? ""),
  },
  menu: [
    { node: "link", label: "Partition (the regions cannot reach each other)", testId: "partition-link", fromTarget: { from: "from", to: "to" }, fixed: {}, params: [], undirected: true },
  ],
});
