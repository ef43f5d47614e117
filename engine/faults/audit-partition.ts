/** A region is cut off from its audit destination: its entries wait in its buffer. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownRegion, regionWithdrawn } from "./common";
import { defineFault, timing } from "./kind";

export const auditPartition = defineFault({
  kind: "audit-partition",
  schema: z.strictObject({ kind: z.literal("audit-partition"), ...timing, region: id }),
  instant: false,
  references: (fault, context) => knownRegion(context, fault.region, "region"),
  describe: (fault) => `audit destination unreachable from ${fault.region}`,
  region: (fault) => fault.region,
  world: { auditUnreachable: (fault, region) => fault.region === region },
  impact: {
    // Cut off from its audit destination, the region's every entry waits in its buffer.
    requestTouches: (fault, record) => record.gateway === fault.region,
    refuses: (fault, record) => record.gateway === fault.region && record.rejectedBy === "audit",
    withdrawalDetects: regionWithdrawn,
    alarmDetects: (fault, event) => event.machine === "audit" && event.region === fault.region,
  },
  menu: [
    { node: "region", label: "Cut off from the audit store", fromTarget: { region: "region" }, fixed: {}, params: [] },
    {
      node: "audit",
      label: "Cut {region} off from the audit store",
      testId: "audit-partition-{region}",
      each: { list: "regions", as: "region" },
      fromTarget: { region: "region" },
      fixed: {},
      params: [],
    },
  ],
});
