/** The canonical audit log itself is unreachable, from every region at once: every region's entries wait in its buffer. */
import { z } from "zod";
import { defineFault, timing } from "./kind";

export const auditDestinationOutage = defineFault({
  kind: "audit-destination-outage",
  schema: z.strictObject({ kind: z.literal("audit-destination-outage"), ...timing }).describe("The canonical audit log (pattern central) is unreachable from every region"),
  instant: false,
  references: (_fault, context) =>
    context.auditPattern === "central"
      ? []
      : [{ field: "kind", message: "per-region (Pattern B) has no canonical log: every region writes its own; use audit-partition for one region" }],
  describe: () => "canonical audit log unreachable from every region",
  region: () => "global",
  world: { auditUnreachable: () => true },
  impact: {
    // Every request's entry waits in its region's buffer until the log is back.
    requestTouches: () => true,
    refuses: (_fault, record) => record.rejectedBy === "audit",
    alarmDetects: (_fault, event) => event.machine === "audit",
  },
  menu: [{ node: "audit", label: "Take the canonical log down (every region cut off)", testId: "audit-destination-outage", fromTarget: {}, fixed: {}, params: [] }],
});
