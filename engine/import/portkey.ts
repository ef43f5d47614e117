/**
 * A Portkey gateway config (JSON) as a scenario: its targets become providers and deployments serving one
 * logical model, its strategy that model's routing (fallback: ordered, loadbalance: weighted), its retry and
 * timeout the gateway's. A scenario routes one level, so nested strategies are flattened into the top-level
 * order and warned about. As for LiteLLM (litellm.ts), every field not imported is a located warning.
 */
import { beginImport, Deployments, emitScenario, endpointOf, isObj, type ImportResult, type Obj, type Ref, type Report } from "./build";
import { regionOf, type RegionRule } from "./regions";
import type { SourcePath } from "./source";

const ROUTE_ID = "portkey-route";
const TOP_KEYS = new Set(["strategy", "targets", "retry", "request_timeout"]);
const TARGET_KEYS = new Set(["provider", "custom_host", "override_params", "weight", "api_key", "virtual_key", "strategy", "targets"]);

/** Parses Portkey config text (JSON, or the same as YAML); `file` only labels warnings and problems. Never throws. */
export function importPortkey(text: string, file: string, rules: readonly RegionRule[]): ImportResult {
  const begun = beginImport(text, file);
  if (!begun.ok) return begun.result;
  const { data, at, warnings, problems, warn, fail } = begun.session;
  if (!isObj(data)) return { ok: false, problems: [at([], "a Portkey config must be a mapping (a JSON object) with a strategy and targets, or one target")] };

  // A config without a strategy is a single target itself.
  const single = data.strategy === undefined && data.targets === undefined;
  for (const key of Object.keys(data))
    if (!TOP_KEYS.has(key) && !(single && TARGET_KEYS.has(key))) warn([key], `${key} has no equivalent in a scenario; not imported`);

  const mode = single ? "ordered" : modeOf(data, [], warn);
  const deployments = new Deployments();
  const serves: Ref[] = [];
  const visit = (target: Obj, path: SourcePath, inherited: number | undefined) => {
    if (Array.isArray(target.targets) && target !== data) {
      warn(target.strategy === undefined ? path : [...path, "strategy"], "a nested strategy; flattened: its targets join the top-level order, and its own mode and settings are not imported");
      for (const key of Object.keys(target)) if (!["strategy", "targets", "weight"].includes(key)) warn([...path, key], `${key} on a nested strategy has no equivalent in a scenario; not imported`);
      const weight = weightOf(target, path, warn);
      target.targets.forEach((t: unknown, k) => (isObj(t) ? visit(t, [...path, "targets", k], weight ?? inherited) : fail([...path, "targets", k], "each target must be a mapping")));
      return;
    }
    if (target === data && !single) {
      if (!Array.isArray(target.targets) || target.targets.length === 0) return fail(["targets"], "a strategy needs at least one target; nothing to import");
      target.targets.forEach((t: unknown, k) => (isObj(t) ? visit(t, ["targets", k], undefined) : fail(["targets", k], "each target must be a mapping")));
      return;
    }
    leaf(target, path, inherited);
  };
  const leaf = (target: Obj, path: SourcePath, inherited: number | undefined) => {
    const provider = target.provider;
    if (typeof provider !== "string" || provider.length === 0)
      return fail(target.virtual_key === undefined ? path : [...path, "virtual_key"], "a target needs its provider (a virtual key hides it from a config); add provider");
    const params = target.override_params;
    const model = isObj(params) ? params.model : undefined;
    if (typeof model !== "string" || model.length === 0)
      return fail(isObj(params) ? [...path, "override_params"] : path, "Portkey takes the model from each request, a scenario needs it named: add override_params.model");
    if (isObj(params)) for (const key of Object.keys(params)) if (key !== "model") warn([...path, "override_params", key], `${key} has no equivalent in a scenario; not imported`);
    for (const key of Object.keys(target)) {
      if (key === "virtual_key") warn([...path, key], "virtual_key is noted, not used: a simulated deployment takes no key");
      else if (key === "api_key") warn([...path, key], "an API key; not copied into the scenario (a simulated deployment takes no key)");
      else if (!TARGET_KEYS.has(key) && target !== data) warn([...path, key], `${key} on a target has no equivalent in a scenario; not imported`);
    }
    const endpoint = endpointOf(target.custom_host, provider.replace(/^@/, ""), "custom_host", [...path, target.custom_host === undefined ? "provider" : "custom_host"], fail, warn);
    if (!endpoint) return;
    const rule = regionOf(endpoint, rules);
    if (!rule) return fail([...path, target.custom_host === undefined ? "provider" : "custom_host"], `no --region matches ${endpoint.host}; add one, e.g. --region ${endpoint.host}=eu-west:EU:Dublin`);
    const weight = weightOf(target, path, warn) ?? inherited;
    if (weight === 0) return warn([...path, "weight"], "weight 0: Portkey never picks this target; not imported");
    const id = deployments.place(endpoint, rule, provider.replace(/^@/, ""), model, { rpm: undefined, tpm: undefined }, [...path, "provider"], warn);
    const same = serves.find((r) => r.provider === id && r.model === model);
    if (same) {
      if (mode === "weighted") same.weight = (same.weight ?? 1) + (weight ?? 1);
    } else serves.push({ provider: id, model, ...(mode === "weighted" && weight !== undefined ? { weight } : {}) });
  };
  visit(data, [], undefined);
  if (problems.length > 0) return { ok: false, problems };
  if (serves.length === 0) return { ok: false, problems: [at(["targets"], "no target could be imported; nothing to simulate")] };
  if (mode !== "weighted" && serves.some((r) => r.weight !== undefined)) serves.forEach((r) => delete r.weight);

  const gateway: Obj = {};
  const strategy = data.strategy;
  if (isObj(strategy) && strategy.on_status_codes !== undefined) {
    const codes = statusCodes(strategy.on_status_codes, ["strategy", "on_status_codes"], warn);
    if (codes) gateway.failover_status_codes = codes;
  }
  const retry = data.retry;
  if (retry !== undefined) {
    if (!isObj(retry)) warn(["retry"], "must be a mapping { attempts, on_status_codes }; not imported");
    else
      for (const [key, value] of Object.entries(retry)) {
        if (key === "attempts") {
          if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 9) gateway.max_attempts = (value as number) + 1;
          else warn(["retry", key], "must be a whole number from 0 to 9 (a scenario allows at most 10 attempts); not imported");
        } else if (key === "on_status_codes") {
          const codes = statusCodes(value, ["retry", key], warn);
          if (codes) gateway.retriable_status_codes = codes;
        } else warn(["retry", key], `${key} has no equivalent in a scenario; not imported`);
      }
  }
  if (data.request_timeout !== undefined) {
    const ms = data.request_timeout;
    if (typeof ms === "number" && ms > 0 && ms <= 600_000) gateway.attempt_timeout_ms = ms;
    else warn(["request_timeout"], "must be milliseconds above 0, at most 600000; not imported");
  }

  return emitScenario({
    file,
    format: "Portkey",
    deployments,
    models: [{ id: ROUTE_ID, sourceName: ROUTE_ID, path: single ? [] : ["targets"], serves, routing_strategy: mode }],
    ids: new Set([ROUTE_ID]),
    gateway,
    health: {},
    warn,
    warnings,
  });
}

