import { describe, expect, it } from "vitest";
import { ResidencyPolicy } from "../../engine/policy";
import type { Jurisdiction } from "../../engine/scenario/schema";

const eu = { jurisdiction: "EU" as const, consent: false, model: "chat-large" };
const usableIn = (...jurisdictions: Jurisdiction[]) => (allowed: ReadonlySet<Jurisdiction>) => jurisdictions.some((j) => allowed.has(j));

describe("ResidencyPolicy", () => {
  it("keeps EU-origin requests in the EU while an EU destination is usable, whatever the outage choice", () => {
    for (const outage_choice of ["reject", "cross-border-with-consent", "cross-border-with-transfer-mechanism"] as const) {
      const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, residency_scope: "model", outage_choice, transfer_mechanism: "SCC", latency_budget_ms: 10_000 });
      const decision = policy.evaluate({ ...eu, consent: true }, usableIn("EU", "US"), "EU");
      expect(decision).toMatchObject({ verdict: "allow", crossBorder: false });
      expect(decision.verdict === "allow" && [...decision.allowed!]).toEqual(["EU"]);
    }
  });

  it("rejects with a reason under 'reject' when no EU destination is usable", () => {
    const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, residency_scope: "model", outage_choice: "reject", latency_budget_ms: 10_000 });
    const decision = policy.evaluate(eu, usableIn("US"), "EU");
    expect(decision.verdict).toBe("reject");
    expect(decision.verdict === "reject" && decision.reason).toMatch(/no usable EU destination for chat-large.*forbids cross-border/);
  });

  it("crosses the border under 'cross-border-with-consent' only for requests with recorded consent", () => {
    const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, residency_scope: "model", outage_choice: "cross-border-with-consent", latency_budget_ms: 10_000 });
    const withConsent = policy.evaluate({ ...eu, consent: true }, usableIn("US"), "EU");
    expect(withConsent).toMatchObject({ verdict: "allow", crossBorder: true, basis: "consent", allowed: undefined });
    const without = policy.evaluate(eu, usableIn("US"), "EU");
    expect(without.verdict).toBe("reject");
    expect(without.verdict === "reject" && without.reason).toMatch(/needs recorded consent/);
  });

  it("records the transfer mechanism under 'cross-border-with-transfer-mechanism'", () => {
    const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, residency_scope: "model", outage_choice: "cross-border-with-transfer-mechanism", transfer_mechanism: "SCC", latency_budget_ms: 10_000 });
    const decision = policy.evaluate(eu, usableIn("US"), "EU");
    expect(decision).toMatchObject({ verdict: "allow", crossBorder: true, basis: "transfer-mechanism:SCC" });
    expect(decision.reasons.join(" ")).toMatch(/transfer mechanism SCC recorded/);
  });

  it("counts a gateway abroad only under residency_scope gateway-and-model", () => {
    const scoped = (outage_choice: "reject" | "cross-border-with-consent" | "cross-border-with-transfer-mechanism", residency_scope: "model" | "gateway-and-model") =>
      new ResidencyPolicy({ residency: { EU: ["EU"] }, residency_scope, outage_choice, transfer_mechanism: "SCC", latency_budget_ms: 10_000 });
    // An EU caller at the US gateway while EU models are usable: fine when only the model counts.
    const modelScope = scoped("reject", "model").evaluate(eu, usableIn("EU"), "US");
    expect(modelScope).toMatchObject({ verdict: "allow", crossBorder: false });
    const rejected = scoped("reject", "gateway-and-model").evaluate(eu, usableIn("EU"), "US");
    expect(rejected.verdict === "reject" && rejected.reason).toMatch(/EU-origin request received by a gateway in US, outside EU .*forbids cross-border/);
    expect(scoped("cross-border-with-consent", "gateway-and-model").evaluate(eu, usableIn("EU"), "US").verdict).toBe("reject");
    // With a basis the request crosses at the gateway, but its model stays in the EU while one is usable.
    const consented = scoped("cross-border-with-consent", "gateway-and-model").evaluate({ ...eu, consent: true }, usableIn("EU"), "US");
    expect(consented).toMatchObject({ verdict: "allow", crossBorder: true, basis: "consent" });
    expect(consented.verdict === "allow" && [...consented.allowed!]).toEqual(["EU"]);
    const transferred = scoped("cross-border-with-transfer-mechanism", "gateway-and-model").evaluate(eu, usableIn("US"), "US");
    expect(transferred).toMatchObject({ verdict: "allow", crossBorder: true, basis: "transfer-mechanism:SCC", allowed: undefined });
    // At a home gateway the scope changes nothing.
    expect(scoped("reject", "gateway-and-model").evaluate(eu, usableIn("EU"), "EU")).toMatchObject({ verdict: "allow", crossBorder: false });
  });

  it("lets origins without a residency rule go anywhere", () => {
    const policy = new ResidencyPolicy({ residency: { EU: ["EU"] }, residency_scope: "model", outage_choice: "reject", latency_budget_ms: 10_000 });
    const decision = policy.evaluate({ jurisdiction: "US", consent: false, model: "m" }, usableIn(), "EU");
    expect(decision).toMatchObject({ verdict: "allow", allowed: undefined, crossBorder: false });
  });
});
