/** One line naming a fault for people: the drill summary, the app's timeline and audit inspector. */
import { faultKind } from "../faults/registry";
import type { FaultSpec } from "./schema";

export function describeFault(fault: FaultSpec): string {
  return faultKind(fault).describe(fault);
}