function modeOf(data: Obj, path: SourcePath, warn: Report): "ordered" | "weighted" {
  const strategy = data.strategy;
  const mode = isObj(strategy) ? strategy.mode : undefined;
  if (isObj(strategy))
    for (const key of Object.keys(strategy)) if (!["mode", "on_status_codes"].includes(key)) warn([...path, "strategy", key], `${key} has no equivalent in a scenario; not imported`);
  if (mode === "loadbalance") return "weighted";
  if (mode !== "fallback") warn([...path, "strategy", "mode"], `mode ${String(mode)} has no equivalent (a scenario has fallback and loadbalance); its targets are tried in order, as fallback`);
  return "ordered";
}

function weightOf(target: Obj, path: SourcePath, warn: Report): number | undefined {
  const w = target.weight;
  if (w === undefined) return undefined;
  if (typeof w === "number" && w >= 0 && w <= 1_000_000) return w;
  warn([...path, "weight"], "must be a number from 0 to 1000000; not imported");
  return undefined;
}

function statusCodes(value: unknown, path: SourcePath, warn: Report): number[] | undefined {
  if (Array.isArray(value) && value.length > 0 && value.every((c) => Number.isInteger(c) && (c as number) >= 400 && (c as number) <= 599)) return value as number[];
  warn(path, "must be a list of HTTP error statuses (400–599); not imported");
  return undefined;
}
