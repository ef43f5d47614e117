/** One line naming a fault for people: the drill summary, the app's timeline and audit inspector. */
import type { FaultSpec } from "./schema";

export function describeFault(fault: FaultSpec): string {
  switch (fault.kind) {
    case "region-outage":
      return `region outage in ${fault.region}${fault.provider ? ` (${fault.provider})` : ""}, ${fault.behaviour}`;
    case "model-outage":
      return `${fault.model} down at ${fault.provider} in ${fault.region}`;
    case "latency":
      return `+${fault.added_ms} ms between ${fault.from} and ${fault.to}`;
    case "error-rate":
      return `${Math.round(fault.rate * 100)} % HTTP ${fault.status} at ${fault.provider} in ${fault.region}`;
    case "request-fault":
      return `${fault.class}${fault.class === "rate-limit-retry-after" ? ` (${fault.retry_after_s} s)` : ""} at ${fault.provider} in ${fault.region}${fault.model ? ` for ${fault.model}` : ""}${fault.times ? `, ${fault.times === 1 ? "once" : `${fault.times} times`}` : ""}`;
    case "gateway-down":
      return `gateway ${fault.region} down`;
    case "audit-partition":
      return `audit destination unreachable from ${fault.region}`;
    case "idp-partition":
      return `identity provider unreachable from ${fault.region}`;
    case "idp-outage":
      return `identity provider down in ${fault.region}`;
    case "key-rotation":
      return "identity provider signing key rotated (old key dropped)";
    case "token-revocation":
      return `tokens of ${fault.population} revoked`;
  }
}
