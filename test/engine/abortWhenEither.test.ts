import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { abortWhenEither } from "../../engine/http";

describe("abortWhenEither", () => {
  it("aborts with the reason of whichever signal aborts first", () => {
    const scope = new AbortController();
    const call = new AbortController();
    const byCall = abortWhenEither(scope.signal, call.signal);
    call.abort("client went away");
    expect(byCall.signal.reason).toBe("client went away");

    const byScope = abortWhenEither(scope.signal, new AbortController().signal);
    scope.abort("the session closed");
    expect(byScope.signal.reason).toBe("the session closed");
    expect(abortWhenEither(scope.signal, new AbortController().signal).signal.reason).toBe("the session closed");
  });

  it("leaves nothing on the long-lived signal once each call is released", () => {
    const scope = new AbortController();
    for (let i = 0; i < 10_000; i++) abortWhenEither(scope.signal, new AbortController().signal).release();
    expect(getEventListeners(scope.signal, "abort")).toHaveLength(0);
    const open = abortWhenEither(scope.signal, new AbortController().signal);
    expect(getEventListeners(scope.signal, "abort")).toHaveLength(1);
    open.release();
    scope.abort("closed");
    expect(open.signal.aborted).toBe(false);
  });
});
