/** The identity provider revokes the tokens a caller population holds now. */
import { z } from "zod";
import { id } from "../scenario/sections/fields";
import { knownPopulation, needsIdentity } from "./common";
import { defineFault, timing } from "./kind";

export const tokenRevocation = defineFault({
  kind: "token-revocation",
  schema: z.strictObject({ kind: z.literal("token-revocation"), ...timing, population: id }).describe("The identity provider revokes the tokens a caller population holds now"),
  instant: true,
  references: (fault, context) => [...needsIdentity(context, fault.kind), ...knownPopulation(context, fault.population)],
  describe: (fault) => `tokens of ${fault.population} revoked`,
  region: () => "global",
  world: { revokedPopulation: (fault) => fault.population },
  impact: { identityDetects: (_fault, event) => event.subject === `${event.region} revocations` },
  menu: [],
});
