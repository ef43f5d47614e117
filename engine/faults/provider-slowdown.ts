/** A provider endpoint answers, but takes several times its usual service time: overload, not failure. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { endpointImpact, knownEndpoint } from "./common";
import { defineFault, timing } from "./kind";

export const providerSlowdown = defineFault({
  kind: "provider-slowdown",
  schema: z
    .strictObject({
      kind: z.literal("provider-slowdown"),
      ...timing,
      region: id,
      provider: id,
      model: z.string().min(1).optional().describe("Only this model; absent means every model of the provider in the region"),
      factor: z.number().min(1).max(1_000).describe("How many times its usual service time the endpoint takes"),
    })
    .describe("One provider endpoint's service time multiplied; its health probes still pass"),
  instant: false,
  references: (fault, context) => knownEndpoint(context, fault, true),
  describe: (fault) => `${fault.provider} in ${fault.region} ${fault.factor}× slower${fault.model ? ` for ${fault.model}` : ""}`,
  region: (fault) => fault.region,
  world: {
    serviceTimeFactor: (fault, provider, region, model) => (fault.region === region && fault.provider === provider && (fault.model ?? model) === model ? fault.factor : 1),
    statusPage: (fault, provider, region) => (fault.region === region && fault.provider === provider ? "degraded_performance" : undefined),
  },
  impact: endpointImpact,
  menu: [
    {
      node: "endpoint",
      label: "Slow down",
      fromTarget: { region: "region", provider: "provider" },
      fixed: {},
      params: [{ type: "number", field: "factor", unit: "×", min: 1, max: 100, default: 4, per: 1 }],
      action: { label: "Slow down", testId: "slow-endpoint" },
    },
  ],
});
