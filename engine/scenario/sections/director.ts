/** The director section: how callers are steered to a region's gateway (DNS or anycast) and when it fails over. */
import { z } from "zod";
import { id, seconds } from "./fields";
import { unknownRegion, type Issue, type References } from "./references";

/** What the director is unless the file says otherwise. */
export const DIRECTOR_DEFAULTS = {
  mode: "dns",
  /** AWS recommends 60–120 s TTLs on Route 53 failover records. */
  ttl_s: 60,
  layout: "active-active",
  balancing: "proximity",
  /** Route 53 fast health checks: every 10 s, failure threshold 3 (the same count to recover). */
  check_interval_s: 10,
  failure_threshold: 3,
} as const;

/** Every round asks every gateway from each checker region, so the list is bounded to keep a run's cost in check. */
const MAX_CHECKERS = 16;

export const director = z
  .strictObject({
    mode: z.enum(["dns", "anycast"]).default(DIRECTOR_DEFAULTS.mode),
    ttl_s: seconds(86_400).default(DIRECTOR_DEFAULTS.ttl_s),
    layout: z.enum(["active-active", "active-passive"]).default(DIRECTOR_DEFAULTS.layout),
    balancing: z.enum(["proximity", "weights"]).default(DIRECTOR_DEFAULTS.balancing),
    weights: z.record(id, z.number().min(0).max(1_000)).optional(),
    primary: id.optional().describe("Active-passive: the region that takes all traffic while healthy"),
    check_interval_s: z.number().min(1).max(300).default(DIRECTOR_DEFAULTS.check_interval_s),
    failure_threshold: z.int().min(1).max(10).default(DIRECTOR_DEFAULTS.failure_threshold),
    checkers: z
      .array(id)
      .min(1)
      .max(MAX_CHECKERS)
      .optional()
      .describe(
        "Regions the health checks come from, each checking every gateway over the network (partitions and latency apply); a round passes when more than 18 % of them see the gateway ready (Route 53). Absent: one checker outside every region",
      ),
    drain_p95_ms: z
      .number()
      .positive()
      .max(600_000)
      .optional()
      .describe("A check fails while the gateway reports the p95 of the answers it served above this; absent: latency never drains a region"),
    drain_on_provider_status: z
      .boolean()
      .optional()
      .describe("true: a check fails while the gateway reports a local provider whose status page says it is not operational (status pages lag incidents, so this is opt-in)"),
  })
  .prefault({});
export type DirectorConfig = z.infer<typeof director>;

/** The primary, weighted and checker regions exist, checkers each once, and the layout and balancing have what they need. */
export function checkDirector(d: DirectorConfig, refs: References): Issue[] {
  const issues: Issue[] = [];
  if (d.primary !== undefined) issues.push(...unknownRegion(refs, d.primary, ["director", "primary"]));
  if (d.layout === "active-passive" && d.primary === undefined) issues.push({ path: ["director", "primary"], message: "active-passive needs a primary region" });
  if (d.balancing === "weights") {
    if (!d.weights) issues.push({ path: ["director", "weights"], message: "balancing by weights needs a weights map" });
    else Object.keys(d.weights).forEach((r) => issues.push(...unknownRegion(refs, r, ["director", "weights", r])));
  }
  const seen = new Set<string>();
  d.checkers?.forEach((r, i) => {
    issues.push(...unknownRegion(refs, r, ["director", "checkers", i]));
    if (seen.has(r)) issues.push({ path: ["director", "checkers", i], message: `duplicate checker region "${r}"` });
    seen.add(r);
  });
  return issues;
}
