/**
 * Issue 13 item 15: a short hold-back of a streamed answer's start (gateway.stream_holdback), inside which a
 * broken stream restarts cleanly on any fallback, one that cannot continue from a prefill included.
 */
import { describe, expect, it } from "vitest";
import { HoldBack } from "../../engine/gateway/holdBack";
import type { StreamHoldback } from "../../engine/scenario/sections/gateway";
import { ask, calls, conductScenario, FALLBACK, onPrimary, PRIMARY, WHOLE_ANSWER, type CallResult } from "./conduct";

describe("HoldBack: what goes out when", () => {
  /** Feeds chunks 1, 2, … at the given times; answers, per chunk, the chunks that went out with it. */
  const feed = (setting: StreamHoldback, times: number[]) => {
    const holdBack = new HoldBack<number>(setting);
    return times.map((at, i) => holdBack.take(i + 1, at));
  };

  it("none: each chunk goes out as it arrives", () => {
    expect(feed({ chunks: 0 }, [0, 10, 20])).toEqual([[1], [2], [3]]);
    expect(feed({ ms: 0 }, [0, 10, 20])).toEqual([[1], [2], [3]]);
  });

  it("chunks: N are held, and go out with the next", () => {
    expect(feed({ chunks: 2 }, [0, 10, 20, 30])).toEqual([[], [], [1, 2, 3], [4]]);
  });

  it("ms: chunks are held until one arrives that long after the first", () => {
    expect(feed({ ms: 200 }, [100, 150, 299, 300, 310])).toEqual([[], [], [], [1, 2, 3, 4], [5]]);
  });

  it("a whole answer releases what is held; a broken attempt drops it and the next attempt is held afresh", () => {
    const holdBack = new HoldBack<string>({ ms: 100 });
    holdBack.take("a", 0);
    holdBack.discard();
    expect(holdBack.take("b", 150)).toEqual([]);
    expect(holdBack.release()).toEqual(["b"]);
    expect(holdBack.take("c", 160)).toEqual(["c"]);
  });
});

/** A stream cut after 3 content chunks, with a fallback that cannot continue from a prefill. */
async function cutWithHoldback(holdback: StreamHoldback | undefined): Promise<CallResult> {
  const scenario = conductScenario(onPrimary("stream-cut", { after_chunks: 3 }), { fallbackPrefill: false });
  const [result] = await calls(holdback ? { ...scenario, gateway: { ...scenario.gateway, stream_holdback: holdback } } : scenario, [{ at: 1_000, body: ask(true) }]);
  return result!;
}

describe("a stream cut inside the hold-back", () => {
  for (const holdback of [{ chunks: 4 }, { ms: 1_000 }] as const) {
    it(`${JSON.stringify(holdback)}: restarts cleanly on a fallback that cannot continue, and the caller sees one clean stream`, async () => {
      const r = await cutWithHoldback(holdback);
      expect(r.outcome.kind).toBe("stream-complete");
      expect([r.count(PRIMARY), r.count(FALLBACK)]).toEqual([1, 1]);
      expect(r.outcome.record!.attempts[1]!.resumedFrom).toBeUndefined();
      expect(r.text).toBe(WHOLE_ANSWER);
      // Nothing of the cut attempt reached the caller: one id, one role, the answer once, its finish and usage.
      expect(new Set(r.chunks.map((c) => c.id)).size).toBe(1);
      expect(r.chunks.filter((c) => c.choices[0]?.delta.role !== undefined)).toHaveLength(1);
      expect(r.chunks.filter((c) => c.choices[0]?.finish_reason === "stop")).toHaveLength(1);
      expect(r.chunks.at(-1)!.usage).toMatchObject({ completion_tokens: expect.any(Number) });
    });
  }
});

describe("a stream cut after the hold-back, or with none", () => {
  for (const holdback of [undefined, { chunks: 1 }, { ms: 1 }] as const) {
    it(`${JSON.stringify(holdback ?? "default")}: behaves as without one: an error after the chunks that went out`, async () => {
      const r = await cutWithHoldback(holdback);
      expect(r.outcome.kind).toBe("error");
      if (r.outcome.kind !== "error") return;
      expect(r.outcome.streamed).toBe(true);
      expect(r.chunks.length).toBeGreaterThan(0);
      expect(r.count(FALLBACK)).toBe(0);
    });
  }
});

describe("what a hold-back costs", () => {
  it("a healthy stream's first chunk reaches the caller later by the held time, and the answer is the same", async () => {
    const scenario = conductScenario();
    const at = (holdback: StreamHoldback) => calls({ ...scenario, gateway: { ...scenario.gateway, stream_holdback: holdback } }, [{ at: 1_000, body: ask(true) }]).then(([r]) => r!);
    const [none, held] = [await at({ chunks: 0 }), await at({ ms: 200 })];
    expect(held.firstChunkMs! - none.firstChunkMs!).toBeGreaterThanOrEqual(200);
    expect(held.chunks).toEqual(none.chunks);
  });
});
