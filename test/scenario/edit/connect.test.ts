/**
 * The editor's edges: each kind of pair a field joins, drawn and erased, on eu-region-outage.yaml; each result
 * loads once written back into the file, the input is left as it was, and every refusal says what to do instead.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectEntities, disconnectEntities, type EntityRef } from "../../../engine/scenario/edit/connect";
import { removeEntity, type ScenarioDraft } from "../../../engine/scenario/edit/ops";
import { draftOf, saved } from "./saved";

const OUTAGE = readFileSync(join(import.meta.dirname, "../../../scenarios/eu-region-outage.yaml"), "utf8");

const region = (id: string): EntityRef => ({ entity: "region", id });
const provider = (id: string): EntityRef => ({ entity: "provider", id });
const model = (id: string): EntityRef => ({ entity: "model", id });
const callers = (id: string): EntityRef => ({ entity: "callers", id });

/** The edge both ways round: the same draft either way, the input untouched, and the result loading. */
function both(edit: typeof connectEntities, a: EntityRef, b: EntityRef, before: ScenarioDraft = draftOf(OUTAGE)): ScenarioDraft {
  const kept = structuredClone(before);
  const after = edit(before, a, b);
  expect(edit(before, b, a)).toEqual(after);
  expect(before).toEqual(kept);
  saved(OUTAGE, after);
  return after;
}

const deployments = (draft: ScenarioDraft, id: string) => draft.topology.providers.find((p) => p.id === id)!.deployments;
const logical = (draft: ScenarioDraft, id: string) => draft.topology.models.find((m) => m.id === id)!;
const population = (draft: ScenarioDraft, id: string) => draft.topology.callers.find((c) => c.id === id)!;

describe("a provider and a region", () => {
  it("connects as a deployment at a simulated endpoint, with the models the provider deploys elsewhere", () => {
    const after = both(connectEntities, provider("anthropic-sim"), region("eu-central"));
    expect(deployments(after, "anthropic-sim").at(-1)).toEqual({ region: "eu-central", endpoint: "https://anthropic-sim.eu-central.sim.test", models: ["claude-sonnet"] });
  });

  it("copies the model names once each, in first-seen order, as plain names", () => {
    const draft = draftOf(OUTAGE);
    deployments(draft, "anthropic-sim")[0]!.models = [{ model: "claude-sonnet", rpm: 60 }, "claude-haiku"];
    deployments(draft, "anthropic-sim")[1]!.models = ["claude-opus", "claude-sonnet"];
    const after = both(connectEntities, region("eu-central"), provider("anthropic-sim"), draft);
    expect(deployments(after, "anthropic-sim").at(-1)!.models).toEqual(["claude-sonnet", "claude-haiku", "claude-opus"]);
  });

  it("refuses a second deployment in the same region", () => {
    expect(() => connectEntities(draftOf(OUTAGE), provider("openai-sim"), region("eu-west"))).toThrow('provider "openai-sim" is already deployed in region "eu-west"');
  });

  it("disconnects by removing the deployment, pruning references to models deployed nowhere else", () => {
    expect(deployments(both(disconnectEntities, region("eu-west"), provider("anthropic-sim")), "anthropic-sim").map((d) => d.region)).toEqual(["us-east"]);
    const draft = draftOf(OUTAGE);
    deployments(draft, "anthropic-sim")[1]!.models = ["claude-haiku"];
    const after = both(disconnectEntities, provider("anthropic-sim"), region("eu-west"), draft);
    expect(logical(after, "chat-large").equivalents).toEqual([]);
  });

  it("refuses to erase a deployment that is not there, or the provider's only one", () => {
    expect(() => disconnectEntities(draftOf(OUTAGE), provider("anthropic-sim"), region("eu-central"))).toThrow('provider "anthropic-sim" is not deployed in region "eu-central"');
    const one = disconnectEntities(draftOf(OUTAGE), provider("anthropic-sim"), region("eu-west"));
    expect(() => disconnectEntities(one, provider("anthropic-sim"), region("us-east"))).toThrow(`region "us-east" is provider "anthropic-sim"'s only deployment: remove the provider instead`);
  });

  it("refuses, as a removal does, to prune away the last logical model", () => {
    const draft = removeEntity(removeEntity(draftOf(OUTAGE), "provider", "anthropic-sim"), "model", "chat-small");
    for (const d of deployments(draft, "openai-sim").slice(1)) d.models = ["gpt-4o-mini"];
    saved(OUTAGE, draft);
    expect(() => disconnectEntities(draft, provider("openai-sim"), region("eu-west"))).toThrow(
      'disconnecting provider "openai-sim" from region "eu-west" would leave no models: a scenario needs at least one',
    );
  });
});

