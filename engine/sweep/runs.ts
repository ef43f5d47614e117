/**
 * A sweep's runs: every seed of a range under every combination of the varied fields, in one fixed order, and
 * the deterministic slices of that order that shards run. The order and the keys depend only on the command
 * line, so separate machines agree on them without talking to each other.
 */
import { formatOverride, parseFieldValue, type FieldOverride, type FieldValue } from "../scenario/override";

/** A field and the values a sweep tries it at, in the order given. */
export interface VariedField {
  readonly path: string;
  readonly values: readonly FieldValue[];
}

/** One drill of a sweep. `index` is its place in the order of every run of the sweep, shards or not. */
export interface SweepRun {
  readonly index: number;
  readonly seed: number;
  readonly overrides: readonly FieldOverride[];
}

const MAX_SEED = 2 ** 31 - 1;

/** `A..B` (inclusive) or a single seed; throws an Error saying what is wrong. */
export function parseSeedRange(text: string): { from: number; to: number } {
  const match = /^(\d+)(?:\.\.(\d+))?$/.exec(text);
  const from = Number(match?.[1]);
  const to = Number(match?.[2] ?? match?.[1]);
  if (!match || from > MAX_SEED || to > MAX_SEED || from > to) throw new Error(`--seeds must read A..B, integers with 0 <= A <= B <= ${MAX_SEED}, got "${text}"`);
  return { from, to };
}

/** `path=v1,v2,…`; a path may be varied once, and each of its values once. */
export function parseVary(text: string): VariedField {
  const eq = text.indexOf("=");
  const path = text.slice(0, eq);
  const values = text.slice(eq + 1).split(",");
  if (eq <= 0 || values.some((v) => v === "")) throw new Error(`--vary must read path=v1,v2,… with no empty value, got "${text}"`);
  if (new Set(values).size !== values.length) throw new Error(`--vary ${path} names a value twice`);
  return { path, values: values.map(parseFieldValue) };
}

/** `i/n` with 0 <= i < n: `$JOB_COMPLETION_INDEX/N` as an indexed job numbers its pods. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) throw new Error(`--shard must read i/n with 0 <= i < n, got "${text}"`);
  return { index, count };
}

/** Every combination of the fields' values, the first field varying slowest; one empty combination without fields. */
function combinations(fields: readonly VariedField[]): FieldOverride[][] {
  return fields.reduce<FieldOverride[][]>((combos, field) => combos.flatMap((combo) => field.values.map((value) => [...combo, { path: field.path, value }])), [[]]);
}

/** Every run of a sweep: combination by combination, seeds ascending within each. */
export function enumerateRuns(seeds: { from: number; to: number }, fields: readonly VariedField[]): SweepRun[] {
  if (new Set(fields.map((f) => f.path)).size !== fields.length) throw new Error("--vary names a field twice");
  const runs: SweepRun[] = [];
  for (const overrides of combinations(fields)) for (let seed = seeds.from; seed <= seeds.to; seed++) runs.push({ index: runs.length, seed, overrides });
  return runs;
}

/** The shard's runs: round robin by index, so every shard gets every combination and a similar load. */
export function shardRuns(runs: readonly SweepRun[], shard: { index: number; count: number }): SweepRun[] {
  return runs.filter((run) => run.index % shard.count === shard.index);
}

/** The run's identity across shards: its seed and varied values, e.g. `seed=3 director.ttl_s=30`. */
export function runKey(seed: number, overrides: readonly FieldOverride[]): string {
  return [`seed=${seed}`, ...overrides.map(formatOverride)].join(" ");
}

/** The command that replays one run as a single drill. */
export function reproduceCommand(scenario: string, seed: number, overrides: readonly FieldOverride[]): string {
  return ["npx failover-lab drill", shellQuote(scenario), `--seed ${seed}`, ...overrides.map((o) => `--set ${shellQuote(formatOverride(o))}`)].join(" ");
}

function shellQuote(text: string): string {
  return /^[\w./=,:@+-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
