/**
 * A scenario's expectations ("detection_s <= 15") evaluated against the drill's metrics.
 */
import { EXPECTATION_PATTERN, type MetricName } from "../scenario/schema";

export type Metrics = Record<MetricName, number | null>;

export interface ExpectationResult {
  readonly expectation: string;
  readonly metric: MetricName;
  readonly op: string;
  readonly value: number;
  /** Null when the drill produced no value (e.g. no fault was ever detected): the expectation fails. */
  readonly actual: number | null;
  readonly pass: boolean;
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  "<=": (a, b) => a <= b,
  ">=": (a, b) => a >= b,
  "<": (a, b) => a < b,
  ">": (a, b) => a > b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

export function evaluateExpectations(expectations: readonly string[], metrics: Metrics): ExpectationResult[] {
  return expectations.map((expectation) => {
    const match = EXPECTATION_PATTERN.exec(expectation);
    // The schema validated every expectation against the same pattern.
    if (!match) throw new Error(`malformed expectation "${expectation}"`);
    const [, metric, op, literal] = match as unknown as [string, MetricName, string, string];
    const value = Number(literal);
    const actual = metrics[metric];
    return { expectation, metric, op, value, actual, pass: actual !== null && COMPARE[op]!(actual, value) };
  });
}
