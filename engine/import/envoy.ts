/**
 * An Envoy config (YAML or JSON: a bootstrap with `static_resources.clusters`, a list of clusters, or one
 * cluster) as a scenario. Envoy routes to clusters of hosts and knows no models, so each cluster becomes a
 * logical model named after it, deployed under that name at each of its hosts; each host is a provider placed
 * in a region by its address or its locality. Priority 0 is what the model serves, higher priorities are its
 * equivalents in priority order; `load_balancing_weight` becomes the targets' weights. Health checks, outlier
 * detection, a retry policy and a circuit breaker's retry budget become the scenario's health and gateway
 * settings: envoySettings.ts reads each one, and this file decides whose is imported when clusters differ.
 * As for LiteLLM and Portkey (litellm.ts, portkey.ts), every field not imported is a located warning; a
 * cluster without endpoints, or a host no region rule places, is a problem and nothing is produced.
 */
import { beginImport, Deployments, emitScenario, isObj, slug, unique, type ImportResult, type Logical, type Obj, type Ref, type Report } from "./build";
import { healthChecks, outlierDetection, positiveInt, retryBudget, retryPolicy } from "./envoySettings";
import { regionOf, type RegionRule } from "./regions";
import type { Setting, SourcePath } from "./source";

/** Envoy's lb_policy values a weighted random pick stands for without a warning: both spread requests over the hosts evenly by weight. */
const SPREADING_POLICIES = new Set(["ROUND_ROBIN", "RANDOM"]);

const CLUSTER_KEYS = new Set(["name", "load_assignment", "health_checks", "outlier_detection", "circuit_breakers", "lb_policy", "common_lb_config", "transport_socket"]);

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

/** A health setting from the first cluster that has it; a later cluster that differs is warned about, as the scenario judges every target alike. */
function settle(health: Obj, key: "probe" | "circuit", value: Obj, first: { probe?: string; circuit?: string }, cluster: string, path: SourcePath, warn: Report): void {
  if (first[key] === undefined) {
    health[key] = value;
    first[key] = cluster;
  } else if (JSON.stringify(health[key]) !== JSON.stringify(value))
    warn(path, `the scenario judges every target's health alike; cluster "${first[key]}"'s settings are imported, this cluster's differ and are not`);
}
