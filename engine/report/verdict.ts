/**
 * The verdict people read, apart from the report's code so that the app's renderer can say it in the same
 * words (the lab contract re-exports it; this module imports nothing).
 */

/** What a run of no requests says instead of a verdict: every expectation then holds of nothing. */
export const VACUOUS_RUN = "0 requests: every expectation is vacuous";

/**
 * The drill passed: every expectation holds and at least one request ran. The report's `passed` (every
 * expectation holds) stays as it was, so that its JSON keeps its meaning; this is the verdict people read.
 */
export const drillPassed = (report: { readonly passed: boolean; readonly totals: { readonly requests: number } }): boolean =>
  report.passed && report.totals.requests > 0;
