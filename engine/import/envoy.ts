/**
 * An Envoy config (YAML or JSON: a bootstrap with `static_resources.clusters`, a list of clusters, or one
 * cluster) as a scenario. Envoy routes to clusters of hosts and knows no models, so each cluster becomes a
 * logical model named after it, deployed under that name at each of its hosts; each host is a provider placed
 * in a region by its address or its locality. Priority 0 is what the model serves, higher priorities are its
 * equivalents in priority order; `load_balancing_weight` becomes the targets' weights. Health checks, outlier
 * detection, a retry policy and a circuit breaker's retry budget become the scenario's health and gateway
 * settings. As for LiteLLM and Portkey (litellm.ts, portkey.ts), every field not imported is a located
 * warning; a cluster without endpoints, or a host no region rule places, is a problem and nothing is produced.
 */
import { beginImport, Deployments, emitScenario, isObj, slug, unique, type ImportResult, type Logical, type Obj, type Ref, type Report } from "./build";
import { regionOf, type RegionRule } from "./regions";
import type { SourcePath } from "./source";

/** Envoy's outlier detection defaults (ANCHORS.md): eject after 5 consecutive 5xx, for 30 s × ejections, capped at 300 s. */
const ENVOY_OUTLIER = { consecutive_5xx: 5, base_ejection_s: 30, max_ejection_s: 300 } as const;
/** Envoy's retry budget defaults (ANCHORS.md): retries at most 20 % of the requests in flight, 3 always allowed. */
const ENVOY_RETRY_BUDGET = { budget_percent: 20, min_retry_concurrency: 3 } as const;
/** Envoy's retry_policy defaults (the router's documentation): num_retries 1; back-off base 25 ms, capped at ten times it. */
const ENVOY_RETRY = { num_retries: 1, base_interval_ms: 25 } as const;
/** Envoy's lb_policy values a weighted random pick stands for without a warning: both spread requests over the hosts evenly by weight. */
const SPREADING_POLICIES = new Set(["ROUND_ROBIN", "RANDOM"]);
/** retry_on conditions that are HTTP statuses, as the scenario's retriable_status_codes. */
const RETRY_ON_STATUSES: Readonly<Record<string, (number | "5xx")[]>> = { "5xx": ["5xx"], "gateway-error": [502, 503, 504], "retriable-4xx": [409] };

const CLUSTER_KEYS = new Set(["name", "load_assignment", "health_checks", "outlier_detection", "circuit_breakers", "lb_policy", "common_lb_config", "transport_socket"]);

type Setting = { value: unknown; path: SourcePath };
interface Placed {
  provider: string;
  priority: number;
  locality: number;
  localityWeight: number | undefined;
  endpointWeight: number;
  path: SourcePath;
}

