/** The identity provider signs with a new key and drops the old one from its JWKS (a compromise rotation). */
import { z } from "zod";
import { needsIdentity } from "./common";
import { defineFault, timing } from "./kind";

export const keyRotation = defineFault({
  kind: "key-rotation",
  schema: z.strictObject({ kind: z.literal("key-rotation"), ...timing }).describe("The identity provider signs with a new key and drops the old one from its JWKS (a compromise rotation)"),
  instant: true,
  references: (fault, context) => needsIdentity(context, fault.kind),
  describe: () => "identity provider signing key rotated (old key dropped)",
  region: () => "global",
  world: { rotatesSigningKey: () => true },
  impact: { identityDetects: (_fault, event) => event.subject === `${event.region} jwks` },
  menu: [{ node: "identity", label: "Rotate the signing key (drop the old one)", testId: "key-rotation", requires: "idpRegions", fromTarget: {}, fixed: {}, params: [] }],
});
