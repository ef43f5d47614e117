/** The identity provider's deployment in one region stops answering. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownRegion, needsIdentity, regionWithdrawn } from "./common";
import { defineFault, timing } from "./kind";

export const idpOutage = defineFault({
  kind: "idp-outage",
  schema: z.strictObject({ kind: z.literal("idp-outage"), ...timing, region: id }).describe("The identity provider's deployment in this region stops answering"),
  instant: false,
  references: (fault, context) => {
    const served = context.identityRegions;
    return [
      ...needsIdentity(context, fault.kind),
      ...(served && !served.includes(fault.region)
        ? [{ field: "region", message: `the identity provider is not served from "${fault.region}" (identity.regions: ${served.join(", ")})` }]
        : []),
      ...knownRegion(context, fault.region, "region"),
    ];
  },
  describe: (fault) => `identity provider down in ${fault.region}`,
  region: (fault) => fault.region,
  world: { idpDown: (fault, region) => fault.region === region },
  impact: {
    // Refused when no identity provider region answered the gateway, this one among them.
    refuses: (_fault, record) => record.rejectedBy === "identity" && record.identity?.rejection === "idp-unreachable",
    withdrawalDetects: regionWithdrawn,
    identityDetects: (fault, event) => event.subject === `${event.region}→idp` && event.from === fault.region,
  },
  menu: [
    {
      node: "identity",
      label: "Take the identity provider down in {region}",
      testId: "idp-outage-{region}",
      each: { list: "idpRegions", as: "region" },
      fromTarget: { region: "region" },
      fixed: {},
      params: [],
    },
  ],
});