/** Parses Envoy config text; `file` only labels warnings and problems. Never throws, whatever the text. */
export function importEnvoy(text: string, file: string, rules: readonly RegionRule[]): ImportResult {
  const begun = beginImport(text, file);
  if (!begun.ok) return begun.result;
  const { data, at, warnings, problems, warn, fail } = begun.session;

  const found = clustersOf(data, warn);
  if (!found.ok) return { ok: false, problems: [at(found.path, found.message)] };
  const { clusters, path: clustersPath, single, retryPolicies } = found;

  const deployments = new Deployments();
  const logicalIds = new Set<string>();
  const models: Logical[] = [];
  const health: Obj = {};
  const gateway: Obj = {};
  const firstHealthCluster: { probe?: string; circuit?: string } = {};

  clusters.forEach((cluster: unknown, i) => {
    const path = single ? [] : [...clustersPath, i];
    if (!isObj(cluster)) return fail(path, "each cluster must be a mapping with a name and a load_assignment");
    const name = cluster.name;
    if (typeof name !== "string" || name.length === 0) return fail([...path, "name"], "required: the cluster's name, which becomes the model's");
    for (const key of Object.keys(cluster)) if (!CLUSTER_KEYS.has(key) && !(key === "retry_policy" && single)) warn([...path, key], `${key} has no equivalent in a scenario; not imported`);
    const id = unique(slug(name), logicalIds);
    warn([...path, "name"], `note: Envoy has no model concept, so the cluster name is used as the model name: logical model "${id}", deployed as model "${name}" at each of the cluster's hosts`);

    const tls = transportIsTls(cluster.transport_socket, [...path, "transport_socket"], warn);
    const localityWeighted = lbConfig(cluster, path, warn);
    lbPolicy(cluster.lb_policy, [...path, "lb_policy"], warn);

    const assignment = cluster.load_assignment;
    const endpoints = isObj(assignment) ? assignment.endpoints : undefined;
    if (!Array.isArray(endpoints) || endpoints.length === 0)
      return fail(assignment === undefined ? [...path, "name"] : isObj(assignment) && assignment.endpoints !== undefined ? [...path, "load_assignment", "endpoints"] : [...path, "load_assignment"], "no endpoints: a cluster needs load_assignment.endpoints with at least one lb_endpoint (a scenario cannot resolve DNS or discover hosts)");
    for (const key of Object.keys(assignment as Obj)) if (!["cluster_name", "endpoints"].includes(key)) warn([...path, "load_assignment", key], `${key} has no equivalent in a scenario; not imported`);
    const assigned = (assignment as Obj).cluster_name;
    if (assigned !== undefined && assigned !== name) warn([...path, "load_assignment", "cluster_name"], `differs from the cluster's name; the model is named "${name}", after the cluster`);

    // Localities in priority order, so the first region placed (where callers are invented) is one priority 0 serves.
    const localities = endpoints.map((entry: unknown, j) => ({ entry, j, priority: isObj(entry) && Number.isInteger(entry.priority) ? (entry.priority as number) : 0 }));
    localities.sort((a, b) => a.priority - b.priority);
    const placed: Placed[] = [];
    for (const { entry, j } of localities) {
      const lpath = [...path, "load_assignment", "endpoints", j];
      if (!isObj(entry)) {
        fail(lpath, "each endpoints entry must be a mapping with lb_endpoints");
        continue;
      }
      const priority = entry.priority ?? 0;
      if (!Number.isInteger(priority) || (priority as number) < 0 || (priority as number) > 127) {
        fail([...lpath, "priority"], "must be a whole number from 0 (the first priority) to 127");
        continue;
      }
      const locality = entry.locality;
      if (locality !== undefined && !isObj(locality)) warn([...lpath, "locality"], "must be a mapping { region, zone, sub_zone }; not imported");
      const where = isObj(locality) ? (["sub_zone", "zone", "region"] as const).flatMap((k) => (typeof locality[k] === "string" && locality[k] !== "" ? [locality[k] as string] : [])) : [];
      if (isObj(locality)) for (const key of Object.keys(locality)) if (!["region", "zone", "sub_zone"].includes(key)) warn([...lpath, "locality", key], `${key} has no equivalent in a scenario; not imported`);
      let localityWeight = positiveInt(entry.load_balancing_weight, [...lpath, "load_balancing_weight"], warn);
      if (localityWeight !== undefined && !localityWeighted) {
        warn([...lpath, "load_balancing_weight"], "Envoy uses locality weights only when the cluster sets common_lb_config.locality_weighted_lb_config; not imported, as Envoy ignores it");
        localityWeight = undefined;
      }
      for (const key of Object.keys(entry)) if (!["locality", "priority", "load_balancing_weight", "lb_endpoints"].includes(key)) warn([...lpath, key], `${key} has no equivalent in a scenario; not imported`);
      const lbEndpoints = entry.lb_endpoints;
      if (!Array.isArray(lbEndpoints) || lbEndpoints.length === 0) {
        fail(lbEndpoints === undefined ? lpath : [...lpath, "lb_endpoints"], "no endpoints: a locality needs lb_endpoints with at least one endpoint");
        continue;
      }
      lbEndpoints.forEach((lb: unknown, k) => {
        const epath = [...lpath, "lb_endpoints", k];
        const host = hostOf(lb, epath, tls, fail, warn);
        if (!host) return;
        const rule = regionOf(host.url, rules) ?? rules.find((r) => where.some((w) => w.toLowerCase() === r.match.toLowerCase()));
        if (!rule) {
          const named = where.length > 0 ? ` or its locality ${where.map((w) => `"${w}"`).join(", ")}` : "";
          return fail(host.path, `no --region matches ${host.url.hostname}${named}; add one, e.g. --region ${where.at(-1) ?? host.url.hostname}=eu-west:EU:Dublin`);
        }
        const provider = deployments.place(host.url, rule, host.url.hostname, name, { rpm: undefined, tpm: undefined }, host.path, warn);
        placed.push({ provider, priority: priority as number, locality: j, localityWeight, endpointWeight: host.weight, path: epath });
      });
    }
    if (placed.length === 0) return;

    const levels = [...new Set(placed.map((p) => p.priority))].sort((a, b) => a - b);
    const firstLower = localities.find((l) => l.priority > levels[0]!);
    if (firstLower)
      warn(
        [...path, "load_assignment", "endpoints", firstLower.j, "priority"],
        `note: priority ${firstLower.priority} and lower are imported as equivalents, tried after the priority ${levels[0]!} hosts of the same region and health; Envoy's gradual shift between priorities (overprovisioning factor 1.4) and its panic threshold (50 %) are not modelled`,
      );
    const refs: Ref[][] = [];
    const taken = new Map<string, number>();
    let weightsDiffer = false;
    for (const level of levels) {
      const inLevel = placed.filter((p) => p.priority === level);
      const byLocality = new Map<number, number>();
      for (const p of inLevel) byLocality.set(p.locality, (byLocality.get(p.locality) ?? 0) + p.endpointWeight);
      const levelRefs: Ref[] = [];
      for (const p of inLevel) {
        // With locality weighting Envoy picks a locality by its weight, then a host in it by the host's: the host's share is both.
        const weight = p.localityWeight === undefined ? p.endpointWeight : (p.localityWeight * p.endpointWeight) / byLocality.get(p.locality)!;
        const before = taken.get(p.provider);
        if (before !== undefined && before !== level) {
          warn(p.path, `this host is already at priority ${before} of the cluster; a scenario lists a target once, so it is not imported again`);
          continue;
        }
        taken.set(p.provider, level);
        const same = levelRefs.find((r) => r.provider === p.provider);
        if (same) same.weight = same.weight! + weight;
        else levelRefs.push({ provider: p.provider, model: name, weight });
      }
      if (levelRefs.some((r) => r.weight !== levelRefs[0]!.weight)) weightsDiffer = true;
      refs.push(levelRefs);
    }
    for (const r of refs.flat()) {
      if (weightsDiffer) r.weight = Math.round(r.weight! * 1000) / 1000;
      else delete r.weight;
    }
    const [serves = [], ...lower] = refs;
    // Envoy spreads requests over a priority's hosts (ROUND_ROBIN by default); a weighted pick is the scenario's way to.
    const strategy = refs.some((level) => level.length > 1) ? "weighted" : undefined;
    models.push({ id, sourceName: name, path: [...path, "name"], serves, equivalents: lower.flat(), ...(strategy ? { routing_strategy: strategy } : {}) });

    const probe = healthChecks(cluster.health_checks, [...path, "health_checks"], warn);
    if (probe) settle(health, "probe", probe, firstHealthCluster, name, [...path, "health_checks"], warn);
    const circuit = outlierDetection(cluster.outlier_detection, [...path, "outlier_detection"], warn);
    if (circuit) settle(health, "circuit", circuit, firstHealthCluster, name, [...path, "outlier_detection"], warn);
    const budget = retryBudget(cluster.circuit_breakers, [...path, "circuit_breakers"], warn);
    if (budget) {
      if (gateway.retry_budget === undefined) gateway.retry_budget = budget;
      else if (JSON.stringify(gateway.retry_budget) !== JSON.stringify(budget))
        warn([...path, "circuit_breakers"], "the scenario's gateway has one retry budget; the first cluster's is imported, this one is not");
    }
  });

  if (problems.length > 0) return { ok: false, problems };
  if (models.length === 0) return { ok: false, problems: [at(clustersPath, "no cluster could be imported; nothing to simulate")] };

  retryPolicies.forEach((policy, n) => {
    if (n === 0) {
      Object.assign(gateway, retryPolicy(policy, warn));
      if (policy.path[0] === "static_resources" && models.length > 1)
        warn(policy.path, "note: the scenario's gateway retries every model alike, so this route's retry_policy is imported for every cluster's model");
    }
    else warn(policy.path, "the scenario's gateway retries alike for every route; the first retry_policy in the file is imported, this one is not");
  });

  return emitScenario({ file, format: "Envoy", deployments, models, ids: logicalIds, gateway, health, warn, warnings });
}

