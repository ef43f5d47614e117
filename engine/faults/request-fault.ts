/** One provider endpoint misbehaves on completion requests in one of the request-level ways (docs/REQUEST-FAULTS.md). */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { endpointImpact, knownEndpoint } from "./common";
import { defineFault, timing } from "./kind";
import { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS, REQUEST_FAULT_LABELS } from "./requestFaultClasses";

export const requestFault = defineFault({
  kind: "request-fault",
  schema: z
    .strictObject({
      kind: z.literal("request-fault"),
      ...timing,
      region: id,
      provider: id,
      model: z.string().min(1).optional().describe("Only this model; absent means every model of the provider in the region"),
      class: z.enum(REQUEST_FAULT_CLASSES),
      times: z.int().min(1).max(1_000_000).optional().describe("Only the first N completion requests after the fault starts; absent means every one"),
      retry_after_s: z.number().min(0).max(3_600).default(REQUEST_FAULT_DEFAULTS.retry_after_s).describe("rate-limit-retry-after: the Retry-After the provider sends"),
      first_token_ms: z.number().min(0).max(600_000).default(REQUEST_FAULT_DEFAULTS.first_token_ms).describe("slow-first-token: how long the first token takes"),
      after_chunks: z
        .int()
        .min(0)
        .max(1_000)
        .default(REQUEST_FAULT_DEFAULTS.after_chunks)
        .describe("stream-cut, stream-stall, malformed-chunk: content chunks sent before the fault"),
    })
    .describe("One provider endpoint misbehaves on completion requests in one of the request-level ways gateways get wrong (failoverbench); health probes still pass"),
  instant: false,
  references: (fault, context) => knownEndpoint(context, fault, true),
  describe: (fault) =>
    `${fault.class}${fault.class === "rate-limit-retry-after" ? ` (${fault.retry_after_s} s)` : ""} at ${fault.provider} in ${fault.region}${fault.model ? ` for ${fault.model}` : ""}${fault.times ? `, ${fault.times === 1 ? "once" : `${fault.times} times`}` : ""}`,
  region: (fault) => fault.region,
  world: {
    // A fault limited to `times` requests lets later ones through once spent.
    requestMisbehaviour: (fault, provider, region, model, taken) =>
      fault.region === region && fault.provider === provider && (fault.model ?? model) === model && (fault.times === undefined || taken < fault.times) ? fault : undefined,
  },
  impact: endpointImpact,
  menu: [
    {
      node: "endpoint",
      label: "Request fault",
      fromTarget: { region: "region", provider: "provider" },
      fixed: REQUEST_FAULT_DEFAULTS,
      params: [
        {
          type: "choice",
          field: "class",
          choices: REQUEST_FAULT_CLASSES.map((value) => ({ value, label: REQUEST_FAULT_LABELS[value] })),
          default: "rate-limit-retry-after",
          testId: "request-fault-class",
        },
        { type: "list-choice", field: "model", list: "models", noneLabel: "every model", testId: "request-fault-model" },
        { type: "flag", field: "times", label: "once", value: 1 },
      ],
      action: { label: "Inject", testId: "inject-request-fault" },
    },
  ],
});
