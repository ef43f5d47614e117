/**
 * What a reset leaves behind (issue 14, item 14): a run replaced mid-flight must be collectable, and a run
 * closed while its gateways still finish attempts must not break the audit writer thread the next run uses.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AuditSystem, VirtualClock } from "../../engine";
import { Lab } from "../../engine/lab/lab";
import { runTo } from "../../engine/lab/playback";
import { scenarioFolder } from "../../host/scenarioLibrary";
import { loadScenarioFile } from "../../engine";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const scenarioFile = join(import.meta.dirname, "../../scenarios/eu-outage-reject.yaml");

describe("a run's resources", () => {
  const lab = new Lab({ scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")), wallNow: () => 0, waitWallMs: async () => undefined });
  afterAll(async () => {
    await lab.stopPlaying();
    lab.run?.close();
  });

  it("a run reset mid-flight, requests waiting on its providers, is collected", async () => {
    const scenario = loadScenarioFile(scenarioFile);
    let replaced = 0;
    let collected = 0;
    const runs = new FinalizationRegistry<void>(() => collected++);
    await lab.replaceRun(lab.newRun(scenario, "", "eu-outage-reject.yaml"));
    for (let i = 0; i < 2; i++) {
      // Requests are always waiting on a provider's answer (service takes about a second).
      await runTo(lab, 20_000);
      expect(lab.run!.session.inflight.size).toBeGreaterThan(0);
      runs.register(lab.run!, undefined);
      await lab.replaceRun(lab.newRun(scenario, "", "eu-outage-reject.yaml"));
      replaced++;
    }
    for (let i = 0; i < 5 && collected < replaced; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(collected).toBe(replaced);
  }, 120_000);

  it("an audit system records nothing once closed, and the writer thread goes on serving the others", () => {
    const config = { pattern: "central", destination: "eu-west", flush_interval_ms: 1_000, on_unreachable: "buffer", high_risk_durable_in: "destination", high_risk_replicas: 1 } as const;
    const open = () => {
      const system = AuditSystem.open({ config, regions: ["eu-west"], clock: new VirtualClock(), rttMs: () => 1, reachable: () => true, onTransition: () => undefined });
      system.start();
      return system;
    };
    const closed = open();
    closed.close();
    // A gateway of a run reset mid-flight finishing its attempt: a transition, then its request.
    closed.record({ kind: "transition", t: 5, region: "eu-west", machine: "circuit", subject: "x", from: "closed", to: "open", cause: "test" });
    closed.flushAll();
    const next = open();
    try {
      next.record({ kind: "request", t: 1, region: "eu-west", requestId: "r1", outcome: "ok" });
      next.flushAll();
      expect(next.findRequest("r1").map((found) => found.store)).toEqual(["canonical"]);
    } finally {
      next.close();
    }
  });
});