type Found = { ok: true; clusters: unknown[]; path: SourcePath; single: boolean; retryPolicies: Setting[] } | { ok: false; path: SourcePath; message: string };

/** The clusters of a bootstrap, a list or one cluster, and the retry policies written beside them or in routes. */
function clustersOf(data: unknown, warn: Report): Found {
  const shape = "an Envoy config must be a bootstrap with static_resources.clusters, a list of clusters, or one cluster (a mapping with name and load_assignment)";
  if (Array.isArray(data)) return { ok: true, clusters: data, path: [], single: false, retryPolicies: [] };
  if (!isObj(data)) return { ok: false, path: [], message: shape };
  if (data.static_resources === undefined) {
    if (data.name === undefined && data.load_assignment === undefined) return { ok: false, path: [], message: shape };
    if (data.retry_policy === undefined) return { ok: true, clusters: [data], path: [], single: true, retryPolicies: [] };
    // Envoy itself refuses a cluster with a retry_policy; a one-cluster file may carry its route's beside it.
    warn(["retry_policy"], "note: Envoy sets retry_policy on a route or virtual host, not on a cluster; imported as the policy of the routes to this cluster");
    return { ok: true, clusters: [data], path: [], single: true, retryPolicies: [{ value: data.retry_policy, path: ["retry_policy"] }] };
  }
  const retryPolicies: Setting[] = [];
  if (data.retry_policy !== undefined) retryPolicies.push({ value: data.retry_policy, path: ["retry_policy"] });
  for (const key of Object.keys(data)) if (!["static_resources", "retry_policy"].includes(key)) warn([key], `${key} has no equivalent in a scenario; not imported`);
  const resources = data.static_resources;
  if (!isObj(resources) || !Array.isArray(resources.clusters) || resources.clusters.length === 0)
    return { ok: false, path: isObj(resources) ? ["static_resources"] : [], message: "a bootstrap needs static_resources.clusters with at least one cluster; nothing to import" };
  for (const key of Object.keys(resources)) {
    if (key === "clusters") continue;
    if (key === "listeners") {
      warn(["static_resources", key], "listeners say how Envoy accepts traffic, which a scenario invents; not imported, apart from the routes' retry_policy");
      findRetryPolicies(resources.listeners, ["static_resources", key], retryPolicies, warn, 0);
    } else warn(["static_resources", key], `${key} has no equivalent in a scenario; not imported`);
  }
  return { ok: true, clusters: resources.clusters, path: ["static_resources", "clusters"], single: false, retryPolicies };
}

