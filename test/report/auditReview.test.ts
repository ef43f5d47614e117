import { describe, expect, it } from "vitest";
import { reviewAudit, type ReviewedEntry, type ReviewScope } from "../../engine/report/auditReview";
import type { Scenario } from "../../engine/scenario/schema";

const scope = (policy: Scenario["policy"]): ReviewScope => ({
  policy,
  regionJurisdiction: new Map([
    ["eu-west", "EU"],
    ["us-east", "US"],
  ]),
  populationJurisdiction: new Map([["eu-web", "EU"]]),
});

function request(seq: number, fields: Record<string, unknown>): ReviewedEntry {
  return {
    seq,
    body: JSON.stringify({
      kind: "request",
      seq,
      t: seq * 10,
      region: "eu-west",
      requestId: `r${seq}`,
      population: "eu-web",
      gateway: "eu-west",
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
  residency_scope: "model",
  outage_choice,
  transfer_mechanism: "SCC",
  latency_budget_ms: 10_000,
});

const servedInUs = { servedBy: { region: "us-east", jurisdiction: "US" }, attempts: [{ region: "us-east", target: "p@us-east/m", status: 200 }] };

describe("reviewAudit (independent residency check)", () => {
  it("finds nothing wrong in a clean log", () => {
    const review = reviewAudit([{ name: "canonical", entries: [request(1, {}), request(2, {})] }], scope(policy("reject")));
    expect(review).toMatchObject({ entries: 2, gaps: 0, perRegion: { "eu-west": 2 }, residency: { violations: 0 } });
  });

  it("flags an EU request served in the US under 'reject', whatever the entry claims about itself", () => {
    const entries = [request(1, { ...servedInUs, policy: { allowed: ["*"], crossBorder: true, basis: "consent", reasons: [] }, consent: true })];
    const review = reviewAudit([{ name: "canonical", entries }], scope(policy("reject")));
    expect(review.residency.violations).toBe(1);
    expect(review.residency.examples[0]).toMatchObject({ requestId: "r1", what: "served", destination: "us-east (US)" });
  });

  it("accepts a cross-border answer under 'cross-border-with-consent' only when consent is recorded", () => {
    const lawful = request(1, { ...servedInUs, consent: true, policy: { allowed: ["*"], crossBorder: true, basis: "consent", reasons: [] } });
    const unlawful = request(2, { ...servedInUs, consent: false, policy: { allowed: ["*"], crossBorder: true, basis: "consent", reasons: [] } });
    const review = reviewAudit([{ name: "canonical", entries: [lawful, unlawful] }], scope(policy("cross-border-with-consent")));
    expect(review.residency).toMatchObject({ violations: 1, crossBorderServed: { consent: 1, transferMechanism: 0 } });
    expect(review.residency.examples[0]!.requestId).toBe("r2");
  });

  it("judges where a request was served by the scenario's regions, not by the jurisdiction the entry claims", () => {
    const forged = request(1, { servedBy: { region: "us-east", jurisdiction: "EU" }, attempts: [{ region: "us-east", target: "p@us-east/m", status: 200 }] });
    const review = reviewAudit([{ name: "canonical", entries: [forged] }], scope(policy("reject")));
    expect(review.residency.violations).toBe(1);
    expect(review.residency.examples[0]).toMatchObject({ what: "served", destination: "us-east (US)" });
  });

  it("takes the origin's jurisdiction from the caller population, not from the entry's label", () => {
    const relabelled = request(1, { ...servedInUs, origin: { region: "eu-west", jurisdiction: "US" } });
    expect(reviewAudit([{ name: "canonical", entries: [relabelled] }], scope(policy("reject"))).residency.examples[0]).toMatchObject({ origin: "EU", what: "served" });
  });

  it("reads an OpenAI client's origin from the region it called, and flags an entry whose origin the scenario cannot place", () => {
    const client = request(1, { ...servedInUs, population: "(openai client)", origin: { region: "eu-west", jurisdiction: "US" } });
    const nowhere = request(2, { population: "ghosts", origin: { region: "atlantis", jurisdiction: "EU" } });
    const review = reviewAudit([{ name: "canonical", entries: [client, nowhere] }], scope(policy("reject")));
    expect(review.residency.examples.map((v) => [v.requestId, v.origin, v.what])).toEqual([
      ["r1", "EU", "served"],
      ["r2", "unknown", "unattributed"],
    ]);
  });

  it("reviews what a region's buffer still holds beyond the destinations, once each", () => {
    const flushed = (seq: number) => request(seq, { buffer: { seq, flushedAt: 99 } });
    const buffer = [request(1, {}), request(2, {}), request(3, servedInUs)];
    const review = reviewAudit([{ name: "canonical", entries: [flushed(1), flushed(2)] }], scope(policy("reject")), new Map([["eu-west", (from: number) => buffer.slice(from - 1)]]));
    expect(review.requests).toEqual({ atDestinations: 2, inBuffers: 1 });
    expect(review.residency.examples.map((v) => v.requestId)).toEqual(["r3"]);
    expect(review).toMatchObject({ entries: 2, perRegion: { "eu-west": 2 }, gaps: 0 });
  });

  it("counts a request received by a gateway abroad, a violation only when the gateway's jurisdiction counts", () => {
    const viaUs = request(1, { gateway: "us-east", region: "us-east" });
    const refused = request(2, { gateway: "us-east", region: "us-east", outcome: "error", policy: null, attempts: [], servedBy: undefined });
    const model = reviewAudit([{ name: "canonical", entries: [viaUs, refused] }], scope(policy("reject")));
    expect(model.residency).toMatchObject({ violations: 0, gatewayCrossBorder: 1 });
    const gateway = reviewAudit([{ name: "canonical", entries: [viaUs, refused] }], scope({ ...policy("reject"), residency_scope: "gateway-and-model" }));
    expect(gateway.residency).toMatchObject({ violations: 1, gatewayCrossBorder: 1 });
    expect(gateway.residency.examples[0]).toMatchObject({ requestId: "r1", what: "processed", destination: "us-east (US)" });
    const covered = request(1, { gateway: "us-east", region: "us-east", policy: { allowed: ["EU"], crossBorder: true, basis: "transfer-mechanism:SCC", reasons: [] } });
    const transfer = { ...policy("cross-border-with-transfer-mechanism"), residency_scope: "gateway-and-model" as const };
    expect(reviewAudit([{ name: "canonical", entries: [covered] }], scope(transfer)).residency).toMatchObject({ violations: 0, gatewayCrossBorder: 1 });
  });

  it("counts a failed attempt that carried EU data to the US as a violation", () => {
    const entries = [request(1, { outcome: "error", servedBy: undefined, attempts: [{ region: "us-east", target: "p@us-east/m", status: 503 }] })];
    const review = reviewAudit([{ name: "canonical", entries }], scope(policy("reject")));
    expect(review.residency.examples[0]).toMatchObject({ what: "attempted", destination: "us-east (US)" });
  });

  it("reports a missing sequence number and time running backwards within a region as gaps", () => {
    const entries = [request(1, {}), request(3, {}), { seq: 4, body: JSON.stringify({ kind: "run", region: "eu-west", t: 5 }) }];
    expect(reviewAudit([{ name: "canonical", entries }], scope(policy("reject"))).gaps).toBe(2);
  });

  it("lets regions interleave out of time order in arrival order, as a canonical log fed by buffers does", () => {
    const late = { seq: 3, body: JSON.stringify({ kind: "transition", region: "us-east", t: 1, buffer: { seq: 1, flushedAt: 30 } }) };
    expect(reviewAudit([{ name: "canonical", entries: [request(1, {}), request(2, {}), late] }], scope(policy("reject"))).gaps).toBe(0);
  });

  it("reports a region's buffered entries that skip or repeat a buffer seq as gaps, and counts what was flushed", () => {
    const buffered = (seq: number, bufferSeq: number) => ({ seq, body: JSON.stringify({ kind: "transition", region: "us-east", t: seq, buffer: { seq: bufferSeq, flushedAt: 99 } }) });
    const review = reviewAudit([{ name: "canonical", entries: [buffered(1, 1), buffered(2, 3), buffered(3, 3)] }], scope(policy("reject")));
    expect(review.gaps).toBe(2);
    expect(review.flushedPerRegion).toEqual({ "us-east": 3 });
  });

  it("counts an audit fail-closed rejection apart from policy rejections", () => {
    const entries = [request(1, { outcome: "rejected", rejectedBy: "audit", attempts: [], servedBy: undefined })];
    const review = reviewAudit([{ name: "canonical", entries }], scope(policy("reject")));
    expect(review).toMatchObject({ rejectedForAudit: 1, residency: { rejectedByPolicy: 0 } });
  });

  it("counts rejections", () => {
    const entries = [request(1, { outcome: "rejected", attempts: [], servedBy: undefined })];
    expect(reviewAudit([{ name: "canonical", entries }], scope(policy("reject"))).residency.rejectedByPolicy).toBe(1);
  });
});
