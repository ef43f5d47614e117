/**
 * What every importer shares: placing endpoints in regions as providers and deployments, and writing the
 * scenario (invented callers, section defaults) once the config's own routing has been read.
 */
import { Document, isScalar, visit } from "yaml";
import { parseScenario, type ScenarioProblem } from "../scenario/load";
import { DIRECTOR_DEFAULTS, HEADER_DEFAULTS, POLICY_DEFAULTS, SCENARIO_REVISION, type Scenario, type ScenarioInput } from "../scenario/schema";
import type { RegionRule } from "./regions";
import { readSource, type Source, type SourcePath } from "./source";

/** On success the scenario's text and the scenario it validated as, so a caller that runs it parses nothing again. */
export type ImportResult = { ok: true; scenarioText: string; scenario: Scenario; warnings: ScenarioProblem[] } | { ok: false; problems: ScenarioProblem[] };
export type Report = (path: SourcePath, message: string) => void;

/** A config read for import and the two lists its importer fills: what it leaves out, and what stops it. */
export interface ImportSession extends Source {
  readonly warnings: ScenarioProblem[];
  readonly problems: ScenarioProblem[];
  readonly warn: Report;
  readonly fail: Report;
}

/** Reads the config text every importer starts from, or the result that says why it cannot be read. */
export function beginImport(text: string, file: string): { ok: true; session: ImportSession } | { ok: false; result: ImportResult } {
  const read = readSource(text, file);
  if (!read.ok) return { ok: false, result: { ok: false, problems: [read.problem] } };
  const { data, at } = read.source;
  const warnings: ScenarioProblem[] = [];
  const problems: ScenarioProblem[] = [];
  const warn: Report = (path, message) => warnings.push(at(path, message));
  const fail: Report = (path, message) => problems.push(at(path, message));
  return { ok: true, session: { data, at, warnings, problems, warn, fail } };
}

/** Long enough for the health checks, circuits and director to act several times over; short enough to play at once. */
const IMPORTED_DURATION_S = 300;
/** Per logical model: enough requests to exercise routing and health, few enough that no rate limit is the story. */
const CALLER_RATE_PER_S = 2;

/** Where a provider's requests go when the config names no endpoint (LiteLLM's and Portkey's defaults alike). */
const DEFAULT_API_BASES: Readonly<Record<string, string>> = {
  openai: "https://api.openai.com",
  anthropic: "https://api.anthropic.com",
  mistral: "https://api.mistral.ai",
  "mistral-ai": "https://api.mistral.ai",
  groq: "https://api.groq.com",
  gemini: "https://generativelanguage.googleapis.com",
  google: "https://generativelanguage.googleapis.com",
  cohere: "https://api.cohere.ai",
  deepseek: "https://api.deepseek.com",
};

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export type Ref = { provider: string; model: string; weight?: number };

/** A logical model as read from a config: where it is named there, and what it resolves to. */
export interface Logical {
  id: string;
  sourceName: string;
  path: SourcePath;
  serves: Ref[];
  routing_strategy?: "ordered" | "weighted" | "latency";
  equivalents?: Ref[];
  long_context?: Ref[];
  content_policy_fallbacks?: Ref[];
}

/** Config names (`gpt-3.5-turbo`, `azure_ai`) as scenario ids: lower case, digits and dashes. */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return s.length > 0 ? s : "model";
}

export function unique(base: string, taken: Set<string>): string {
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base.slice(0, 60)}-${n}`;
  taken.add(candidate);
  return candidate;
}

/** The endpoint a config names (or its provider's default), as a URL; undefined once the problem is reported. */
export function endpointOf(base: unknown, provider: string, field: string, path: SourcePath, fail: Report, warn: Report): URL | undefined {
  if (base === undefined) {
    const known = DEFAULT_API_BASES[provider];
    if (!known) fail(path, `no ${field}, and provider "${provider}" has no default endpoint this importer knows; add ${field}`);
    return known === undefined ? undefined : new URL(known);
  }
  if (typeof base === "string" && base.startsWith("os.environ/")) {
    fail(path, `the endpoint comes from environment variable ${base.slice("os.environ/".length)}; write its URL here to import it (a simulation reads no environment)`);
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = typeof base === "string" ? new URL(base) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    fail(path, "must be an http(s) URL");
    return undefined;
  }
  const rest = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  if (rest.length > 0 || url.search) warn(path, `the path ${url.pathname}${url.search} is dropped: a simulated deployment is its origin, ${url.origin}`);
  return url;
}

interface Deployment {
  region: string;
  endpoint: string;
  models: Map<string, { rpm?: number; tpm?: number }>;
}
interface Provider {
  id: string;
  deployments: Deployment[];
}

/**
 * The topology's regions, providers and deployments as endpoints are placed. The simulator tells deployments
 * apart by origin, so one origin is one deployment; and a provider is deployed once per region, so a second
 * endpoint of one provider in a region becomes another provider (`azure-2`).
 */
export class Deployments {
  readonly regions = new Map<string, RegionRule>();
  readonly providers: Provider[] = [];
  private readonly byOrigin = new Map<string, { provider: Provider; deployment: Deployment }>();
  private readonly providerIds = new Set<string>();

  /** Deploys `model` at the endpoint; the provider id that serves it there. */
  place(endpoint: URL, rule: RegionRule, providerName: string, model: string, limits: { rpm: number | undefined; tpm: number | undefined }, path: SourcePath, warn: Report): string {
    this.regions.set(rule.region, rule);
    let placed = this.byOrigin.get(endpoint.origin);
    const providerId = slug(providerName);
    if (placed && placed.provider.id.replace(/-\d+$/, "") !== providerId)
      warn(path, `${endpoint.origin} is already provider "${placed.provider.id}"'s endpoint; this entry is imported as deployed there`);
    if (!placed) {
      let provider = this.providers.find((p) => p.id.replace(/-\d+$/, "") === providerId && !p.deployments.some((d) => d.region === rule.region));
      if (!provider) {
        provider = { id: unique(providerId, this.providerIds), deployments: [] };
        this.providers.push(provider);
      }
      const deployment: Deployment = { region: rule.region, endpoint: endpoint.origin, models: new Map() };
      provider.deployments.push(deployment);
      placed = { provider, deployment };
      this.byOrigin.set(endpoint.origin, placed);
    }
    const { rpm, tpm } = limits;
    const known = placed.deployment.models.get(model);
    if (known && (known.rpm !== rpm || known.tpm !== tpm)) warn(path, `${model} at ${endpoint.origin} is listed before with other rpm/tpm; the first entry's limits are kept`);
    if (!known) placed.deployment.models.set(model, { ...(rpm === undefined ? {} : { rpm }), ...(tpm === undefined ? {} : { tpm }) });
    return placed.provider.id;
  }
}