/**
 * Every `retry_policy` under the listeners (a virtual host's or a route's), in file order; a route's `timeout`,
 * the failover setting a listener holds besides, is warned about where it is written.
 */
function findRetryPolicies(node: unknown, path: SourcePath, into: Setting[], warn: Report, depth: number): void {
  if (depth > 64) return;
  if (Array.isArray(node)) node.forEach((item: unknown, k) => findRetryPolicies(item, [...path, k], into, warn, depth + 1));
  else if (isObj(node))
    for (const [key, value] of Object.entries(node)) {
      if (key === "retry_policy") into.push({ value, path: [...path, key] });
      else if (key === "timeout" && path.at(-1) === "route")
        warn([...path, key], "a whole request's timeout has no equivalent (a scenario times out each attempt: per_try_timeout); not imported");
      else findRetryPolicies(value, [...path, key], into, warn, depth + 1);
    }
}

/** A TLS transport socket makes the cluster's hosts https; its settings themselves are not imported. */
function transportIsTls(socket: unknown, path: SourcePath, warn: Report): boolean {
  if (socket === undefined) return false;
  const name = isObj(socket) ? socket.name : undefined;
  if (typeof name === "string" && name.includes("tls")) {
    warn(path, "noted: the cluster's hosts are imported as https endpoints; the TLS settings have no equivalent in a scenario and are not imported");
    return true;
  }
  warn(path, "transport_socket has no equivalent in a scenario; the hosts are imported as http endpoints");
  return false;
}

