/**
 * The audit read side of a run while it plays: each store's chain verified incrementally, the destination
 * logs reviewed (residency, gaps) and grown into RFC 6962 trees for inclusion proofs on demand. Reads only
 * what the stores gained since the last look.
 */
import { ChainVerifier } from "../audit/AuditLog";
import type { CrossCheck } from "../audit/crossCheck";
import { leafHash, MerkleTree } from "../audit/merkle";
import type { AuditSystem } from "../audit/system";
import type { VirtualClock } from "../clock";
import { auditFindings, bufferReaders, crossCheckStores, runChain, type AuditFindings } from "../drill";
import { AuditReviewer, reviewScope } from "../report/auditReview";
import type { Scenario } from "../scenario/schema";
import type { ChainStatus } from "./contract";

export class AuditTrail {
  readonly reviewer: AuditReviewer;
  /** One incremental verifier per store, by store name. */
  private readonly verifiers = new Map<string, ChainVerifier>();
  /** Per destination log, its RFC 6962 tree, grown as the log is read. */
  private readonly proofTrees = new Map<string, MerkleTree>();
  /** The buffers checked against the destinations, once the run is over: a full read, too dear while playing. */
  private crossCheck: CrossCheck | undefined;
  /** The run's chains as last verified. */
  chain: ChainStatus;

  constructor(
    readonly system: AuditSystem,
    scenario: Scenario,
    private readonly clock: VirtualClock,
  ) {
    for (const store of system.allStores()) this.verifiers.set(store.name, new ChainVerifier());
    this.reviewer = new AuditReviewer(reviewScope(scenario));
    this.chain = this.catchUp();
  }

  /** Reads what the stores gained since the last look, for the reviewer, the proof trees and the verifiers. */
  catchUp(): ChainStatus {
    const destinations = new Set(this.system.destinations());
    for (const store of this.system.allStores()) {
      const verifier = this.verifiers.get(store.name)!;
      for (const entry of store.log.entries({ fromSeq: verifier.nextSeq })) {
        if (destinations.has(store)) {
          this.reviewer.add(entry, store.name);
          this.proofTree(store.name).append(leafHash(entry.body));
        }
        verifier.add(entry);
      }
    }
    const { stores } = this.findings();
    const { ok, head, first_bad } = runChain(stores);
    this.chain = { ok, entries: stores.reduce((n, s) => n + s.entries, 0), stores: stores.length, head, firstBad: first_bad, verifiedAt: this.clock.now() };
    return this.chain;
  }

  /**
   * The run is over: the buffers are checked against the destinations once, entry by entry, and what they
   * still hold is reviewed, after the destinations' last entries.
   */
  crossCheckStores(): void {
    if (this.crossCheck) return;
    this.catchUp();
    this.crossCheck = crossCheckStores(this.system);
    this.reviewer.addBuffers(bufferReaders(this.system));
  }

  proofTree(store: string): MerkleTree {
    let tree = this.proofTrees.get(store);
    if (!tree) this.proofTrees.set(store, (tree = new MerkleTree()));
    return tree;
  }

  findings(): AuditFindings {
    return auditFindings(this.system, (store) => this.verifiers.get(store.name)!.verdict(), this.crossCheck);
  }
}
