import { afterEach, describe, expect, it } from "vitest";
import { EngineSession, parseScenario, VirtualClock, seededRandom, type Scenario } from "../../engine";
import { allowedGatewayRegions } from "../../engine/gatewayResidency";
import { baseScenario } from "./helpers";

const scoped = (residency_scope: Scenario["policy"]["residency_scope"], outage_choice: Scenario["policy"]["outage_choice"] = "reject") =>
  baseScenario({ policy: { residency: { EU: ["EU"] }, residency_scope, outage_choice, transfer_mechanism: "SCC" } });
const all = () => true;
const none = () => false;

describe("allowedGatewayRegions", () => {
  it("offers every gateway under the model scope, and to origins without a rule", () => {
    expect(allowedGatewayRegions(scoped("model"), "EU", all)).toEqual(["eu-west", "eu-central", "us-east"]);
    expect(allowedGatewayRegions(scoped("gateway-and-model"), "US", all)).toEqual(["eu-west", "eu-central", "us-east"]);
  });

  it("offers EU callers only EU gateways under gateway-and-model, even when none serves, unless a transfer mechanism covers them", () => {
    expect(allowedGatewayRegions(scoped("gateway-and-model"), "EU", all)).toEqual(["eu-west", "eu-central"]);
    expect(allowedGatewayRegions(scoped("gateway-and-model"), "EU", none)).toEqual(["eu-west", "eu-central"]);
    expect(allowedGatewayRegions(scoped("gateway-and-model", "cross-border-with-consent"), "EU", none)).toEqual(["eu-west", "eu-central"]);
    const transfer = scoped("gateway-and-model", "cross-border-with-transfer-mechanism");
    expect(allowedGatewayRegions(transfer, "EU", (r) => r === "eu-central")).toEqual(["eu-west", "eu-central"]);
    expect(allowedGatewayRegions(transfer, "EU", none)).toEqual(["eu-west", "eu-central", "us-east"]);
  });

  it("is refused at load when a rule has no gateway to be received at", () => {
    const text = `revision: 1
name: x
duration_s: 60
topology:
  regions: [{ id: us-east, jurisdiction: US, location: Virginia }]
  providers: [{ id: p, deployments: [{ region: us-east, endpoint: "https://p.us-east.sim.test", models: [m] }] }]
  models: [{ id: chat, serves: [{ provider: p, model: m }] }]
  callers: [{ id: eu, region: us-east, jurisdiction: EU, model: chat, rate_per_s: 1 }]
policy:
  residency: { EU: [EU] }
  residency_scope: gateway-and-model
`;
    const result = parseScenario(text, "x.yaml");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatchObject({ field: "policy.residency.EU", message: expect.stringMatching(/needs a gateway in EU for EU-origin callers/) });
  });
});

describe("the traffic director under residency_scope gateway-and-model", () => {
  let session: EngineSession | undefined;
  afterEach(() => session?.close());

  for (const [scope, expected] of [
    ["model", ["us-east"]],
    // Both EU gateways are down: like Route 53 with every record unhealthy, the nearest of them all the same.
    ["gateway-and-model", ["eu-west"]],
  ] as const) {
    it(`answers an EU caller with ${expected.join(", ")} under ${scope} once both EU gateways are withdrawn`, async () => {
      const clock = new VirtualClock();
      session = new EngineSession(scoped(scope), { clock, random: seededRandom(1) });
      session.start();
      session.inject({ kind: "gateway-down", at_s: 0, region: "eu-west" });
      session.inject({ kind: "gateway-down", at_s: 0, region: "eu-central" });
      await clock.runUntil(100_000);
      expect([...session.director.withdrawn].sort()).toEqual(["eu-central", "eu-west"]);
      const random = seededRandom(7);
      const answers = new Set(Array.from({ length: 200 }, () => session!.director.route("eu-web", "eu-west", random)));
      expect([...answers].sort()).toEqual(expected);
    });
  }
});
