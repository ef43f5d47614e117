import { afterEach, describe, expect, it } from "vitest";
import { EngineSession, VirtualClock, seededRandom, type LabEvent, type Scenario } from "../../engine";
import { baseScenario } from "./helpers";

let session: EngineSession | undefined;
afterEach(() => session?.close());

function start(director: Scenario["director"]) {
  const scenario = baseScenario({
    director,
    topology: { ...baseScenario().topology, callers: [{ id: "dublin", region: "eu-west", jurisdiction: "EU", model: "chat-large", rate_per_s: 0.001, clients: 100 }] },
  });
  const clock = new VirtualClock();
  session = new EngineSession(scenario, { clock, random: seededRandom(1) });
  const events: LabEvent[] = [];
  session.subscribe((e) => events.push(e));
  session.start();
  return { clock, events, session, random: seededRandom(99) };
}

const answers = (s: EngineSession, random: ReturnType<typeof seededRandom>, n = 400) => {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const region = s.director.route("dublin", "eu-west", random);
    counts[region] = (counts[region] ?? 0) + 1;
  }
  return counts;
};

const dns = { mode: "dns", ttl_s: 60, layout: "active-active", balancing: "proximity", check_interval_s: 10, failure_threshold: 3 } as const;

describe("TrafficDirector", () => {
  it("withdraws a dead gateway after three failed checks (Route 53 style) and restores it after three good ones", async () => {
    const { clock, events, session } = start(dns);
    session.inject({ kind: "gateway-down", at_s: 0, region: "eu-west" });
    await clock.runUntil(40_000);
    const director = events.filter((e) => e.type === "transition" && e.machine === "director");
    expect(director).toHaveLength(1);
    expect(director[0]).toMatchObject({ subject: "eu-west", to: "regionsWithdrawn", cause: expect.stringMatching(/3 consecutive health checks failed/) });
    const t = (director[0] as { t: number }).t;
    expect(t).toBeGreaterThanOrEqual(20_000);
    expect(t).toBeLessThanOrEqual(32_000);
    session.heal("u1");
    await clock.runUntil(80_000);
    expect(session.director.withdrawn.size).toBe(0);
  });

  it("in DNS mode keeps sending cached callers to the dead region until their TTL runs out", async () => {
    const { clock, session, random } = start(dns);
    expect(answers(session, random)).toEqual({ "eu-west": 400 });
    session.inject({ kind: "gateway-down", at_s: 0, region: "eu-west" });
    await clock.runUntil(35_000);
    expect(session.director.withdrawn.has("eu-west")).toBe(true);
    const soon = answers(session, random);
    // Resolvers refresh at spread-out moments: those not refreshed since the withdrawal still say eu-west.
    expect(soon["eu-west"]).toBeGreaterThan(50);
    expect(soon["eu-central"]).toBeGreaterThan(50);
    await clock.runUntil(35_000 + 60_000);
    expect(answers(session, random)).toEqual({ "eu-central": 400 });
  });

  it("in anycast mode follows the withdrawal at once", async () => {
    const { clock, session, random } = start({ ...dns, mode: "anycast" });
    session.inject({ kind: "gateway-down", at_s: 0, region: "eu-west" });
    await clock.runUntil(35_000);
    expect(answers(session, random)).toEqual({ "eu-central": 400 });
  });

  it("active-passive sends everyone to the primary and promotes the nearest standby when it fails", async () => {
    const { clock, events, session, random } = start({ ...dns, mode: "anycast", layout: "active-passive", primary: "us-east" });
    expect(answers(session, random)).toEqual({ "us-east": 400 });
    session.inject({ kind: "gateway-down", at_s: 0, region: "us-east" });
    await clock.runUntil(35_000);
    expect(events.find((e) => e.type === "transition" && e.machine === "director")).toMatchObject({ from: "primaryActive", to: "standbyPromoted" });
    expect(answers(session, random)).toEqual({ "eu-west": 400 });
  });

  it("balances by weights in active-active", () => {
    const { session, random } = start({ ...dns, mode: "anycast", balancing: "weights", weights: { "eu-west": 1, "eu-central": 3 } });
    const counts = answers(session, random, 4000);
    expect(counts["us-east"]).toBeUndefined();
    expect(counts["eu-central"]! / 4000).toBeGreaterThan(0.7);
    expect(counts["eu-central"]! / 4000).toBeLessThan(0.8);
  });

  it("told to, drains a region whose local provider's status page says degraded, and restores it once the page reads operational", async () => {
    const { clock, events, session } = start({ ...dns, drain_on_provider_status: true });
    // A slowdown by a factor of 1 changes nothing but the status page, 120 s late both ways; gateways poll it every 60 s.
    const fault = session.inject({ kind: "provider-slowdown", at_s: 0, region: "eu-west", provider: "anthropic-sim", factor: 1 });
    await clock.runUntil(115_000);
    expect(session.director.withdrawn.size).toBe(0);
    await clock.runUntil(220_000);
    const director = () => events.filter((e) => e.type === "transition" && e.machine === "director");
    expect(director()).toMatchObject([{ subject: "eu-west", to: "regionsWithdrawn", cause: "eu-west withdrawn: 3 consecutive health checks failed (last: status page of anthropic-sim not operational)" }]);
    session.heal(fault);
    await clock.runUntil(335_000);
    expect(session.director.withdrawn.has("eu-west")).toBe(true);
    await clock.runUntil(450_000);
    expect(director()).toMatchObject([{ to: "regionsWithdrawn" }, { subject: "eu-west", to: "allServing", cause: "eu-west restored: 3 consecutive health checks passed" }]);
  });
});
