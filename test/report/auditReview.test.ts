import { describe, expect, it } from "vitest";
import { reviewAudit, type ReviewedEntry } from "../../engine/report/auditReview";
import type { Scenario } from "../../engine/scenario/schema";

const jurisdictions = new Map([
  ["eu-west", "EU"],
  ["us-east", "US"],
]);

function request(seq: number, fields: Record<string, unknown>): ReviewedEntry {
  return {
    seq,
    body: JSON.stringify({
      kind: "request",
      seq,
      t: seq * 10,
      region: "eu-west",
      requestId: `r${seq}`,
      consent: false,
      origin: { region: "eu-west", jurisdiction: "EU" },
      policy: { allowed: ["EU"], crossBorder: false, reasons: [] },
      attempts: [{ region: "eu-west", target: "p@eu-west/m", status: 200 }],
      outcome: "ok",
      servedBy: { region: "eu-west", jurisdiction: "EU" },
      ...fields,
    }),
  };
}

const policy = (outage_choice: Scenario["policy"]["outage_choice"]): Scenario["policy"] => ({
  residency: { EU: ["EU"] },
  outage_choice,
  transfer_mechanism: "SCC",
  latency_budget_ms: 10_000,
});

const servedInUs = { servedBy: { region: "us-east", jurisdiction: "US" }, attempts: [{ region: "us-east", target: "p@us-east/m", status: 200 }] };

describe("reviewAudit (independent residency check)", () => {
  it("finds nothing wrong in a clean log", () => {
    const review = reviewAudit([request(1, {}), request(2, {})], policy("reject"), jurisdictions);
    expect(review).toMatchObject({ entries: 2, gaps: 0, perRegion: { "eu-west": 2 }, residency: { violations: 0 } });
  });

  it("flags an EU request served in the US under 'reject', whatever the entry claims about itself", () => {
    const entries = [request(1, { ...servedInUs, policy: { allowed: ["*"], crossBorder: true, basis: "consent", reasons: [] }, consent: true })];
    const review = reviewAudit(entries, policy("reject"), jurisdictions);
    expect(review.residency.violations).toBe(1);
    expect(review.residency.examples[0]).toMatchObject({ requestId: "r1", what: "served", destination: "us-east (US)" });
  });

  it("accepts a cross-border answer under 'cross-border-with-consent' only when consent is recorded", () => {
    const lawful = request(1, { ...servedInUs, consent: true, policy: { allowed: ["*"], crossBorder: true, basis: "consent", reasons: [] } });
    const unlawful = request(2, { ...servedInUs, consent: false, policy: { allowed: ["*"], crossBorder: true, basis: "consent", reasons: [] } });
    const review = reviewAudit([lawful, unlawful], policy("cross-border-with-consent"), jurisdictions);
    expect(review.residency).toMatchObject({ violations: 1, crossBorderServed: { consent: 1, transferMechanism: 0 } });
    expect(review.residency.examples[0]!.requestId).toBe("r2");
  });

  it("counts a failed attempt that carried EU data to the US as a violation", () => {
    const entries = [request(1, { outcome: "error", servedBy: undefined, attempts: [{ region: "us-east", target: "p@us-east/m", status: 503 }] })];
    const review = reviewAudit(entries, policy("reject"), jurisdictions);
    expect(review.residency.examples[0]).toMatchObject({ what: "attempted", destination: "us-east (US)" });
  });

  it("reports a missing sequence number and time running backwards as gaps", () => {
    const entries = [request(1, {}), request(3, {}), { seq: 4, body: JSON.stringify({ kind: "run", region: "global", t: 5 }) }];
    expect(reviewAudit(entries, policy("reject"), jurisdictions).gaps).toBe(2);
  });

  it("counts rejections", () => {
    const entries = [request(1, { outcome: "rejected", attempts: [], servedBy: undefined })];
    expect(reviewAudit(entries, policy("reject"), jurisdictions).residency.rejectedByPolicy).toBe(1);
  });
});
