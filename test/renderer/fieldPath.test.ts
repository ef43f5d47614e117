import { describe, expect, it } from "vitest";
import type { ScenarioProblemView } from "../../engine/lab/contract";
import { fieldPath, problemsAt } from "../../renderer/editor/fieldPath";

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
