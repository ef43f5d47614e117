/**
 * A LiteLLM proxy `config.yaml` as a scenario: its model_list becomes providers, deployments and logical
 * models, its router settings the gateway's retries, timeouts, cooldowns and fallbacks. A simulation has no
 * traffic of its own to import, so callers are invented and said to be. Whatever the scenario cannot express
 * is a warning at the field that says it, never dropped silently; what a scenario cannot do without (a
 * region for every deployment, at least one model) is a problem, and then nothing is produced.
 */
import { beginImport, Deployments, emitScenario, endpointOf, isObj, slug, unique, type ImportResult, type Logical, type Obj, type Ref, type Report } from "./build";
import { regionOf, type RegionRule } from "./regions";
import type { Setting, SourcePath } from "./source";

/** LiteLLM's routing strategies that have a scenario equivalent; the others are warned about. */
const ROUTING: Readonly<Record<string, "weighted" | "latency">> = { "simple-shuffle": "weighted", "latency-based-routing": "latency" };

/** The keys of router_settings and litellm_settings this importer reads; the rest are warned about. */
const FALLBACK_KINDS = { fallbacks: "equivalents", context_window_fallbacks: "long_context", content_policy_fallbacks: "content_policy_fallbacks" } as const;
type FallbackKind = keyof typeof FALLBACK_KINDS;
const SETTINGS_READ = new Set(["routing_strategy", "num_retries", "timeout", "request_timeout", "allowed_fails", "cooldown_time", ...Object.keys(FALLBACK_KINDS)]);

