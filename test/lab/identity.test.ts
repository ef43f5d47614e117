/**
 * The identity provider through the app's validated command channel: the snapshot carries each gateway's
 * cache and policy only for a scenario with an identity provider, the IdP's faults inject like any other,
 * an instant one cannot be healed, and an identity fault in a scenario without an IdP is refused by name.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LabController } from "../../engine/lab/controller";
import type { CommandReply, LabSnapshot } from "../../engine/lab/contract";
import { serveCommand } from "../../engine/lab/validation";
import { scenarioFolder } from "../../host/scenarioLibrary";

let controller: LabController | undefined;
afterEach(() => controller?.close());

async function open(name: string) {
  controller = new LabController({ scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")), wallNow: () => 0, waitWallMs: async () => undefined });
  const send = (command: string, payload: unknown = {}): Promise<CommandReply> => serveCommand(controller!, command, payload);
  expect(await send("loadScenario", { source: "library", name })).toMatchObject({ ok: true });
  const result = async <T>(command: string, payload: unknown = {}): Promise<T> => {
    const reply = await send(command, payload);
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as T;
  };
  const snapshot = () => result<LabSnapshot>("getSnapshot");
  return { send, result, snapshot };
}

describe("identity in the app's engine", () => {
  it("a scenario without an identity provider has none in the snapshot, and refuses its faults by name", async () => {
    const { send, snapshot } = await open("eu-region-outage.yaml");
    expect((await snapshot()).identity).toBeNull();
    expect(await send("injectFault", { fault: { kind: "idp-partition", region: "eu-west" } })).toEqual({
      ok: false,
      error: "cannot inject idp-partition: kind: idp-partition needs an identity section: without one there is no identity provider",
    });
  });

  it("shows each gateway's cache age and policy, rotates the key on command, and will not heal a rotation", async () => {
    const { send, result, snapshot } = await open("idp-multi-region.yaml");
    await send("runTo", { ms: 30_000 });
    const identity = (await snapshot()).identity!;
    expect(identity).toMatchObject({ regions: ["eu-central", "us-east"], down: [], onUnreachable: "cached", maxStalenessS: 300 });
    expect(identity.gateways.map((g) => [g.region, g.state, g.source])).toEqual([
      ["eu-west", "fresh", "eu-central"],
      ["eu-central", "fresh", "eu-central"],
      ["us-east", "fresh", "us-east"],
    ]);
    for (const gateway of identity.gateways) expect(gateway.cacheAgeMs!).toBeLessThan(30_000);
    const { faultId } = await result<{ faultId: string }>("injectFault", { fault: { kind: "key-rotation" } });
    expect(await send("heal", { faultId })).toEqual({ ok: false, error: "fault u1 is a key-rotation, which happened at an instant and cannot heal" });
    await send("runTo", { ms: 95_000 });
    const transitions = await result<{ rows: { summary: string }[] }>("auditPage", { filter: { kind: "transition" }, offset: 0, limit: 500 });
    const summaries = transitions.rows.map((r) => r.summary);
    expect(summaries).toContain("identity-provider signing key: k1 → k2");
    expect(summaries).toContain("identity eu-west jwks: k1 → k2");
    expect(await send("injectFault", { fault: { kind: "idp-outage", region: "eu-west" } })).toMatchObject({
      ok: false,
      error: 'cannot inject idp-outage: region: the identity provider is not served from "eu-west" (identity.regions: eu-central, us-east)',
    });
  });
});
