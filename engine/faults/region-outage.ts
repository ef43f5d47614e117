/** Every provider (or one) in a region fails: answers 503, or does not answer at all. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownEndpoint, regionOf } from "./common";
import { defineFault, timing } from "./kind";

export const regionOutage = defineFault({
  kind: "region-outage",
  schema: z.strictObject({
    kind: z.literal("region-outage"),
    ...timing,
    region: id,
    provider: id.optional().describe("Only this provider; absent means every provider in the region"),
    behaviour: z.enum(["error-503", "no-response"]).default("error-503"),
  }),
  instant: false,
  references: (fault, context) => knownEndpoint(context, fault, false),
  describe: (fault) => `region outage in ${fault.region}${fault.provider ? ` (${fault.provider})` : ""}, ${fault.behaviour}`,
  region: (fault) => fault.region,
  faultedGateway: (fault) => fault.region,
  world: {
    regionOutage: (fault, provider, region) => (fault.region === region && (fault.provider ?? provider) === provider ? fault.behaviour : undefined),
    statusPage: (fault, provider, region) => (fault.region === region && (fault.provider ?? provider) === provider ? "major_outage" : undefined),
  },
  impact: {
    attemptHits: (fault, attempt) => attempt.region === fault.region && (fault.provider === undefined || attempt.target.startsWith(`${fault.provider}@`)),
    // A fault naming one provider is noticed only by its targets: the region withdrawn, or its gateway
    // failing, may be the doing of another fault in the same region.
    // With its own region out, a caller whose residency allows no other destination (outage choice
    // `reject`, or no consent) is refused. A fault naming one provider cannot tell it left no lawful
    // destination: another provider may have been down too.
    refuses: (fault, record) => fault.provider === undefined && record.rejectedBy === "residency" && record.origin.region === fault.region,
    withdrawalDetects: (fault, region) => fault.provider === undefined && fault.region === region,
    alarmDetects: (fault, event, target) => {
      if (target) return regionOf(target) === fault.region && (fault.provider === undefined || target.startsWith(`${fault.provider}@`));
      return fault.provider === undefined && event.machine === "gateway" && event.subject === fault.region;
    },
  },
  menu: [
    { node: "region", label: "Fail region (every provider answers 503)", testId: "fail-region", fromTarget: { region: "region" }, fixed: { behaviour: "error-503" }, params: [] },
    { node: "region", label: "Fail region silently (no response)", fromTarget: { region: "region" }, fixed: { behaviour: "no-response" }, params: [] },
    {
      node: "endpoint",
      label: "Fail this provider here",
      testId: "fail-endpoint",
      fromTarget: { region: "region", provider: "provider" },
      fixed: { behaviour: "error-503" },
      params: [],
    },
  ],
});
