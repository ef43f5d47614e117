/**
 * Recovery (issue 13, items 1–3): a home jurisdiction whose targets are all in their half-open trial keeps its
 * requests; a recovered primary gets its trial and serves again within the bound of docs/RECOVERY.md; a
 * flapping only provider trips circuits but never fails its gateway, so the director withdraws nothing,
 * while a real outage is still withdrawn within its bound.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EngineSession, loadScenarioFile, seededRandom, VirtualClock, type LabEvent, type RequestRecord, type Scenario, type TransitionEvent } from "../../engine";
import { baseScenario } from "./helpers";

let session: EngineSession | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

async function play(scenario: Scenario, untilMs: number) {
  const clock = new VirtualClock();
  session = new EngineSession(scenario, { clock, random: seededRandom(scenario.seed) });
  const requests: RequestRecord[] = [];
  const transitions: TransitionEvent[] = [];
  session.subscribe((e: LabEvent) => {
    if (e.type === "request") requests.push(e.record);
    else if (e.type === "transition") transitions.push(e);
  });
  session.start();
  await clock.runUntil(untilMs);
  return { requests, transitions };
}

const EU_HEALS = loadScenarioFile(join(import.meta.dirname, "..", "fixtures", "recovery", "eu-heals.yaml"));
const EU_TARGETS = ["openai-sim@eu-west/gpt-4o", "openai-sim@eu-central/gpt-4o"];

/**
 * Whether gateway `region` had an EU target that was not down (probes passing, circuit not open) when it
 * decided a request sent at `t`, read from the transitions alone; undefined when one changed at that very ms.
 */
function euAvailable(transitions: readonly TransitionEvent[], region: string, t: number): boolean | undefined {
  const unhealthy = new Set<string>();
  const open = new Set<string>();
  for (const e of transitions) {
    if (e.t > t) break;
    if (e.t === t) return undefined;
    const [gateway, target] = e.subject.split("→");
    if (gateway !== region || !EU_TARGETS.includes(target!)) continue;
    if (e.machine === "target-health") (e.to === "unhealthy" ? unhealthy.add(target!) : unhealthy.delete(target!));
    if (e.machine === "circuit") (e.to === "open" ? open.add(target!) : open.delete(target!));
  }
  return EU_TARGETS.some((target) => !unhealthy.has(target) && !open.has(target));
}

describe("a recovering home jurisdiction (item 1)", () => {
  it("under a transfer mechanism, sends no EU request abroad while an EU target is up, even with every EU target in trial", async () => {
    const { requests, transitions } = await play(EU_HEALS, 150_000);
    const abroad = requests.filter((r) => r.policy?.crossBorder);
    // The outage itself sent requests abroad, lawfully: the fixture exercises the transfer mechanism.
    expect(abroad.filter((r) => euAvailable(transitions, r.gateway, r.sentAt) === false).length).toBeGreaterThan(100);
    expect(abroad.filter((r) => euAvailable(transitions, r.gateway, r.sentAt) === true).map((r) => `${r.requestId} at ${r.sentAt} ms via ${r.gateway}`)).toEqual([]);
    // Every EU request after the heal, once the EU's probes pass again (3 × 10 s), is served in the EU.
    const late = requests.filter((r) => r.sentAt >= 80_000 + 32_000);
    expect(late.length).toBeGreaterThan(500);
    expect(late.filter((r) => r.outcome !== "ok" || r.servedBy!.jurisdiction !== "EU")).toEqual([]);
    // A gateway that came back does not fall over again because its target is in its trial.
    expect(transitions.filter((t) => t.machine === "gateway" && t.from === "recovering" && t.to === "failed")).toEqual([]);
  });

  it("under reject, refuses no EU request while an EU target is up", async () => {
    const scenario = { ...EU_HEALS, policy: { ...EU_HEALS.policy, outage_choice: "reject" as const } };
    const { requests, transitions } = await play(scenario, 150_000);
    const refused = requests.filter((r) => r.rejectedBy === "residency");
    expect(refused.filter((r) => euAvailable(transitions, r.gateway, r.sentAt) === false).length).toBeGreaterThan(100);
    expect(refused.filter((r) => euAvailable(transitions, r.gateway, r.sentAt) === true).map((r) => `${r.requestId} at ${r.sentAt} ms via ${r.gateway}`)).toEqual([]);
  });
});
