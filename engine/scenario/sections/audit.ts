/**
 * The audit section: where audit entries go (the seed's two architectures) and what a region does when it cannot
 * reach its audit destination. Every region writes to a durable local buffer first and flushes it asynchronously.
 */
import { z } from "zod";
import { id } from "./fields";
import { unknownRegion, type Issue, type References } from "./references";

const AUDIT_PATTERNS = ["central", "per-region"] as const;

/** How audit entries travel unless the file says otherwise. */
export const AUDIT_DEFAULTS = {
  pattern: "central",
  /** Log shippers flush once a second by default (Fluent Bit's Flush, Vector's batch timeout). */
  flush_interval_ms: 1_000,
  on_unreachable: "buffer",
  high_risk_durable_in: "destination",
  /** The region's own buffer is the first copy; each further one goes to the next-nearest region, a round trip away. */
  high_risk_replicas: 1,
} as const;

export const audit = z
  .strictObject({
    pattern: z
      .enum(AUDIT_PATTERNS)
      .default(AUDIT_DEFAULTS.pattern)
      .describe("central: Pattern A, one canonical log in one region, fed by regional buffers; per-region: Pattern B, a log per region merged by a global query"),
    destination: id.optional().describe("Pattern A: the region holding the canonical log; default the first region"),
    flush_interval_ms: z.number().min(10).max(600_000).default(AUDIT_DEFAULTS.flush_interval_ms),
    on_unreachable: z
      .enum(["buffer", "fail-closed"])
      .default(AUDIT_DEFAULTS.on_unreachable)
      .describe("buffer: keep serving and flush on heal; fail-closed: reject the calls that need a durable audit write"),
    high_risk_durable_in: z
      .enum(["destination", "replicas"])
      .default(AUDIT_DEFAULTS.high_risk_durable_in)
      .describe("Where a high-risk call's entry (EU AI Act Art. 12) must be committed before its response returns: the destination, or high_risk_replicas regional stores"),
    high_risk_replicas: z.int().min(1).max(9).default(AUDIT_DEFAULTS.high_risk_replicas),
  })
  .prefault({});
export type AuditConfig = z.infer<typeof audit>;

/** Replicas fit in the regions, and a destination exists and belongs to the central pattern. */
export function checkAudit(a: AuditConfig, refs: References): Issue[] {
  const issues: Issue[] = [];
  if (a.high_risk_replicas > refs.regions.size)
    issues.push({ path: ["audit", "high_risk_replicas"], message: `cannot exceed the number of regions (${refs.regions.size}): each copy is in a region of its own` });
  if (a.destination !== undefined) {
    issues.push(...unknownRegion(refs, a.destination, ["audit", "destination"]));
    if (a.pattern === "per-region")
      issues.push({ path: ["audit", "destination"], message: "per-region (Pattern B) keeps each region's log in that region; destination applies to central only" });
  }
  return issues;
}
