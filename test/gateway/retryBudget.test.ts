import { describe, expect, it } from "vitest";
import { RetryBudget } from "../../engine/gateway/retryBudget";

/** Runs `requests` requests that stay in flight until the returned function ends them. */
function inFlight(budget: RetryBudget, requests: number): () => Promise<void> {
  const ends: (() => void)[] = [];
  const running = Array.from({ length: requests }, () => budget.admit(() => new Promise<void>((end) => ends.push(end))));
  return async () => {
    for (const end of ends) end();
    await Promise.all(running);
  };
}

describe("RetryBudget (Envoy's: 20 % of requests in flight, 3 always allowed)", () => {
  it.each([
    { requests: 0, allowed: 3, why: "the minimum is always allowed" },
    { requests: 10, allowed: 3, why: "20 % of 10 is below the minimum" },
    { requests: 20, allowed: 4, why: "20 % of 20" },
    { requests: 26, allowed: 6, why: "20 % of 26 is 5.2: a sixth retry would still be within it" },
  ])("$requests requests in flight allow $allowed retries in flight: $why", async ({ requests, allowed }) => {
    const budget = new RetryBudget({ budget_percent: 20, min_retry_concurrency: 3 });
    const endRequests = inFlight(budget, requests);
    const units = [];
    while (budget.hasRoom) units.push(budget.take());
    expect(units.length).toBe(allowed);
    expect(() => budget.take()).toThrow(/retry budget exhausted/);
    await endRequests();
  });

  it("gives a unit back once, however often it is released", () => {
    const budget = new RetryBudget({ budget_percent: 0, min_retry_concurrency: 2 });
    const first = budget.take();
    const second = budget.take();
    expect(budget.hasRoom).toBe(false);
    first.release();
    first.release();
    expect(budget.hasRoom).toBe(true);
    budget.take();
    expect(budget.hasRoom).toBe(false);
    second.release();
    expect(budget.hasRoom).toBe(true);
  });

  it("counts a request in flight until it ends, even when it fails", async () => {
    const budget = new RetryBudget({ budget_percent: 50, min_retry_concurrency: 0 });
    const endRequests = inFlight(budget, 2);
    expect(budget.hasRoom).toBe(true);
    budget.take();
    expect(budget.hasRoom).toBe(false);
    await expect(budget.admit(() => Promise.reject(new Error("attempt threw")))).rejects.toThrow("attempt threw");
    // Had the failed request stayed counted, three in flight would leave room for a second retry.
    expect(budget.hasRoom).toBe(false);
    await endRequests();
  });
});
