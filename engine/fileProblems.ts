/**
 * What is wrong with a file, located so a person can fix it in their editor: every reader of the product's text
 * files (engine/textFile.ts) and every format read from them (engine/yamlFile.ts, the importers) says it this way.
 */

/** One thing wrong with a file. `line` and `column` are 1-based and always point inside the file. */
export interface FileProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path with [i] for list items, e.g. `topology.callers[0].rate_per_s`; "" for the whole document or YAML syntax. */
  readonly field: string;
  readonly message: string;
}

/** Thrown by the readers that throw; `problems` is never empty and its message is {@link formatProblems} of them. */
export class FileProblemsError extends Error {
  constructor(readonly problems: readonly FileProblem[]) {
    super(formatProblems(problems));
    this.name = "FileProblemsError";
  }
}

/** One line per problem, `file:line:column: field: message`; the `field: ` part is left out when the field is "". */
export function formatProblems(problems: readonly FileProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ""}${p.message}`).join("\n");
}

/**
 * How many problems a list shows: enough to fix a file in one sitting, while a file of 40,000 wrong keys still
 * makes a short message, a small reply to the app and a list the UI can draw.
 */
export const MAX_PROBLEMS = 50;

/** The first {@link MAX_PROBLEMS} problems, in the order given, then one saying how many more there are, located at the first not shown. */
export function capProblems(problems: readonly FileProblem[]): FileProblem[] {
  if (problems.length <= MAX_PROBLEMS) return [...problems];
  const next = problems[MAX_PROBLEMS]!;
  const more = problems.length - MAX_PROBLEMS;
  return [...problems.slice(0, MAX_PROBLEMS), { file: next.file, line: next.line, column: next.column, field: "", message: `and ${more.toLocaleString("en")} more problem${more === 1 ? "" : "s"}` }];
}
