/**
 * An independent review of a drill's audit log. It reads only the log's entries and the scenario as data,
 * and deliberately shares no code with the enforcing side (engine/policy.ts, engine/routing.ts): a bug in
 * enforcement must not be able to hide itself from the check. Nor does it believe an entry's own labels:
 * which jurisdiction a request came from and where it was served are looked up in the scenario (its
 * caller populations and regions), so an entry that says `jurisdiction: EU` of a us-east answer is judged
 * as a us-east answer.
 */
import type { Scenario } from "../scenario/schema";

/** What the review takes from the scenario, and nothing else: the policy, and whose jurisdiction is what. */
export interface ReviewScope {
  readonly policy: Scenario["policy"];
  /** Region id → its jurisdiction. */
  readonly regionJurisdiction: ReadonlyMap<string, string>;
  /** Caller population id → the jurisdiction of its data subjects. */
  readonly populationJurisdiction: ReadonlyMap<string, string>;
}

/** The review's view of a scenario. */
export function reviewScope(scenario: Pick<Scenario, "policy" | "topology">): ReviewScope {
  return {
    policy: scenario.policy,
    regionJurisdiction: new Map(scenario.topology.regions.map((r) => [r.id, r.jurisdiction as string])),
    populationJurisdiction: new Map(scenario.topology.callers.map((c) => [c.id, c.jurisdiction as string])),
  };
}

/** One stored entry as the review needs it: its sequence number in its store and its canonical JSON body. */
export interface ReviewedEntry {
  readonly seq: number;
  readonly body: string;
}

export interface ResidencyViolation {
  readonly requestId: string;
  readonly origin: string;
  readonly destination: string;
  /**
   * `processed`: received by a gateway outside the allowed jurisdictions under `residency_scope:
   * gateway-and-model`; `unattributed`: the entry names no population nor origin region the scenario has.
   */
  readonly what: "served" | "attempted" | "processed" | "unattributed";
  readonly why: string;
}

export interface AuditReview {
  readonly entries: number;
  readonly perRegion: Record<string, number>;
  /**
   * Breaks in what should be unbroken: a store's seqs that skip, a region's buffer seqs that skip or
   * repeat, a region's entries whose time runs backwards.
   */
  readonly gaps: number;
  /** Per region, the buffer entries that reached a destination. */
  readonly flushedPerRegion: Record<string, number>;
  /**
   * Request entries reviewed: at the destinations, and still only in a region's buffer when the review ran
   * (a region cut off from its destination to the end). Entries anywhere else were not reviewed.
   */
  readonly requests: { readonly atDestinations: number; readonly inBuffers: number };
  /** High-risk calls rejected because the audit destination was unreachable under fail-closed. */
  readonly rejectedForAudit: number;
  readonly residency: {
    readonly violations: number;
    /** The first violations found (at most 20), for the report. */
    readonly examples: readonly ResidencyViolation[];
    readonly rejectedByPolicy: number;
    readonly crossBorderServed: { readonly consent: number; readonly transferMechanism: number };
    /**
     * Requests received by a gateway outside the jurisdictions their origin allows, lawful or not, under
     * either residency scope: under `model` they break no rule, under `gateway-and-model` they need a basis.
     */
    readonly gatewayCrossBorder: number;
  };
}

/** A request entry as the review reads it; its `jurisdiction` labels are deliberately not read. */
interface RequestEntry {
  kind: "request";
  rejectedBy?: string;
  requestId: string;
  population: string;
  gateway: string;
  region: string;
  t: number;
  outcome: string;
  consent: boolean;
  origin: { region: string };
  policy: { basis?: string } | null;
  attempts: { region: string }[];
  servedBy?: { region: string };
}

/** A region's buffer store as the review reads it: its entries from a buffer seq on. */
export type BufferReader = (fromSeq: number) => Iterable<ReviewedEntry>;

/**
 * Reviews the destination stores, each read in seq order (a store's name keys its own seq count), then
 * what each region's buffer still holds beyond them.
 */
export function reviewAudit(
  stores: Iterable<{ readonly name: string; readonly entries: Iterable<ReviewedEntry> }>,
  scope: ReviewScope,
  buffers: ReadonlyMap<string, BufferReader> = new Map(),
): AuditReview {
  const reviewer = new AuditReviewer(scope);
  for (const store of stores) for (const entry of store.entries) reviewer.add(entry, store.name);
  reviewer.addBuffers(buffers);
  return reviewer.result();
}

/** The same review fed one entry at a time, so the app can keep its answer current as the log grows. */
export class AuditReviewer {
  private readonly perRegion: Record<string, number> = {};
  private readonly examples: ResidencyViolation[] = [];
  private count = 0;
  private readonly requests = { atDestinations: 0, inBuffers: 0 };
  private gaps = 0;
  private violations = 0;
  private rejectedByPolicy = 0;
  private rejectedForAudit = 0;
  private readonly crossBorderServed = { consent: 0, transferMechanism: 0 };
  private gatewayCrossBorder = 0;
  private readonly expectedSeq = new Map<string, number>();
  private readonly expectedBufferSeq = new Map<string, number>();
  private readonly lastT = new Map<string, number>();

  constructor(private readonly scope: ReviewScope) {}

  /** Where a region is, by the scenario; a region the scenario does not have is in no jurisdiction it allows. */
  private jurisdictionOf(region: string): string {
    return this.scope.regionJurisdiction.get(region) ?? "unknown region";
  }

