/**
 * Every fault kind, in the order the schema lists them and the app's menus offer them. A new kind is a new
 * file in this folder and one line here.
 */
import { auditDestinationOutage } from "./audit-destination-outage";
import { auditPartition } from "./audit-partition";
import { errorRate } from "./error-rate";
import { gatewayDown } from "./gateway-down";
import { idpOutage } from "./idp-outage";
import { idpPartition } from "./idp-partition";
import { keyRotation } from "./key-rotation";
import type { FaultKindModule } from "./kind";
import { latency } from "./latency";
import { latencyRamp } from "./latency-ramp";
import type { FaultMenuEntry } from "./menu";
import { modelOutage } from "./model-outage";
import { providerSlowdown } from "./provider-slowdown";
import { regionOutage } from "./region-outage";
import { regionPartition } from "./region-partition";
import { requestFault } from "./request-fault";
import { tokenRevocation } from "./token-revocation";
import { trafficSurge } from "./traffic-surge";

export const FAULT_KINDS = [regionOutage, modelOutage, latency, errorRate, requestFault, gatewayDown, auditPartition, idpPartition, idpOutage, keyRotation, tokenRevocation, latencyRamp, providerSlowdown, trafficSurge, regionPartition, auditDestinationOutage] as const;

type FaultKindSchema = (typeof FAULT_KINDS)[number]["schema"];
/** Each kind's schema, for the scenario schema's discriminated union. */
export const FAULT_SCHEMAS: readonly [FaultKindSchema, ...FaultKindSchema[]] = [FAULT_KINDS[0].schema, ...FAULT_KINDS.slice(1).map((kind) => kind.schema)];

/** A fault of any kind, as a scenario states it (defaults filled in). */
export type Fault = FaultKindSchema["_zod"]["output"];
export type FaultKind = Fault["kind"];

/** What the engine asks of a kind, for a fault of any kind. */
export type FaultBehaviour = FaultKindModule<Fault>;

const byKind = new Map<FaultKind, FaultBehaviour>(FAULT_KINDS.map((kind) => [kind.kind, kind]));

/** The kind's module of a fault. */
export function faultKind(fault: { readonly kind: FaultKind }): FaultBehaviour {
  const kind = byKind.get(fault.kind);
  if (!kind) throw new Error(`unknown fault kind "${fault.kind}"`);
  return kind;
}

/** Faults that happen at an instant (the identity provider acts once) rather than hold until healed. */
export const INSTANT_FAULTS: ReadonlySet<FaultKind> = new Set(FAULT_KINDS.filter((kind) => kind.instant).map((kind) => kind.kind));

/** The app's fault menus, every kind's entries in registry order. */
export const FAULT_MENU: readonly FaultMenuEntry[] = FAULT_KINDS.flatMap(({ kind, instant, menu }) => menu.map((offer) => ({ ...offer, kind, heals: !instant })));
