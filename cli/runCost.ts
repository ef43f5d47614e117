/**
 * A run's cost before it starts, as `drill` and `compare` say it: the estimate on stderr, or, over the bound and
 * without --allow-large, the refusal, after which the command runs nothing and exits 2.
 */
import { describeCost, estimateRun, refusalOf, type Scenario } from "../engine";

/** Prints `<label>expected ~N requests ≈ T here`, or the refusal naming `what`; false when refused. */
export function announceRunCost(scenario: Scenario, what: string, label: string, allowLarge: boolean): boolean {
  const cost = estimateRun(scenario);
  const refusal = allowLarge ? undefined : refusalOf(cost, what, "--allow-large");
  process.stderr.write(`${refusal ?? `${label}expected ${describeCost(cost)}`}\n`);
  return refusal === undefined;
}
