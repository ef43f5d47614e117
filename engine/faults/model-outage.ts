/** One model of a provider in a region is down; the provider's other models answer. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { endpointImpact, knownEndpoint } from "./common";
import { defineFault, timing } from "./kind";

export const modelOutage = defineFault({
  kind: "model-outage",
  schema: z.strictObject({ kind: z.literal("model-outage"), ...timing, region: id, provider: id, model: z.string().min(1) }),
  instant: false,
  references: (fault, context) => knownEndpoint(context, fault, true),
  describe: (fault) => `${fault.model} down at ${fault.provider} in ${fault.region}`,
  region: (fault) => fault.region,
  world: {
    modelDown: (fault, provider, region, model) => fault.region === region && fault.provider === provider && fault.model === model,
    statusPage: (fault, provider, region) => (fault.region === region && fault.provider === provider ? "partial_outage" : undefined),
  },
  impact: endpointImpact,
  menu: [
    {
      node: "endpoint",
      label: "Take {model} down",
      each: { list: "models", as: "model" },
      fromTarget: { region: "region", provider: "provider", model: "model" },
      fixed: {},
      params: [],
    },
  ],
});