/** Parses LiteLLM config text; `file` only labels warnings and problems. Never throws, whatever the text. */
export function importLitellm(text: string, file: string, rules: readonly RegionRule[]): ImportResult {
  const begun = beginImport(text, file);
  if (!begun.ok) return begun.result;
  const { data, at, warnings, problems, warn, fail } = begun.session;

  if (!isObj(data)) return { ok: false, problems: [at([], "a LiteLLM config must be a mapping with a model_list, not " + (Array.isArray(data) ? "a list" : data === null || data === undefined ? "an empty file" : "a single value"))] };
  for (const key of Object.keys(data))
    if (!["model_list", "router_settings", "litellm_settings"].includes(key)) warn([key], `${key} has no equivalent in a scenario (it configures the proxy, not routing or failover); not imported`);

  const modelList = data.model_list;
  if (!Array.isArray(modelList) || modelList.length === 0) {
    fail(["model_list"], "a LiteLLM config needs a model_list with at least one model; nothing to import");
    return { ok: false, problems };
  }

  const deployments = new Deployments();
  const logical = new Map<string, Logical>();
  const logicalIds = new Set<string>();

  modelList.forEach((entry: unknown, i) => {
    const path = ["model_list", i];
    if (!isObj(entry)) return fail(path, "each model_list entry must be a mapping with model_name and litellm_params");
    const name = entry.model_name;
    if (typeof name !== "string" || name.length === 0) return fail([...path, "model_name"], "required: the model name callers ask for");
    const params = entry.litellm_params;
    if (!isObj(params) || typeof params.model !== "string" || params.model.length === 0)
      return fail([...path, "litellm_params", "model"], "required: the provider/model this entry deploys, e.g. openai/gpt-4o");
    for (const key of Object.keys(entry))
      if (key === "model_info") warn([...path, key], "model_info is metadata the simulation does not use; not imported");
      else if (!["model_name", "litellm_params", "rpm", "tpm"].includes(key)) warn([...path, key], `${key} has no equivalent in a scenario; not imported`);
    if (name.includes("*") || params.model.includes("*")) return warn([...path, "litellm_params", "model"], "wildcard routes have no equivalent in a scenario, which names each model; entry not imported");

    const slash = params.model.indexOf("/");
    const litellmProvider = slash > 0 ? params.model.slice(0, slash) : "openai";
    const model = slash > 0 ? params.model.slice(slash + 1) : params.model;
    const endpoint = endpointOf(params.api_base, litellmProvider, "api_base", [...path, "litellm_params", params.api_base === undefined ? "model" : "api_base"], fail, warn);
    if (!endpoint) return;
    const rule = regionOf(endpoint, rules);
    if (!rule)
      return fail(
        [...path, "litellm_params", params.api_base === undefined ? "model" : "api_base"],
        `no --region matches ${endpoint.host}; add one, e.g. --region ${endpoint.host}=eu-west:EU:Dublin`,
      );

    for (const key of Object.keys(params)) {
      const keyPath = [...path, "litellm_params", key];
      if (["model", "api_base", "rpm", "tpm", "weight"].includes(key)) continue;
      if (key === "api_key") {
        const v = params.api_key;
        warn(keyPath, typeof v === "string" && v.startsWith("os.environ/")
          ? `${v.slice("os.environ/".length)} is noted, not used: a simulated deployment takes no key`
          : "a literal API key; not copied into the scenario (a simulated deployment takes no key)");
      } else warn(keyPath, `${key} has no equivalent in a scenario; not imported`);
    }

    const limit = (key: "rpm" | "tpm", max: number): number | undefined => {
      const inParams = params[key] !== undefined;
      const v = inParams ? params[key] : entry[key];
      if (v === undefined) return undefined;
      if (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max) return v as number;
      warn(inParams ? [...path, "litellm_params", key] : [...path, key], `must be a whole number from 1 to ${max}; not imported`);
      return undefined;
    };
    const rpm = limit("rpm", 10_000_000);
    const tpm = limit("tpm", 1_000_000_000);

    let weight: number | undefined;
    if (params.weight !== undefined) {
      if (typeof params.weight === "number" && params.weight > 0 && params.weight <= 1_000_000) weight = params.weight;
      else warn([...path, "litellm_params", "weight"], "must be a positive number up to 1000000; not imported");
    }

    const placed = deployments.place(endpoint, rule, litellmProvider, model, { rpm, tpm }, [...path, "litellm_params", "model"], warn);
    let target = logical.get(name);
    if (!target) {
      target = { id: unique(slug(name), logicalIds), sourceName: name, path: [...path, "model_name"], serves: [] };
      logical.set(name, target);
    }
    const same = target.serves.find((r) => r.provider === placed && r.model === model);
    if (same) {
      // The scenario routes a provider model across all its deployments at once, so their LiteLLM weights add up.
      if (weight !== undefined || same.weight !== undefined) same.weight = (same.weight ?? 1) + (weight ?? 1);
    } else target.serves.push({ provider: placed, model, ...(weight === undefined ? {} : { weight }) });
  });

  if (problems.length > 0) return { ok: false, problems };
  if (logical.size === 0) {
    fail(["model_list"], "no model_list entry could be imported; nothing to simulate");
    return { ok: false, problems };
  }

  const settings = readSettings(data, warn);
  // Without a routing_strategy LiteLLM shuffles by weight, so the scenario does too rather than take its own default order.
  let routingStrategy: "weighted" | "latency" | undefined = ROUTING["simple-shuffle"];
  if (settings.routing_strategy) {
    const { value, path } = settings.routing_strategy;
    routingStrategy = typeof value === "string" ? ROUTING[value] : undefined;
    if (!routingStrategy) warn(path, `${String(value)} has no equivalent (a scenario orders targets ordered, weighted or latency); the scenario's default order is used`);
  }

  const gateway: Obj = {};
  const health: Obj = {};
  if (settings.num_retries) {
    const { value, path } = settings.num_retries;
    if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 9) gateway.max_attempts = (value as number) + 1;
    else warn(path, "must be a whole number from 0 to 9 (a scenario allows at most 10 attempts); not imported");
  }
  if (settings.timeout) {
    const { value, path } = settings.timeout;
    if (typeof value === "number" && value > 0 && value <= 600) gateway.attempt_timeout_ms = value * 1000;
    else warn(path, "must be a number of seconds above 0, at most 600; not imported");
  }
  if (settings.allowed_fails) {
    const { value, path } = settings.allowed_fails;
    if (Number.isInteger(value) && (value as number) >= 0 && (value as number) < 1_000) {
      health.circuit = { consecutive_failures: (value as number) + 1 };
      warn(path, `imported as health.circuit.consecutive_failures ${(value as number) + 1}: LiteLLM cools a deployment down after more than ${String(value)} failures in a minute, the scenario's circuit after that many in a row`);
    } else warn(path, "must be a whole number from 0 to 998; not imported");
  }
  if (settings.cooldown_time) {
    const { value, path } = settings.cooldown_time;
    if (typeof value === "number" && value >= 1 && value <= 3_600) {
      // LiteLLM's cooldown does not grow with repeated failures, so the ejection is held at its base.
      health.circuit = { ...(health.circuit as Obj | undefined), base_ejection_s: value, max_ejection_s: value };
    } else warn(path, "must be a number of seconds from 1 to 3600; not imported");
  }

  const refsOf = (names: unknown, path: SourcePath): Ref[] => {
    if (!Array.isArray(names)) {
      warn(path, "must be a list of model names; not imported");
      return [];
    }
    return names.flatMap((n: unknown, k) => {
      const found = typeof n === "string" ? logical.get(n) : undefined;
      if (!found) {
        warn([...path, k], `${typeof n === "string" ? `"${n}"` : "this"} is no model_name of the model_list; not imported`);
        return [];
      }
      return found.serves.map(({ provider, model }) => ({ provider, model }));
    });
  };
  const fallbackRefs = new Map<string, Record<(typeof FALLBACK_KINDS)[FallbackKind], Ref[]>>();
  for (const kind of Object.keys(FALLBACK_KINDS) as FallbackKind[]) {
    const setting = settings[kind];
    if (!setting) continue;
    if (!Array.isArray(setting.value)) {
      warn(setting.path, `must be a list of { model_name: [fallback model names] }; not imported`);
      continue;
    }
    setting.value.forEach((item: unknown, k) => {
      const itemPath = [...setting.path, k];
      if (!isObj(item)) return warn(itemPath, "must be a mapping { model_name: [fallback model names] }; not imported");
      for (const [from, to] of Object.entries(item)) {
        const source = logical.get(from);
        if (!source) {
          warn([...itemPath, from], `"${from}" is no model_name of the model_list; not imported`);
          continue;
        }
        const lists = fallbackRefs.get(source.id) ?? { equivalents: [], long_context: [], content_policy_fallbacks: [] };
        const into = lists[FALLBACK_KINDS[kind]];
        for (const ref of refsOf(to, [...itemPath, from]))
          if (!into.some((r) => r.provider === ref.provider && r.model === ref.model)) into.push(ref);
        fallbackRefs.set(source.id, lists);
      }
    });
  }

  return emitScenario({
    file,
    format: "LiteLLM",
    deployments,
    models: [...logical.values()].map((m) => ({ ...m, ...fallbackRefs.get(m.id), ...(routingStrategy ? { routing_strategy: routingStrategy } : {}) })),
    ids: logicalIds,
    gateway,
    health,
    warn,
    warnings,
  });
}

/**
 * The settings this importer reads, from router_settings or, where LiteLLM also takes them, litellm_settings;
 * router_settings wins, as the Router is what applies them. Every other key is warned about.
 */
function readSettings(data: Obj, warn: Report): Partial<Record<string, Setting>> {
  const found: Partial<Record<string, Setting>> = {};
  for (const section of ["router_settings", "litellm_settings"] as const) {
    const s = data[section];
    if (s === undefined || s === null) continue;
    if (!isObj(s)) {
      warn([section], "must be a mapping; not imported");
      continue;
    }
    for (const [key, value] of Object.entries(s)) {
      const name = key === "request_timeout" ? "timeout" : key;
      if (!SETTINGS_READ.has(key) || (section === "litellm_settings" && key === "routing_strategy")) {
        warn([section, key], `${key} has no equivalent in a scenario; not imported`);
        continue;
      }
      if (found[name]) {
        warn([section, key], `also set in router_settings, whose value is imported; this one is not`);
        continue;
      }
      found[name] = { value, path: [section, key] };
    }
  }
  return found;
}

