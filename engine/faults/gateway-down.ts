/** A region's gateway stops answering. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownRegion, regionWithdrawn } from "./common";
import { defineFault, timing } from "./kind";

export const gatewayDown = defineFault({
  kind: "gateway-down",
  schema: z.strictObject({ kind: z.literal("gateway-down"), ...timing, region: id }),
  instant: false,
  references: (fault, context) => knownRegion(context, fault.region, "region"),
  describe: (fault) => `gateway ${fault.region} down`,
  region: (fault) => fault.region,
  faultedGateway: (fault) => fault.region,
  world: { gatewayDown: (fault, region) => fault.region === region },
  impact: {
    requestTouches: (fault, record) => record.gateway === fault.region,
    // The dead gateway's own state is not detection: only the director's checks can notice it from outside.
    withdrawalDetects: regionWithdrawn,
  },
  menu: [{ node: "region", label: "Take the gateway down", testId: "gateway-down", fromTarget: { region: "region" }, fixed: {}, params: [] }],
});
