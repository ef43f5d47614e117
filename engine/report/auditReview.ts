/**
 * An independent review of a drill's audit log. It reads only the log's entries and the scenario's policy
 * as data, and deliberately shares no code with the enforcing side (engine/policy.ts, engine/routing.ts):
 * a bug in enforcement must not be able to hide itself from the check.
 */
import type { Scenario } from "../scenario/schema";

/** One stored entry as the review needs it: its sequence number and its canonical JSON body. */
export interface ReviewedEntry {
  readonly seq: number;
  readonly body: string;
}

export interface ResidencyViolation {
  readonly requestId: string;
  readonly origin: string;
  readonly destination: string;
  readonly what: "served" | "attempted";
  readonly why: string;
}

export interface AuditReview {
  readonly entries: number;
  readonly perRegion: Record<string, number>;
  /** Sequence numbers missing, or entries whose time runs backwards. */
  readonly gaps: number;
  readonly residency: {
    readonly violations: number;
    /** The first violations found (at most 20), for the report. */
    readonly examples: readonly ResidencyViolation[];
    readonly rejectedByPolicy: number;
    readonly crossBorderServed: { readonly consent: number; readonly transferMechanism: number };
  };
}

interface RequestEntry {
  kind: "request";
  requestId: string;
  region: string;
  t: number;
  outcome: string;
  consent: boolean;
  origin: { jurisdiction: string };
  policy: { basis?: string } | null;
  attempts: { region: string }[];
  servedBy?: { region: string; jurisdiction: string };
}

export function reviewAudit(entries: Iterable<ReviewedEntry>, policy: Scenario["policy"], regionJurisdiction: ReadonlyMap<string, string>): AuditReview {
  const perRegion: Record<string, number> = {};
  const examples: ResidencyViolation[] = [];
  let count = 0;
  let gaps = 0;
  let violations = 0;
  let rejectedByPolicy = 0;
  const crossBorderServed = { consent: 0, transferMechanism: 0 };
  let expectedSeq = 1;
  let lastT = Number.NEGATIVE_INFINITY;
  const lawfulBasis = (entry: RequestEntry): "consent" | "transferMechanism" | undefined => {
    const basis = entry.policy?.basis;
    if (policy.outage_choice === "cross-border-with-consent" && entry.consent === true && basis === "consent") return "consent";
    if (policy.outage_choice === "cross-border-with-transfer-mechanism" && basis === `transfer-mechanism:${policy.transfer_mechanism}`) return "transferMechanism";
    return undefined;
  };

  for (const { seq, body } of entries) {
    count++;
    if (seq !== expectedSeq) gaps++;
    expectedSeq = seq + 1;
    const entry = JSON.parse(body) as { kind: string; region: string; t: number };
    if (entry.t < lastT) gaps++;
    lastT = entry.t;
    perRegion[entry.region] = (perRegion[entry.region] ?? 0) + 1;
    if (entry.kind !== "request") continue;
    const request = entry as RequestEntry;
    if (request.outcome === "rejected") rejectedByPolicy++;
    const allowed = policy.residency[request.origin.jurisdiction as keyof typeof policy.residency];
    if (!allowed) continue;
    const outside = (jurisdiction: string | undefined) => jurisdiction !== undefined && !(allowed as readonly string[]).includes(jurisdiction);
    const basis = lawfulBasis(request);
    const report = (what: ResidencyViolation["what"], destination: string, jurisdiction: string) => {
      violations++;
      if (examples.length < 20)
        examples.push({
          requestId: request.requestId,
          origin: request.origin.jurisdiction,
          destination: `${destination} (${jurisdiction})`,
          what,
          why: `${request.origin.jurisdiction} data may go to ${allowed.join("/")} only, and no lawful cross-border basis under "${policy.outage_choice}" is recorded`,
        });
    };
    if (request.outcome === "ok" && request.servedBy && outside(request.servedBy.jurisdiction)) {
      if (basis) crossBorderServed[basis]++;
      else report("served", request.servedBy.region, request.servedBy.jurisdiction);
      continue;
    }
    if (basis) continue;
    const stray = request.attempts.find((a) => outside(regionJurisdiction.get(a.region)));
    if (stray) report("attempted", stray.region, regionJurisdiction.get(stray.region)!);
  }
  return { entries: count, perRegion, gaps, residency: { violations, examples, rejectedByPolicy, crossBorderServed } };
}