/** Whether locality weights apply (common_lb_config.locality_weighted_lb_config); its other settings are warned about. */
function lbConfig(cluster: Obj, path: SourcePath, warn: Report): boolean {
  const config = cluster.common_lb_config;
  if (config === undefined) return false;
  if (!isObj(config)) {
    warn([...path, "common_lb_config"], "must be a mapping; not imported");
    return false;
  }
  for (const key of Object.keys(config)) if (key !== "locality_weighted_lb_config") warn([...path, "common_lb_config", key], `${key} has no equivalent in a scenario; not imported`);
  return config.locality_weighted_lb_config !== undefined;
}

/** Every lb_policy spreads requests over a priority's hosts, imported as a weighted pick; all but the two that only spread are warned about. */
function lbPolicy(policy: unknown, path: SourcePath, warn: Report): void {
  if (policy === undefined || (typeof policy === "string" && SPREADING_POLICIES.has(policy))) return;
  if (policy === "LEAST_REQUEST") warn(path, "LEAST_REQUEST has no equivalent (a scenario does not count requests in flight); imported as a weighted random pick");
  else warn(path, `${String(policy)} has no equivalent (a scenario picks ordered, weighted or by latency); imported as a weighted random pick`);
}

/** One host: its URL (https with a TLS transport socket), the field naming it, and its weight. */
function hostOf(lb: unknown, path: SourcePath, tls: boolean, fail: Report, warn: Report): { url: URL; path: SourcePath; weight: number } | undefined {
  if (!isObj(lb)) return void fail(path, "each lb_endpoints entry must be a mapping with an endpoint");
  const endpoint = lb.endpoint;
  if (!isObj(endpoint)) return void fail(lb.endpoint_name === undefined ? path : [...path, "endpoint_name"], "required: endpoint.address.socket_address (a named endpoint cannot be resolved from the file)");
  const address = endpoint.address;
  const socket = isObj(address) ? address.socket_address : undefined;
  if (!isObj(socket)) return void fail([...path, "endpoint", "address"], "required: socket_address { address, port_value } (a pipe or internal address is no provider)");
  const hostPath = [...path, "endpoint", "address", "socket_address", "address"];
  const host = socket.address;
  if (typeof host !== "string" || host.length === 0) return void fail(hostPath, "required: a host name or IP address");
  const port = socket.port_value;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65_535)
    return void fail(port === undefined ? [...path, "endpoint", "address", "socket_address"] : [...path, "endpoint", "address", "socket_address", "port_value"], "port_value must be a whole number from 1 to 65535");
  let url: URL;
  try {
    url = new URL(`${tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${String(port)}`);
  } catch {
    return void fail(hostPath, "must be a host name or IP address");
  }
  for (const key of Object.keys(socket)) if (!["address", "port_value", "protocol"].includes(key)) warn([...path, "endpoint", "address", "socket_address", key], `${key} has no equivalent in a scenario; not imported`);
  if (socket.protocol !== undefined && socket.protocol !== "TCP") warn([...path, "endpoint", "address", "socket_address", "protocol"], "a provider is reached over TCP; not imported");
  for (const key of Object.keys(address as Obj)) if (key !== "socket_address") warn([...path, "endpoint", "address", key], `${key} has no equivalent in a scenario; not imported`);
  for (const key of Object.keys(endpoint)) if (key !== "address") warn([...path, "endpoint", key], `${key} has no equivalent in a scenario; not imported`);
  for (const key of Object.keys(lb)) if (!["endpoint", "load_balancing_weight"].includes(key)) warn([...path, key], `${key} has no equivalent in a scenario; not imported`);
  return { url, path: hostPath, weight: positiveInt(lb.load_balancing_weight, [...path, "load_balancing_weight"], warn) ?? 1 };
}