export interface Imported {
  file: string;
  /** The config's kind, for the scenario's name: LiteLLM, Portkey, Envoy. */
  format: string;
  deployments: Deployments;
  models: readonly Logical[];
  /** Ids taken by logical models, so invented callers do not reuse one. */
  ids: Set<string>;
  gateway: Obj;
  health: Obj;
  warn: Report;
  warnings: ScenarioProblem[];
}

/** The scenario text, validated; a failure to validate is an importer bug, reported rather than written. */
export function emitScenario({ file, format, deployments, models, ids, gateway, health, warn, warnings }: Imported): ImportResult {
  const regionList = [...deployments.regions.values()];
  const first = regionList[0]!;
  const callerIds = new Map(models.map((m) => [m.id, unique(`${m.id.slice(0, 55)}-callers`, ids)]));
  for (const m of models)
    warn(m.path, `note: a config has no traffic; callers "${callerIds.get(m.id)}" are invented in ${first.region} at ${CALLER_RATE_PER_S} requests/s${m.id === m.sourceName ? "" : ` (model "${m.sourceName}" is "${m.id}" in the scenario)`}`);

  const scenario: ScenarioInput = {
    revision: SCENARIO_REVISION,
    name: `Imported from ${format} ${baseName(file)}`,
    description: `Imported by failover-lab import from the ${format} config ${baseName(file)}. Callers are invented (a config has no traffic) and round trips between regions are the simulator's default (add topology.rtt_ms); add faults and expectations to drill it.`,
    seed: HEADER_DEFAULTS.seed,
    duration_s: IMPORTED_DURATION_S,
    topology: {
      regions: regionList.map((r) => ({ id: r.region, jurisdiction: r.jurisdiction, location: r.location })),
      providers: deployments.providers.map((p) => ({
        id: p.id,
        deployments: p.deployments.map((d) => ({
          region: d.region,
          endpoint: d.endpoint,
          models: [...d.models].map(([model, limits]) => (limits.rpm === undefined && limits.tpm === undefined ? model : { model, ...limits })),
        })),
      })),
      models: models.map((m) => ({
        id: m.id,
        ...(m.routing_strategy ? { routing_strategy: m.routing_strategy } : {}),
        serves: m.serves,
        ...(m.equivalents?.length ? { equivalents: m.equivalents } : {}),
        ...(m.long_context?.length ? { long_context: m.long_context } : {}),
        ...(m.content_policy_fallbacks?.length ? { content_policy_fallbacks: m.content_policy_fallbacks } : {}),
      })),
      callers: models.map((m) => ({ id: callerIds.get(m.id)!, region: first.region, jurisdiction: first.jurisdiction, model: m.id, rate_per_s: CALLER_RATE_PER_S })),
    },
    policy: { residency: {}, outage_choice: POLICY_DEFAULTS.outage_choice },
    director: { mode: DIRECTOR_DEFAULTS.mode, ttl_s: DIRECTOR_DEFAULTS.ttl_s, layout: DIRECTOR_DEFAULTS.layout, balancing: DIRECTOR_DEFAULTS.balancing },
    ...(Object.keys(gateway).length > 0 ? { gateway } : {}),
    ...(Object.keys(health).length > 0 ? { health } : {}),
  };
  const scenarioText = `# Imported from ${baseName(file)} by failover-lab import; see its warnings for what was not imported.\n${toYaml(scenario)}`;
  const check = parseScenario(scenarioText, "(imported scenario)");
  if (!check.ok) return { ok: false, problems: check.problems.map((p) => ({ ...p, message: `the imported scenario is invalid, an importer bug: ${p.field}: ${p.message}` })) };
  return { ok: true, scenarioText, scenario: check.scenario, warnings: warnings.sort((a, b) => a.line - b.line || a.column - b.column) };
}

/** Written as the shipped scenarios are: a mapping or list of plain values on one line, the rest as blocks. */
function toYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Map(_, node) {
      if (node.items.length > 0 && node.items.every((p) => isScalar(p.value))) node.flow = true;
    },
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
