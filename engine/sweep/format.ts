/** A sweep's aggregate as text for a terminal: per combination, a table of distributions and the expectations' outcomes. */
import { formatOverride } from "../scenario/override";
import type { GroupAggregate, SweepAggregate } from "./aggregate";
import { SKETCH_ACCURACY } from "./sketch";

const COLUMNS = ["count", "min", "p50", "p95", "p99", "max"] as const;

/** Four significant digits at most, integers as they are: quantiles are only good to 1 % anyway. */
export function formatFigure(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

export function formatSweep(aggregate: SweepAggregate): string {
  const seeds = aggregate.seeds.min === aggregate.seeds.max ? `seed ${aggregate.seeds.min}` : `seeds ${aggregate.seeds.min}..${aggregate.seeds.max}`;
  const lines = [`sweep of ${aggregate.scenario}: ${aggregate.runs} runs, ${seeds}; quantiles within ${SKETCH_ACCURACY * 100} %`];
  for (const group of aggregate.groups) lines.push("", ...formatGroup(group));
  return lines.join("\n");
}

function formatGroup(group: GroupAggregate): string[] {
  const title = group.vary.length === 0 ? `${group.runs} runs` : `${group.vary.map(formatOverride).join(" ")} (${group.runs} runs)`;
  const names = Object.keys(group.metrics);
  const width = Math.max(6, ...names.map((n) => n.length));
  const rows = names.map((name) => {
    const d = group.metrics[name]!;
    const missing = d.missing > 0 ? `  (no value in ${d.missing})` : "";
    return `  ${name.padEnd(width)} ${COLUMNS.map((c) => formatFigure(d[c]).padStart(9)).join("")}${missing}`;
  });
  const expectations = group.expectations.flatMap((e) => [
    `    ${e.expectation}: ${e.passed}/${e.runs} passed (${formatFigure(Math.round(e.pass_rate * 1000) / 10)} %)`,
    ...e.failed.map((f) => `      failed on seed ${f.seed}: ${f.command}`),
    ...(e.failed_unlisted > 0 ? [`      and ${e.failed_unlisted} more runs`] : []),
  ]);
  return [
    title,
    `  ${"metric".padEnd(width)} ${COLUMNS.map((c) => c.padStart(9)).join("")}`,
    ...rows,
    ...(group.without_values.length > 0 ? [`  no value in any run: ${group.without_values.join(", ")}`] : []),
    `  residency violations, summed over every run: ${group.residency_violations_total}`,
    ...(expectations.length > 0 ? ["  expectations:", ...expectations] : ["  no expectations"]),
  ];
}