/** The first health check as the scenario's probe; Envoy requires all four settings, so a missing one is warned about. */
function healthChecks(checks: unknown, path: SourcePath, warn: Report): Obj | undefined {
  if (checks === undefined) return undefined;
  if (!Array.isArray(checks) || checks.length === 0 || !isObj(checks[0])) {
    warn(path, "must be a list of health checks; not imported");
    return undefined;
  }
  checks.slice(1).forEach((_, k) => warn([...path, k + 1], "the scenario probes each target one way; only the first health check is imported"));
  const check = checks[0];
  const at = [...path, 0];
  const probe: Obj = {};
  const read = (key: string, into: string, parse: (v: unknown) => number | undefined, range: string) => {
    if (check[key] === undefined) return warn(at, `${key} is missing (Envoy requires it); the scenario's default is used`);
    const value = parse(check[key]);
    if (value === undefined) warn([...at, key], `must be ${range}; not imported`);
    else probe[into] = value;
  };
  read("interval", "interval_s", (v) => inRange(durationS(v), 1, 300), "a duration from 1s to 300s");
  read("timeout", "timeout_ms", (v) => inRange(msOf(durationS(v)), 1, 60_000), "a duration above 0, at most 60s");
  read("unhealthy_threshold", "unhealthy_threshold", (v) => wholeIn(v, 1, 10), "a whole number from 1 to 10");
  read("healthy_threshold", "healthy_threshold", (v) => wholeIn(v, 1, 10), "a whole number from 1 to 10");
  for (const key of Object.keys(check)) {
    if (["interval", "timeout", "unhealthy_threshold", "healthy_threshold"].includes(key)) continue;
    if (/_health_check$/.test(key)) warn([...at, key], `a simulated probe asks the deployment itself whether it serves; the ${key} settings are not imported`);
    else warn([...at, key], `${key} has no equivalent in a scenario; not imported`);
  }
  return Object.keys(probe).length > 0 ? probe : undefined;
}

/** outlier_detection as the scenario's circuit, with Envoy's defaults for what it leaves out. */
function outlierDetection(detection: unknown, path: SourcePath, warn: Report): Obj | undefined {
  if (detection === undefined) return undefined;
  if (!isObj(detection)) {
    warn(path, "must be a mapping; not imported");
    return undefined;
  }
  const circuit: Obj = { consecutive_failures: ENVOY_OUTLIER.consecutive_5xx, base_ejection_s: ENVOY_OUTLIER.base_ejection_s, max_ejection_s: ENVOY_OUTLIER.max_ejection_s };
  for (const [key, value] of Object.entries(detection)) {
    const field = [...path, key];
    if (key === "consecutive_5xx") {
      const n = wholeIn(value, 1, 1_000);
      if (n === undefined) warn(field, "must be a whole number from 1 to 1000; not imported");
      else circuit.consecutive_failures = n;
    } else if (key === "base_ejection_time" || key === "max_ejection_time") {
      const s = inRange(durationS(value), 1, key === "base_ejection_time" ? 3_600 : 86_400);
      if (s === undefined) warn(field, `must be a duration from 1s to ${key === "base_ejection_time" ? "3600s" : "86400s"}; not imported`);
      else circuit[key === "base_ejection_time" ? "base_ejection_s" : "max_ejection_s"] = s;
    } else if (key === "interval") warn(field, "the scenario ejects a target at the failure that crosses the threshold, not at Envoy's analysis sweep (every 10 s by default); not imported");
    else if (key === "max_ejection_percent") warn(field, "the scenario may eject every target (Envoy's default caps ejection at 10 % of the hosts); not imported");
    else warn(field, `${key} has no equivalent in a scenario; not imported`);
  }
  if ((circuit.max_ejection_s as number) < (circuit.base_ejection_s as number)) {
    warn(path, `the longest ejection (${String(circuit.max_ejection_s)} s) is below the first (${String(circuit.base_ejection_s)} s); imported as ${String(circuit.base_ejection_s)} s for both, as Envoy then ejects for the longest`);
    circuit.max_ejection_s = circuit.base_ejection_s;
  }
  return circuit;
}

