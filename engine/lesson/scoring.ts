/**
 * Scoring a lesson's questions against what the run measured, pure. A numeric answer is right within the
 * question's tolerance of the metric's value at the pause; a choice is right when its option's condition holds
 * there. A question the run cannot answer (its metric has no value yet, or not exactly one option holds) is the
 * lesson's defect, not the participant's: it is reported as such, and `lesson check` refuses the lesson.
 */
import { evaluateExpectations, type Metrics } from "../report/expectations";
import type { MetricName } from "../scenario/schema";
import { quotedMetrics, type LessonQuestion } from "./schema";

/** A number for a numeric question, an option's index for a choice. */
export type Answer = number;

export type Verdict =
  | { readonly kind: "number"; readonly measured: number; readonly correct: boolean; readonly range: readonly [number, number] }
  | { readonly kind: "choice"; readonly rightOption: number; readonly correct: boolean }
  | { readonly kind: "unanswerable"; readonly why: string };

/** What the run says the answer is, and whether `answer` (absent: not answered) is it. */
export function judge(question: LessonQuestion, metrics: Metrics, answer: Answer | undefined): Verdict {
  if (question.kind === "number") {
    const measured = metrics[question.measure];
    if (measured === null) return { kind: "unanswerable", why: `${question.measure} has no value at the pause: the run has not measured it yet` };
    // Every metric is a count, a duration, a share or a flag: none below zero.
    const range = [Math.max(0, measured - question.tolerance), measured + question.tolerance] as const;
    return { kind: "number", measured, range, correct: answer !== undefined && answer >= range[0] && answer <= range[1] };
  }
  const holding = evaluateExpectations(
    question.options.map((o) => o.when),
    metrics,
  ).flatMap((result, i) => (result.pass ? [i] : []));
  if (holding.length !== 1)
    return { kind: "unanswerable", why: holding.length === 0 ? "no option's condition holds on this run" : `options ${holding.map((i) => i + 1).join(" and ")} all hold on this run` };
  return { kind: "choice", rightOption: holding[0]!, correct: answer === holding[0] };
}

/** A figure as a reveal quotes it: whole numbers grouped, others to three significant digits; "no value" for null. */
export function figure(value: number | null): string {
  if (value === null) return "no value";
  if (Number.isInteger(value)) return value.toLocaleString("en");
  return Number(value.toPrecision(3)).toLocaleString("en", { maximumFractionDigits: 3 });
}

/** The explanation with each `{metric}` replaced by its figure on this run. */
export function explain(question: LessonQuestion, metrics: Metrics): string {
  let text = question.explain;
  for (const name of new Set(quotedMetrics(question.explain))) text = text.replaceAll(`{${name}}`, figure(metrics[name as MetricName]));
  return text;
}