describe("a logical model and a provider", () => {
  it("connects the provider's first model the logical model does not name yet, as the last equivalent", () => {
    const after = both(connectEntities, model("chat-small"), provider("openai-sim"));
    expect(logical(after, "chat-small")).toEqual({ id: "chat-small", serves: [{ provider: "openai-sim", model: "gpt-4o-mini" }], equivalents: [{ provider: "openai-sim", model: "gpt-4o" }] });
    const again = both(connectEntities, provider("anthropic-sim"), model("chat-small"), after);
    expect(logical(again, "chat-small").equivalents).toEqual([
      { provider: "openai-sim", model: "gpt-4o" },
      { provider: "anthropic-sim", model: "claude-sonnet" },
    ]);
  });

  it("counts a model named in long_context or content_policy_fallbacks as named", () => {
    const draft = draftOf(OUTAGE);
    logical(draft, "chat-small").long_context = [{ provider: "openai-sim", model: "gpt-4o" }];
    expect(() => connectEntities(draft, model("chat-small"), provider("openai-sim"))).toThrow('logical model "chat-small" already names every model provider "openai-sim" deploys');
  });

  it("connects into serves when nothing serves the logical model", () => {
    const draft = draftOf(OUTAGE);
    logical(draft, "chat-small").serves = [];
    expect(logical(connectEntities(draft, provider("anthropic-sim"), model("chat-small")), "chat-small").serves).toEqual([{ provider: "anthropic-sim", model: "claude-sonnet" }]);
  });

  it("refuses when the logical model already names every model the provider deploys", () => {
    expect(() => connectEntities(draftOf(OUTAGE), provider("anthropic-sim"), model("chat-large"))).toThrow('logical model "chat-large" already names every model provider "anthropic-sim" deploys');
  });

  it("disconnects every reference to the provider, the first equivalent moving up when nothing is left serving", () => {
    const draft = draftOf(OUTAGE);
    Object.assign(logical(draft, "chat-large"), {
      equivalents: [{ provider: "anthropic-sim", model: "claude-sonnet" }, { provider: "openai-sim", model: "gpt-4o-mini" }],
      long_context: [{ provider: "openai-sim", model: "gpt-4o" }],
      content_policy_fallbacks: [{ provider: "anthropic-sim", model: "claude-sonnet" }],
    });
    expect(logical(both(disconnectEntities, model("chat-large"), provider("openai-sim"), draft), "chat-large")).toEqual({
      id: "chat-large",
      serves: [{ provider: "anthropic-sim", model: "claude-sonnet" }],
      equivalents: [],
      long_context: [],
      content_policy_fallbacks: [{ provider: "anthropic-sim", model: "claude-sonnet" }],
    });
    expect(logical(both(disconnectEntities, provider("anthropic-sim"), model("chat-large"), draft), "chat-large")).toEqual({
      id: "chat-large",
      serves: [{ provider: "openai-sim", model: "gpt-4o" }],
      equivalents: [{ provider: "openai-sim", model: "gpt-4o-mini" }],
      long_context: [{ provider: "openai-sim", model: "gpt-4o" }],
      content_policy_fallbacks: [],
    });
  });

  it("refuses to leave nothing serving the logical model, or to erase a reference that is not there", () => {
    expect(() => disconnectEntities(draftOf(OUTAGE), provider("openai-sim"), model("chat-small"))).toThrow(
      'disconnecting logical model "chat-small" from provider "openai-sim" would leave nothing serving it: connect it to another provider first',
    );
    expect(() => disconnectEntities(draftOf(OUTAGE), provider("anthropic-sim"), model("chat-small"))).toThrow('logical model "chat-small" names no model of provider "anthropic-sim"');
  });
});

describe("callers", () => {
  it("connect to a logical model by asking for it", () => {
    expect(population(both(connectEntities, callers("eu-web"), model("chat-small")), "eu-web").model).toBe("chat-small");
  });

  it("connect to a region by moving there, their data's origin following when it was the old region's", () => {
    const moved = both(connectEntities, region("us-east"), callers("eu-batch"));
    expect(population(moved, "eu-batch")).toMatchObject({ region: "us-east", jurisdiction: "US" });
    const draft = draftOf(OUTAGE);
    population(draft, "eu-web").jurisdiction = "US";
    expect(population(both(connectEntities, callers("eu-web"), region("eu-central"), draft), "eu-web")).toMatchObject({ region: "eu-central", jurisdiction: "US" });
  });

  it("refuse to be disconnected: they are redrawn instead", () => {
    expect(() => disconnectEntities(draftOf(OUTAGE), callers("eu-web"), model("chat-large"))).toThrow("callers ask for exactly one logical model: connect them to another model instead");
    expect(() => disconnectEntities(draftOf(OUTAGE), region("eu-west"), callers("eu-web"))).toThrow("callers sit in exactly one region: connect them to another region instead");
  });
});

describe("pairs no field joins", () => {
  it.each([
    [region("eu-west"), region("us-east"), "regions are not joined by an edge: the round trip between two regions is set in topology.rtt_ms"],
    [model("chat-large"), region("eu-west"), "a logical model is not placed in a region: connect it to a provider, and the provider to the region"],
    [provider("openai-sim"), provider("anthropic-sim"), "providers are not joined to each other: connect each to a logical model, which falls back from one to the next"],
    [callers("eu-web"), provider("openai-sim"), "callers do not pick a provider: connect them to a logical model, and the model to a provider"],
    [model("chat-large"), model("chat-small"), "logical models are not joined to each other: callers ask for one, so connect the callers to the other instead"],
    [callers("eu-web"), callers("us-web"), "caller populations are not joined to each other: connect each to a region and a logical model"],
  ])("refuses %o and %o either way round, saying how they relate", (a, b, message) => {
    for (const edit of [connectEntities, disconnectEntities]) {
      expect(() => edit(draftOf(OUTAGE), a, b)).toThrow(message);
      expect(() => edit(draftOf(OUTAGE), b, a)).toThrow(message);
    }
  });

  it("refuses an end that does not exist, naming its kind and id", () => {
    expect(() => connectEntities(draftOf(OUTAGE), provider("openai-sim"), region("mars"))).toThrow('there is no region "mars"');
    expect(() => disconnectEntities(draftOf(OUTAGE), callers("nobody"), model("chat-large"))).toThrow('there is no callers "nobody"');
  });
});
