/**
 * `failover-lab import litellm|portkey|envoy CONFIG --region MATCH=region:JURISDICTION:Location … [--out FILE]`
 *
 * Turns a gateway's config into a scenario. The scenario goes to stdout (or --out), every field that could not
 * be imported to stderr as `file:line:column: field: message`. Exit codes: 0 imported, warnings or not;
 * 2 bad arguments, or a config that cannot become a scenario (problems printed, nothing written).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatProblems, IMPORTERS, parseRegionRule } from "../engine";
import { EXIT_INVALID_INPUT, EXIT_OK, helpRequested, readCommandLine, readText, UsageError } from "./args";

const USAGE = "usage: failover-lab import litellm|portkey|envoy CONFIG --region MATCH=region:JURISDICTION:Location [--region …] [--out SCENARIO.yaml]";
const HELP = `${USAGE}

Turns a gateway's config into a scenario: the scenario to stdout, every field that could not be imported
to stderr as file:line:column: field: message.

  --region  places every endpoint whose URL matches MATCH: a host (it and its subdomains, e.g.
            openai.azure.com) or a URL prefix with its scheme (https://eu.example.com/v1); the longest
            match wins; for envoy, MATCH may also be a locality's region, zone or sub_zone (us-east-1), which
            places the hosts whose address no rule matches. An endpoint no --region matches stops the import.
            Repeat for each region, e.g.
            --region my-eu.openai.azure.com=eu-west:EU:Dublin --region api.openai.com=us-east:US:Virginia
  --out     writes the scenario there instead of to stdout

exit codes: 0 imported, with warnings or not; 2 invalid input (arguments, a config that cannot become a
scenario), nothing written; 3 internal error`;

export async function main(argv: readonly string[]): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  const args = readCommandLine(() => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { region: { type: "string", multiple: true, default: [] }, out: { type: "string" } },
    });
    const [format, file, ...extra] = positionals;
    if (format === undefined || !(format in IMPORTERS)) throw new UsageError(format === undefined ? "missing config format" : `unknown config format "${format}" (known: ${Object.keys(IMPORTERS).join(", ")})`);
    if (file === undefined || extra.length > 0) throw new UsageError(file === undefined ? "missing config file" : `expected one config file, got ${positionals.length - 1}`);
    const rules = values.region.map((spec) => {
      const parsed = parseRegionRule(spec);
      if (!parsed.ok) throw new UsageError(parsed.message);
      return parsed.rule;
    });
    if (rules.length === 0) throw new UsageError("at least one --region is needed to place the config's endpoints");
    return { importer: IMPORTERS[format as keyof typeof IMPORTERS], file, rules, out: values.out };
  }, USAGE);
  if (!args) return EXIT_INVALID_INPUT;

  const text = readText(args.file, "config");
  if (text === undefined) return EXIT_INVALID_INPUT;
  const result = args.importer(text, args.file, args.rules);
  if (!result.ok) {
    process.stderr.write(`Cannot import; nothing written.\n${formatProblems(result.problems)}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (args.out === undefined) process.stdout.write(result.scenarioText);
  else
    try {
      writeFileSync(args.out, result.scenarioText);
    } catch (error) {
      process.stderr.write(`${args.out}: cannot write the scenario: ${(error as Error).message}\n`);
      return EXIT_INVALID_INPUT;
    }
  if (result.warnings.length > 0) process.stderr.write(`${formatProblems(result.warnings)}\n`);
  return EXIT_OK;
}
