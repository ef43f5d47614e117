import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasStateLabel, stateLabel, timelineText, transitionText } from "../../renderer/stateLabels";

const MACHINES_DIR = join(import.meta.dirname, "..", "..", "engine", "machines");

interface StateNodeLike {
  readonly key: string;
  readonly states: Readonly<Record<string, StateNodeLike>>;
}

/** Every state id of a machine, nested ones included, read from its definition. */
function stateIds(node: StateNodeLike): string[] {
  return Object.values(node.states).flatMap((child) => [child.key, ...stateIds(child)]);
}

/** Each XState machine exported by a file of engine/machines/, by file and export name. */
async function machines(): Promise<{ name: string; root: StateNodeLike }[]> {
  const files = readdirSync(MACHINES_DIR).filter((f) => f.endsWith(".ts"));
  const modules = await Promise.all(files.map(async (file) => ({ file, exports: (await import(join(MACHINES_DIR, file))) as Record<string, unknown> })));
  return modules.flatMap(({ file, exports }) =>
    Object.entries(exports)
      .filter((entry): entry is [string, { root: StateNodeLike }] => typeof entry[1] === "object" && entry[1] !== null && "root" in entry[1] && "config" in entry[1])
      .map(([name, machine]) => ({ name: `${file}:${name}`, root: machine.root })),
  );
}

describe("state labels", () => {
  it("has words for every state of every machine in engine/machines/", async () => {
    const found = await machines();
    expect(found.map((m) => m.name).sort()).toEqual(expect.arrayContaining(["circuit.ts:circuitMachine", "director.ts:directorMachine", "gateway.ts:gatewayMachine"]));
    const missing = found.flatMap((m) => stateIds(m.root).filter((id) => !hasStateLabel(id)).map((id) => `${m.name} ${id}`));
    expect(missing).toEqual([]);
  });

  it("writes camelCase ids as words", () => {
    expect(["allServing", "regionsWithdrawn", "standbyPromoted", "halfOpen", "degraded"].map(stateLabel)).toEqual(["all serving", "regions withdrawn", "standby promoted", "half-open", "degraded"]);
  });

  it("shows an id it has no words for as it is, rather than hiding the state", () => {
    expect(stateLabel("someNewState")).toBe("someNewState");
  });
});

describe("a state change in words", () => {
  it("words both states, for the timeline and the audit inspector", () => {
    const change = { machine: "circuit", subject: "eu-west→openai-sim@eu-west/gpt-4o", from: "open", to: "halfOpen", cause: "open for 30 s" };
    expect(transitionText(change)).toBe("circuit eu-west→openai-sim@eu-west/gpt-4o: open → half-open");
    expect(transitionText({ ...change, machine: "director", subject: "global", from: "allServing", to: "regionsWithdrawn" })).toBe("director global: all serving → regions withdrawn");
  });

  it("words a timeline item's state change with its cause, for the timeline and the scrubber's ticks", () => {
    const transition = { machine: "director", subject: "eu-west", from: "allServing", to: "regionsWithdrawn", cause: "3 checks failed" };
    const item = { n: 1, t: 0, kind: "transition" as const, region: "eu-west", text: "director eu-west: allServing → regionsWithdrawn (3 checks failed)" };
    expect(timelineText({ ...item, transition })).toBe("director eu-west: all serving → regions withdrawn (3 checks failed)");
    expect(timelineText({ ...item, kind: "command", text: "inject u1: eu-west down" })).toBe("inject u1: eu-west down");
  });
});