  /**
   * Whose data the request carried: its population's jurisdiction, or for a call from an OpenAI client (no
   * population of the scenario) that of the region whose endpoint it called.
   */
  private originOf(request: RequestEntry): string | undefined {
    return this.scope.populationJurisdiction.get(request.population) ?? this.scope.regionJurisdiction.get(request.origin.region);
  }

  private nextSeq(store: string): number {
    return this.expectedSeq.get(store) ?? 1;
  }

  add({ seq, body }: ReviewedEntry, store: string): void {
    this.count++;
    if (seq !== this.nextSeq(store)) this.gaps++;
    this.expectedSeq.set(store, seq + 1);
    const entry = JSON.parse(body) as { kind: string; region: string; t: number; buffer?: { seq: number } };
    if (entry.buffer) {
      const expected = this.expectedBufferSeq.get(entry.region) ?? 1;
      if (entry.buffer.seq !== expected) this.gaps++;
      this.expectedBufferSeq.set(entry.region, entry.buffer.seq + 1);
    }
    // Each region's entries are written in time order; only the merge across regions interleaves them.
    if (entry.t < (this.lastT.get(entry.region) ?? Number.NEGATIVE_INFINITY)) this.gaps++;
    this.lastT.set(entry.region, entry.t);
    this.perRegion[entry.region] = (this.perRegion[entry.region] ?? 0) + 1;
    if (entry.kind === "request") {
      this.requests.atDestinations++;
      this.reviewRequest(entry as RequestEntry);
    }
  }

  /**
   * Reviews, once the destinations have been read, the request entries still only in each region's buffer:
   * from the first buffer seq no destination holds, as the destinations' own buffer seqs tell. They count
   * for residency and coverage; the destinations' entries, gaps and per-region counts stay the destinations'.
   */
  addBuffers(buffers: ReadonlyMap<string, BufferReader>): void {
    for (const [region, read] of buffers) {
      for (const { body } of read(this.expectedBufferSeq.get(region) ?? 1)) {
        const entry = JSON.parse(body) as { kind: string };
        if (entry.kind !== "request") continue;
        this.requests.inBuffers++;
        this.reviewRequest(entry as RequestEntry);
      }
    }
  }

  result(): AuditReview {
    return {
      entries: this.count,
      perRegion: { ...this.perRegion },
      gaps: this.gaps,
      requests: { ...this.requests },
      flushedPerRegion: Object.fromEntries([...this.expectedBufferSeq].map(([region, next]) => [region, next - 1])),
      rejectedForAudit: this.rejectedForAudit,
      residency: { violations: this.violations, examples: [...this.examples], rejectedByPolicy: this.rejectedByPolicy, crossBorderServed: { ...this.crossBorderServed }, gatewayCrossBorder: this.gatewayCrossBorder },
    };
  }

  private lawfulBasis(entry: RequestEntry): "consent" | "transferMechanism" | undefined {
    const basis = entry.policy?.basis;
    const { policy } = this.scope;
    if (policy.outage_choice === "cross-border-with-consent" && entry.consent === true && basis === "consent") return "consent";
    if (policy.outage_choice === "cross-border-with-transfer-mechanism" && basis === `transfer-mechanism:${policy.transfer_mechanism}`) return "transferMechanism";
    return undefined;
  }

  private reviewRequest(request: RequestEntry): void {
    const { policy } = this.scope;
    const origin = this.originOf(request);
    const allowed = origin === undefined ? undefined : policy.residency[origin as keyof typeof policy.residency];
    const outside = (region: string) => allowed !== undefined && !(allowed as readonly string[]).includes(this.jurisdictionOf(region));
    // Refused at connection (an error before any policy decision): the gateway never received it.
    const receivedAbroad = !(request.outcome === "error" && request.policy === null) && outside(request.gateway);
    if (receivedAbroad) this.gatewayCrossBorder++;
    if (request.outcome === "rejected") {
      // Refused before policy was evaluated (the token check, a full gateway): the drill recorder counts them.
      if (request.rejectedBy === "identity" || request.rejectedBy === "capacity") return;
      if (request.rejectedBy === "audit") {
        this.rejectedForAudit++;
        return;
      }
      this.rejectedByPolicy++;
    }
    if (origin === undefined) {
      this.record({
        requestId: request.requestId,
        origin: "unknown",
        destination: request.gateway,
        what: "unattributed",
        why: `the scenario has no caller population "${request.population}" and no region "${request.origin.region}": whose data this was cannot be told`,
      });
      return;
    }
    if (!allowed) return;
    const basis = this.lawfulBasis(request);
    const report = (what: ResidencyViolation["what"], region: string) =>
      this.record({
        requestId: request.requestId,
        origin,
        destination: `${region} (${this.jurisdictionOf(region)})`,
        what,
        why: `${origin} data may go to ${allowed.join("/")} only${what === "processed" ? ", its gateway included (residency scope gateway-and-model)" : ""}, and no lawful cross-border basis under "${policy.outage_choice}" is recorded`,
      });
    if (receivedAbroad && policy.residency_scope === "gateway-and-model" && !basis) {
      report("processed", request.gateway);
      return;
    }
    if (request.outcome === "ok" && request.servedBy && outside(request.servedBy.region)) {
      if (basis) this.crossBorderServed[basis]++;
      else report("served", request.servedBy.region);
      return;
    }
    if (basis) return;
    const stray = request.attempts.find((a) => outside(a.region));
    if (stray) report("attempted", stray.region);
  }

  private record(violation: ResidencyViolation): void {
    this.violations++;
    if (this.examples.length < 20) this.examples.push(violation);
  }
}
