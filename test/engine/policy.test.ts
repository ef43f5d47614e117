import { describe, expect, it } from "vitest";
import { ResidencyPolicy } from "../../engine/policy";
import type { Jurisdiction } from "../../engine/scenario/schema";

const eu = { jurisdiction: "EU" as const, consent: false, model: "chat-large" };
const usableIn = (...jurisdictions: Jurisdiction[]) => (allowed: ReadonlySet<Jurisdiction>) => jurisdictions.some((j) => allowed.has(j));

describe("ResidencyPolicy", () => {
  it("keeps EU-origin requests in the EU while an EU destination is usable, whatever the outage choice", () => {
    for (const outage_choice of ["reject", "cross-border-with-consent", "cross-border-with-transfer-mechanism"] as const) {
      const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, outage_choice, transfer_mechanism: "SCC", latency_budget_ms: 10_000 });
      const decision = policy.evaluate({ ...eu, consent: true }, usableIn("EU", "US"));
      expect(decision).toMatchObject({ verdict: "allow", crossBorder: false });
      expect(decision.verdict === "allow" && [...decision.allowed!]).toEqual(["EU"]);
    }
  });

  it("rejects with a reason under 'reject' when no EU destination is usable", () => {
    const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, outage_choice: "reject", latency_budget_ms: 10_000 });
    const decision = policy.evaluate(eu, usableIn("US"));
    expect(decision.verdict).toBe("reject");
    expect(decision.verdict === "reject" && decision.reason).toMatch(/no usable EU destination for chat-large.*forbids cross-border/);
  });

  it("crosses the border under 'cross-border-with-consent' only for requests with recorded consent", () => {
    const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, outage_choice: "cross-border-with-consent", latency_budget_ms: 10_000 });
    const withConsent = policy.evaluate({ ...eu, consent: true }, usableIn("US"));
    expect(withConsent).toMatchObject({ verdict: "allow", crossBorder: true, basis: "consent", allowed: undefined });
    const without = policy.evaluate(eu, usableIn("US"));
    expect(without.verdict).toBe("reject");
    expect(without.verdict === "reject" && without.reason).toMatch(/needs recorded consent/);
  });

  it("records the transfer mechanism under 'cross-border-with-transfer-mechanism'", () => {
    const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, outage_choice: "cross-border-with-transfer-mechanism", transfer_mechanism: "SCC", latency_budget_ms: 10_000 });
    const decision = policy.evaluate(eu, usableIn("US"));
    expect(decision).toMatchObject({ verdict: "allow", crossBorder: true, basis: "transfer-mechanism:SCC" });
    expect(decision.reasons.join(" ")).toMatch(/transfer mechanism SCC recorded/);
  });

  it("lets origins without a residency rule go anywhere", () => {
    const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, outage_choice: "reject", latency_budget_ms: 10_000 });
    const decision = policy.evaluate({ jurisdiction: "US", consent: false, model: "m" }, usableIn());
    expect(decision).toMatchObject({ verdict: "allow", allowed: undefined, crossBorder: false });
  });
});
