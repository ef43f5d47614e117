/**
 * The engine's cost on top of its transport, measured so that a shared VM's drifting speed cancels out:
 * one engine session runs the bench scenario in slices of 20 virtual seconds, and between slices 1,000
 * bare `fetch` calls go through the very same MSW server (a second host attached beside the session's
 * world). Both sides see the same process, heap and moment; the ratio of their rates is what the engine,
 * health, state machines and audit appends cost.
 */
import { EngineSession, seededRandom, VirtualClock, type Scenario } from "../engine";
import { attachWorld, reply, WORLD_HEADER } from "../engine";

export interface InterleavedResult {
  readonly bareRate: number;
  readonly simulationRate: number;
}

const SLICE_MS = 20_000;
const BARE_PER_SLICE = 1_000;

export async function interleaved(scenario: Scenario, slices: number): Promise<InterleavedResult> {
  const clock = new VirtualClock();
  const session = new EngineSession(scenario, { clock, random: seededRandom(scenario.seed) });
  let requests = 0;
  session.subscribe((event) => {
    if (event.type === "request") requests++;
  });
  const detach = attachWorld("bench-bare", {
    handle: async (request) => {
      const body = (await request.json()) as { model: string };
      return reply.json({ id: "x", object: "chat.completion", model: body.model, choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    },
  });
  let bareMs = 0;
  let bareRequests = 0;
  let simulationMs = 0;
  let simulated = 0;
  try {
    session.start();
    await clock.runUntil(SLICE_MS); // warm-up, not counted
    for (let slice = 0; slice < slices; slice++) {
      let started = performance.now();
      for (let i = 0; i < BARE_PER_SLICE; i++) {
        const response = await fetch("https://bare.bench.test/v1/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json", [WORLD_HEADER]: "bench-bare" },
          body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: `request ${i}` }] }),
        });
        await response.text();
        if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
      }
      bareMs += performance.now() - started;
      bareRequests += BARE_PER_SLICE;
      const before = requests;
      started = performance.now();
      await clock.runUntil(clock.now() + SLICE_MS);
      simulationMs += performance.now() - started;
      simulated += requests - before;
    }
  } finally {
    detach();
    session.close();
    session.audit.close();
  }
  return { bareRate: bareRequests / (bareMs / 1000), simulationRate: simulated / (simulationMs / 1000) };
}
