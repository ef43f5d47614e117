import { describe, expect, it } from "vitest";
import { limitReached, RATE_WINDOW_MS, RateWindows } from "../../engine/gateway/rateLimits";
import type { Target } from "../../engine/topology";

const target = (limits?: Target["limits"]): Target => ({ id: "p@r/m", model: "m", equivalent: false, supportsPrefill: false, endpoint: {} as Target["endpoint"], ...(limits ? { limits } : {}) });

describe("limitReached", () => {
  it("is at the limit from the rpm-th request, not before", () => {
    expect(limitReached(599, 0, { rpm: 600 })).toBeUndefined();
    expect(limitReached(600, 0, { rpm: 600 })).toBe("at its rpm limit 600");
  });
  it("checks tokens against tpm", () => {
    expect(limitReached(1, 999, { tpm: 1_000 })).toBeUndefined();
    expect(limitReached(1, 1_000, { tpm: 1_000 })).toBe("at its tpm limit 1000");
  });
  it("has no limit when neither is set", () => {
    expect(limitReached(1e9, 1e9, {})).toBeUndefined();
  });
});

describe("RateWindows", () => {
  it("counts sent requests over a sliding 60 s window", () => {
    const w = new RateWindows();
    const t = target({ rpm: 2 });
    w.sent(t, 0);
    w.sent(t, 30_000);
    expect(w.atLimit(t, 30_000)).toBe("at its rpm limit 2");
    expect(w.atLimit(t, RATE_WINDOW_MS - 1)).toBe("at its rpm limit 2");
    // The first request leaves the window a minute after it was sent.
    expect(w.atLimit(t, RATE_WINDOW_MS)).toBeUndefined();
    w.sent(t, RATE_WINDOW_MS);
    expect(w.atLimit(t, RATE_WINDOW_MS)).toBe("at its rpm limit 2");
  });

  it("counts the tokens answered against tpm, and they are not requests", () => {
    const w = new RateWindows();
    const t = target({ rpm: 10, tpm: 1_000 });
    w.sent(t, 0);
    w.used(t, 1_000, 600);
    expect(w.atLimit(t, 1_000)).toBeUndefined();
    w.sent(t, 2_000);
    w.used(t, 3_000, 400);
    expect(w.atLimit(t, 3_000)).toBe("at its tpm limit 1000");
    expect(w.atLimit(t, 61_000)).toBeUndefined();
  });

  it("never limits a target without limits", () => {
    const w = new RateWindows();
    const t = target();
    for (let i = 0; i < 1_000; i++) w.sent(t, i);
    expect(w.atLimit(t, 1_000)).toBeUndefined();
  });
});