/** The retry budget of the cluster's circuit breakers (the DEFAULT priority's); every other threshold is warned about. */
function retryBudget(breakers: unknown, path: SourcePath, warn: Report): Obj | undefined {
  if (breakers === undefined) return undefined;
  if (!isObj(breakers) || !Array.isArray(breakers.thresholds)) {
    warn(path, "must be a mapping with thresholds; not imported");
    return undefined;
  }
  for (const key of Object.keys(breakers)) if (key !== "thresholds") warn([...path, key], `${key} has no equivalent in a scenario; not imported`);
  let budget: Obj | undefined;
  breakers.thresholds.forEach((threshold: unknown, k) => {
    const tpath = [...path, "thresholds", k];
    if (!isObj(threshold)) return warn(tpath, "must be a mapping; not imported");
    if (threshold.priority !== undefined && threshold.priority !== "DEFAULT")
      return warn([...tpath, "priority"], `${String(threshold.priority)} thresholds apply to routes of that priority, which a scenario has none of; not imported`);
    for (const key of Object.keys(threshold))
      if (!["priority", "retry_budget"].includes(key)) warn([...tpath, key], `${key} has no equivalent in a scenario (it limits connections and requests, which a simulation does not count); not imported`);
    const rb = threshold.retry_budget;
    if (rb === undefined) return;
    if (!isObj(rb)) return warn([...tpath, "retry_budget"], "must be a mapping { budget_percent, min_retry_concurrency }; not imported");
    budget = { ...ENVOY_RETRY_BUDGET };
    for (const [key, value] of Object.entries(rb)) {
      if (key === "budget_percent") {
        const p = inRange(isObj(value) ? (value.value as unknown) : value, 0, 100);
        if (p === undefined) warn([...tpath, "retry_budget", key], "must be a percentage from 0 to 100, e.g. { value: 20.0 }; not imported");
        else budget.budget_percent = p;
      } else if (key === "min_retry_concurrency") {
        const n = wholeIn(value, 0, 10_000);
        if (n === undefined) warn([...tpath, "retry_budget", key], "must be a whole number from 0 to 10000; not imported");
        else budget.min_retry_concurrency = n;
      } else warn([...tpath, "retry_budget", key], `${key} has no equivalent in a scenario; not imported`);
    }
  });
  return budget;
}

