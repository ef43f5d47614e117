/** The verdict people read, in one place for the terminal summary, the HTML report and the app's live view. */

/** What a run of no requests says instead of a verdict: every expectation then holds of nothing. */
export const VACUOUS_RUN = "0 requests: every expectation is vacuous";

/**
 * The drill passed: every expectation holds and at least one request ran. The report's `passed` (every
 * expectation holds) stays as it was, so that its JSON keeps its meaning; this is the verdict people read.
 */
export const drillPassed = (report: { readonly passed: boolean; readonly totals: { readonly requests: number } }): boolean =>
  report.passed && report.totals.requests > 0;
