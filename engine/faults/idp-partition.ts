/** A region's gateway cannot reach the identity provider in any region. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownRegion, needsIdentity, regionWithdrawn } from "./common";
import { defineFault, timing } from "./kind";

export const idpPartition = defineFault({
  kind: "idp-partition",
  schema: z.strictObject({ kind: z.literal("idp-partition"), ...timing, region: id }).describe("The region's gateway cannot reach the identity provider in any region"),
  instant: false,
  references: (fault, context) => [...needsIdentity(context, fault.kind), ...knownRegion(context, fault.region, "region")],
  describe: (fault) => `identity provider unreachable from ${fault.region}`,
  region: (fault) => fault.region,
  world: { idpPartitioned: (fault, region) => fault.region === region },
  impact: {
    // Cut off from the identity provider, the region's every token is checked against a cache that cannot be refreshed.
    requestTouches: (fault, record) => record.gateway === fault.region,
    // Fail-closed over a cache it cannot refresh, or a key it cannot fetch; a forged or expired token is refused anyway.
    refuses: (fault, record) =>
      record.gateway === fault.region && record.rejectedBy === "identity" && (record.identity?.rejection === "idp-unreachable" || record.identity?.rejection === "unknown-key"),
    withdrawalDetects: regionWithdrawn,
    identityDetects: (fault, event) => event.subject === fault.region && (event.to === "stale" || event.to === "fail-closed"),
  },
  menu: [
    { node: "region", label: "Cut off from the identity provider", requires: "identity", fromTarget: { region: "region" }, fixed: {}, params: [] },
    {
      node: "identity",
      label: "Cut {region} off from the identity provider",
      testId: "idp-partition-{region}",
      each: { list: "regions", as: "region" },
      fromTarget: { region: "region" },
      fixed: {},
      params: [],
    },
  ],
});