/** A retry_policy as the gateway's attempts, attempt timeout, retried statuses and back-off, with Envoy's defaults. */
function retryPolicy({ value, path }: Setting, warn: Report): Obj {
  const gateway: Obj = {};
  if (!isObj(value)) {
    warn(path, "must be a mapping { num_retries, per_try_timeout, retry_on }; not imported");
    return gateway;
  }
  gateway.max_attempts = ENVOY_RETRY.num_retries + 1;
  gateway.backoff_base_ms = ENVOY_RETRY.base_interval_ms;
  const on = typeof value.retry_on === "string" ? value.retry_on.split(",").map((s) => s.trim()).filter((s) => s.length > 0) : [];
  if (value.retry_on === undefined) warn(path, "retry_on is missing: Envoy retries nothing without it; the scenario's retriable statuses are kept");
  else if (on.length === 0) warn([...path, "retry_on"], 'must be a comma-separated list of conditions, e.g. "5xx,reset"; not imported');
  const statuses: (number | "5xx")[] = [];
  for (const condition of on) {
    if (condition === "retriable-status-codes") {
      const codes = value.retriable_status_codes;
      if (Array.isArray(codes) && codes.length > 0 && codes.every((c) => Number.isInteger(c) && (c as number) >= 400 && (c as number) <= 599)) statuses.push(...(codes as number[]));
      else warn([...path, "retriable_status_codes"], "must be a list of HTTP error statuses (400–599) when retry_on names retriable-status-codes; not imported");
    } else if (RETRY_ON_STATUSES[condition]) statuses.push(...RETRY_ON_STATUSES[condition]);
    else warn([...path, "retry_on"], `"${condition}" has no equivalent (a scenario retries by HTTP status); not imported`);
  }
  if (statuses.length > 0) gateway.retriable_status_codes = [...new Set(statuses)];
  for (const [key, v] of Object.entries(value)) {
    const field = [...path, key];
    if (key === "retry_on") continue;
    if (key === "retriable_status_codes") {
      if (!on.includes("retriable-status-codes")) warn(field, "Envoy uses it only when retry_on names retriable-status-codes; not imported");
    } else if (key === "num_retries") {
      const n = wholeIn(v, 0, 9);
      if (n === undefined) warn(field, "must be a whole number from 0 to 9 (a scenario allows at most 10 attempts); not imported");
      else gateway.max_attempts = n + 1;
    } else if (key === "per_try_timeout") {
      const ms = inRange(msOf(durationS(v)), 1, 600_000);
      if (ms === undefined) warn(field, "must be a duration above 0, at most 600s; not imported");
      else gateway.attempt_timeout_ms = ms;
    } else if (key === "retry_back_off") {
      if (!isObj(v)) {
        warn(field, "must be a mapping { base_interval, max_interval }; not imported");
        continue;
      }
      const base = inRange(msOf(durationS(v.base_interval)), 1, 60_000);
      if (v.base_interval !== undefined && base === undefined) warn([...field, "base_interval"], "must be a duration from 1ms to 60s; not imported");
      if (base !== undefined) gateway.backoff_base_ms = base;
      const max = msOf(durationS(v.max_interval));
      if (v.max_interval !== undefined && max !== 10 * (gateway.backoff_base_ms as number))
        warn([...field, "max_interval"], `the scenario caps back-off at ten times the base (${String(10 * (gateway.backoff_base_ms as number))} ms), as Envoy does by default; not imported`);
      for (const k of Object.keys(v)) if (!["base_interval", "max_interval"].includes(k)) warn([...field, k], `${k} has no equivalent in a scenario; not imported`);
    } else warn(field, `${key} has no equivalent in a scenario; not imported`);
  }
  return gateway;
}

/** A health setting from the first cluster that has it; a later cluster that differs is warned about, as the scenario judges every target alike. */
function settle(health: Obj, key: "probe" | "circuit", value: Obj, first: { probe?: string; circuit?: string }, cluster: string, path: SourcePath, warn: Report): void {
  if (first[key] === undefined) {
    health[key] = value;
    first[key] = cluster;
  } else if (JSON.stringify(health[key]) !== JSON.stringify(value))
    warn(path, `the scenario judges every target's health alike; cluster "${first[key]}"'s settings are imported, this cluster's differ and are not`);
}

/** A protobuf Duration as Envoy's YAML writes it ("5s", "0.25s") or as { seconds, nanos }, in seconds. */
function durationS(value: unknown): number | undefined {
  if (typeof value === "string") {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    return m ? Number(m[1]) : undefined;
  }
  if (isObj(value) && (typeof value.seconds === "number" || typeof value.nanos === "number") && Object.keys(value).every((k) => k === "seconds" || k === "nanos"))
    return (typeof value.seconds === "number" ? value.seconds : 0) + (typeof value.nanos === "number" ? value.nanos / 1e9 : 0);
  return undefined;
}

const msOf = (s: number | undefined): number | undefined => (s === undefined ? undefined : Math.round(s * 1_000_000) / 1_000);
const inRange = (v: unknown, min: number, max: number): number | undefined => (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max ? v : undefined);
const wholeIn = (v: unknown, min: number, max: number): number | undefined => (Number.isInteger(v) ? inRange(v, min, max) : undefined);

/** Envoy's load_balancing_weight: a whole number from 1 (its minimum); undefined when absent or once warned about. */
function positiveInt(v: unknown, path: SourcePath, warn: Report): number | undefined {
  if (v === undefined) return undefined;
  const n = wholeIn(v, 1, 1_000_000);
  if (n === undefined) warn(path, "must be a whole number from 1 to 1000000; not imported");
  return n;
}
