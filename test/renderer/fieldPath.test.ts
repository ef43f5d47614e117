import { describe, expect, it } from "vitest";
import type { ScenarioProblemView } from "../../engine/lab/contract";
import { deployedModels, fieldPath, problemsAt, rows, splitList, strings, text, valueAt, withMember, withModelNames, withModelRefs } from "../../renderer/editor/fieldPath";

const problem = (field: string): ScenarioProblemView => ({ file: "untitled.yaml", line: 1, column: 1, field, message: `${field} is wrong` });

describe("draft field paths", () => {
  it("writes keys dotted and list indexes in brackets, as the engine's problems do", () => {
    expect(fieldPath(["topology", "callers", 0, "rate_per_s"])).toBe("topology.callers[0].rate_per_s");
    expect(fieldPath(["topology", "providers", 2, "deployments", 0, "models", 1])).toBe("topology.providers[2].deployments[0].models[1]");
    expect(fieldPath(["policy"])).toBe("policy");
    expect(fieldPath([])).toBe("");
  });

  it("selects the problems of a field and of what it holds, not of a sibling sharing its first characters", () => {
    const problems = ["topology.callers[1]", "topology.callers[1].model", "topology.callers[10].region", "topology.regions", "director.ttl_s"].map(problem);
    expect(problemsAt(problems, ["topology", "callers", 1]).map((p) => p.field)).toEqual(["topology.callers[1]", "topology.callers[1].model"]);
    expect(problemsAt(problems, ["topology", "callers"]).map((p) => p.field)).toEqual(["topology.callers[1]", "topology.callers[1].model", "topology.callers[10].region"]);
    expect(problemsAt(problems, ["director", "ttl_s"])).toHaveLength(1);
  });
});

describe("draft values as the editor's inputs show and write them", () => {
  it("reads what a draft not yet valid holds, and nothing where the shape is wrong", () => {
    expect(rows({ topology: { regions: [{ id: "eu-1" }, "stray", null] } }, "regions")).toEqual([{ id: "eu-1" }]);
    expect(rows({ topology: "none" }, "regions")).toEqual([]);
    expect(rows({}, "callers")).toEqual([]);
    expect(valueAt({ director: { ttl_s: 30 } }, ["director", "ttl_s"])).toBe(30);
    expect(valueAt({ director: 5 }, ["director", "ttl_s"])).toBeUndefined();
    expect([text("EU"), text(0.5), text(false), text(undefined), text({ a: 1 }), text([1])]).toEqual(["EU", "0.5", "false", "", "", ""]);
  });

  it("splits a comma list, dropping empty entries", () => {
    expect(splitList(" a, b ,,c, ")).toEqual(["a", "b", "c"]);
    expect(splitList("  ")).toEqual([]);
  });

  it("keeps a deployment's model entry with its limits when its name is typed again", () => {
    const before = ["gpt-a", { model: "gpt-b", rpm: 60 }];
    expect(deployedModels(before)).toEqual(["gpt-a", "gpt-b"]);
    expect(withModelNames(before, ["gpt-b", "gpt-c"])).toEqual([{ model: "gpt-b", rpm: 60 }, "gpt-c"]);
  });

  it("splits provider/model at the first slash and keeps a reference's weight", () => {
    const before = [{ provider: "p1", model: "m", weight: 3 }];
    expect(withModelRefs(before, ["p1/m", "p2/meta-llama/Llama-3", "p3"])).toEqual([
      { provider: "p1", model: "m", weight: 3 },
      { provider: "p2", model: "meta-llama/Llama-3" },
      { provider: "p3", model: "" },
    ]);
  });

  it("ticks a name into a list once, or out of it, keeping the others' order", () => {
    expect(strings(["eu", 3, null])).toEqual(["eu", "3", ""]);
    expect(strings("eu")).toEqual([]);
    expect(withMember(["eu", "us"], "ap", true)).toEqual(["eu", "us", "ap"]);
    expect(withMember(["eu", "us"], "eu", true)).toEqual(["us", "eu"]);
    expect(withMember(["eu", "us", "eu"], "eu", false)).toEqual(["us"]);
    expect(withMember(undefined, "eu", true)).toEqual(["eu"]);
  });
});
