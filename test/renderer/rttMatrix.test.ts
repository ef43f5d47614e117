import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../engine/scenario/load";
import { Topology } from "../../engine/topology";
import { DEFAULT_RTT_MS } from "../../renderer/editor/options";
import { rttCell, rttIndex, withRtt } from "../../renderer/editor/rttMatrix";

const entries = [
  ["eu", "us", 80],
  ["us", "ap", 150],
];

describe("round trips as a matrix of regions", () => {
  it("reads a pair in either order, and nothing where the list has none or is not a list", () => {
    expect(rttCell(entries, "us", "eu")).toBe("80");
    expect(rttCell(entries, "ap", "us")).toBe("150");
    expect(rttIndex(entries, "ap", "us")).toBe(1);
    expect(rttCell(entries, "eu", "ap")).toBe("");
    expect(rttIndex(entries, "eu", "ap")).toBe(-1);
    expect(rttCell("none", "eu", "us")).toBe("");
    expect(rttCell([null, "stray", ["eu", "us", "soon"]], "eu", "us")).toBe("soon");
  });

  it("writes a pair in its entry's place and order, or appends a new one", () => {
    expect(withRtt(entries, "us", "eu", 90)).toEqual([
      ["eu", "us", 90],
      ["us", "ap", 150],
    ]);
    expect(withRtt(entries, "eu", "ap", 200)).toEqual([...entries, ["eu", "ap", 200]]);
    expect(withRtt(undefined, "eu", "us", 70)).toEqual([["eu", "us", 70]]);
  });

  it("removes an emptied pair, keeping what it cannot read", () => {
    expect(withRtt([...entries, "stray"], "eu", "us", undefined)).toEqual([["us", "ap", 150], "stray"]);
  });

  it("resolves a pair given twice to the first entry's place", () => {
    const twice = [["eu", "us", 80], ["us", "ap", 150], ["us", "eu", 85]];
    expect(withRtt(twice, "eu", "us", 60)).toEqual([
      ["eu", "us", 60],
      ["us", "ap", 150],
    ]);
    expect(withRtt(twice, "eu", "us", undefined)).toEqual([["us", "ap", 150]]);
  });

  it("shows an empty cell as the round trip the engine assumes for a pair not given", () => {
    const scenario = loadScenarioFile(join(import.meta.dirname, "..", "..", "scenarios", "idp-multi-region.yaml"));
    const topology = new Topology({ ...scenario, topology: { ...scenario.topology, rtt_ms: [] } });
    expect(topology.rttMs("eu-west", "us-east")).toBe(DEFAULT_RTT_MS);
  });
});
