/** A share of an endpoint's completion requests fail with an HTTP status. */
import { z } from "zod";
import { id, share } from "../scenario/sections/fields";
import { endpointImpact, knownEndpoint } from "./common";
import { defineFault, timing } from "./kind";

export const errorRate = defineFault({
  kind: "error-rate",
  schema: z.strictObject({ kind: z.literal("error-rate"), ...timing, region: id, provider: id, rate: share, status: z.int().min(400).max(599).default(503) }),
  instant: false,
  references: (fault, context) => knownEndpoint(context, fault, true),
  describe: (fault) => `${Math.round(fault.rate * 100)} % HTTP ${fault.status} at ${fault.provider} in ${fault.region}`,
  region: (fault) => fault.region,
  world: {
    errorRate: (fault, provider, region) => (fault.region === region && fault.provider === provider ? { rate: fault.rate, status: fault.status } : undefined),
    statusPage: (fault, provider, region) => (fault.region === region && fault.provider === provider ? "degraded_performance" : undefined),
  },
  impact: endpointImpact,
  menu: [
    {
      node: "endpoint",
      label: "Error rate",
      fromTarget: { region: "region", provider: "provider" },
      fixed: { status: 503 },
      params: [{ type: "number", field: "rate", unit: "%", min: 1, max: 100, default: 50, per: 100 }],
      action: { label: "Degrade" },
    },
  ],
});
