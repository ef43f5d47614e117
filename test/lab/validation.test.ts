import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, type CommandName, type CommandPayload, type CommandResults, type LabBackend } from "../../engine/lab/contract";
import { commandSchemas, parseCommand, serveCommand } from "../../engine/lab/validation";

/** A backend that records what reaches it and answers nothing. */
function recordingBackend() {
  const received: { name: CommandName; input: unknown }[] = [];
  const backend: LabBackend = {
    execute: async <K extends CommandName>(name: K, input: CommandPayload<K>): Promise<CommandResults[K]> => {
      received.push({ name, input });
      throw new Error(`${name} reached the engine`);
    },
    subscribe: () => () => undefined,
  };
  return { backend, received };
}

describe("command validation", () => {
  it("has a schema for every command of the contract, and none besides", () => {
    expect(Object.keys(commandSchemas).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it("refuses an unknown command, a wrong payload and a null payload before the engine sees them", async () => {
    const { backend, received } = recordingBackend();
    expect(await serveCommand(backend, "format", {})).toEqual({ ok: false, error: 'unknown command "format"' });
    expect(await serveCommand(backend, 7, {})).toEqual({ ok: false, error: "unknown command 7" });
    expect(await serveCommand(backend, "play", { now: true })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid play payload/) });
    expect(await serveCommand(backend, "runTo", { ms: -1 })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid runTo payload: ms:/) });
    // null is a payload, unlike an absent one, and no command takes it.
    for (const name of ["play", "getSnapshot", "runTo"]) expect(await serveCommand(backend, name, null)).toMatchObject({ ok: false, error: expect.stringMatching(new RegExp(`^invalid ${name} payload`)) });
    expect(await serveCommand(backend, "play", [])).toMatchObject({ ok: false });
    expect(received).toEqual([]);
  });

  it("refuses a sweep of more than 200 seeds, a backwards range or fractional seeds", () => {
    expect(parseCommand("sweepLoaded", { from: 1, to: 200 })).toEqual({ ok: true, name: "sweepLoaded", input: { from: 1, to: 200 } });
    expect(parseCommand("sweepLoaded", { from: 0, to: 1000 })).toMatchObject({ ok: false, error: expect.stringContaining("at most 200 seeds") });
    expect(parseCommand("sweepLoaded", { from: 1, to: 201 })).toMatchObject({ ok: false, error: expect.stringContaining("at most 200 seeds") });
    expect(parseCommand("sweepLoaded", { from: 5, to: 4 })).toMatchObject({ ok: false, error: expect.stringContaining("from must not be above to") });
    expect(parseCommand("sweepLoaded", { from: 1.5, to: 4 })).toMatchObject({ ok: false });
    expect(parseCommand("sweepLoaded", { from: -1, to: 4 })).toMatchObject({ ok: false });
  });

  it("takes an absent payload as no arguments, and hands the parsed input on", async () => {
    const { backend, received } = recordingBackend();
    expect(await serveCommand(backend, "play", undefined)).toEqual({ ok: false, error: "play reached the engine" });
    expect(parseCommand("injectFault", { fault: { kind: "request-fault", region: "eu-west", provider: "openai", class: "stream-cut" } })).toEqual({
      ok: true,
      name: "injectFault",
      // Defaults filled in: the handler receives the contract's input, not the wire's.
      input: { fault: { kind: "request-fault", region: "eu-west", provider: "openai", class: "stream-cut", retry_after_s: 2, first_token_ms: 30_000, after_chunks: 3 } },
    });
    expect(received).toEqual([{ name: "play", input: {} }]);
  });

  it("filters audit pages by every outcome a request record can have, cancelled included, and by no other", () => {
    for (const outcome of ["ok", "error", "rejected", "cancelled"])
      expect(parseCommand("auditPage", { filter: { outcome }, offset: 0, limit: 10 }), outcome).toMatchObject({ ok: true, input: { filter: { outcome } } });
    expect(parseCommand("auditPage", { filter: { outcome: "served" }, offset: 0, limit: 10 })).toMatchObject({ ok: false, error: expect.stringContaining("filter.outcome") });
  });

  it("takes an edge between two entities, and refuses a forged one", () => {
    const edit = (op: unknown) => parseCommand("editDraft", { baseText: "", draft: {}, op });
    const region = { entity: "region", id: "eu-west" };
    const provider = { entity: "provider", id: "openai-sim" };
    for (const op of ["connect", "disconnect"]) expect(edit({ op, from: region, to: provider })).toMatchObject({ ok: true, input: { op: { op, from: region, to: provider } } });
    expect(edit({ op: "connect", from: region, to: { entity: "gateway", id: "eu-west" } })).toMatchObject({ ok: false, error: expect.stringContaining("op.to.entity") });
    expect(edit({ op: "connect", from: { ...region, weight: 2 }, to: provider })).toMatchObject({ ok: false, error: expect.stringContaining("weight") });
    expect(edit({ op: "connect", from: region, to: provider, label: "x" })).toMatchObject({ ok: false, error: expect.stringContaining("label") });
    expect(edit({ op: "disconnect", from: region })).toMatchObject({ ok: false, error: expect.stringContaining("op.to") });
    expect(edit({ op: "connect", from: { entity: "region", id: "" }, to: provider })).toMatchObject({ ok: false });
  });

  it("refuses a fault with timing: the host takes it from the clock", () => {
    expect(parseCommand("injectFault", { fault: { kind: "gateway-down", region: "eu-west", at_s: 5 } })).toMatchObject({ ok: false });
  });
});
