/**
 * The gateway's conduct under each request-level fault class, measured: one streaming call per class to a
 * gateway whose primary target has the fault, in virtual time at the scenario's settings. `npm run faults`
 * prints it, and docs/REQUEST-FAULTS.md is its output at the defaults (a test keeps the two equal).
 */
import { runChatCalls, type ChatCallResult } from "../chatCalls";
import { needsRealTime } from "../drill";
import type { AttemptRecord } from "../events";
import { REQUEST_FAULT_CLASSES, REQUEST_FAULT_DEFAULTS, REQUEST_FAULT_LABELS, type Fault, type RequestFaultClass, type Scenario } from "../scenario/schema";
import { Topology, type Target } from "../topology";

export interface ConductRow {
  readonly fault: string;
  /** The attempts, in order, with the waits between them. */
  readonly gatewayDid: string;
  /** Completion requests per model, as the providers counted them. */
  readonly providerCalls: string;
  /** Virtual seconds from the call to its outcome; for the flapping primary, the slowest call. */
  readonly elapsedS: number;
  readonly callerGot: string;
}

/** Calls to the gateway while the primary flaps: one every few seconds for two minutes. */
const FLAP_CALLS = 40;
const FLAP_EVERY_MS = 3_000;
const FLAP_DOWN_S = 60;
const START_MS = 1_000;
/** Classes measured as a passing hiccup: the fault takes one request, then the primary is healthy. */
const ONCE = new Set<RequestFaultClass>(["server-error", "rate-limit-retry-after"]);

export async function measureConduct(scenario: Scenario, region: string, model: string): Promise<ConductRow[]> {
  const realServers = needsRealTime(scenario);
  if (realServers) throw new Error(`${realServers}: request-level conduct is measured in virtual time, with simulated providers only`);
  const topology = new Topology(scenario);
  const targets = topology.targetsFor(model).filter((t) => t.endpoint.region === region);
  const primary = targets[0];
  const fallback = targets.find((t) => t.endpoint.provider !== primary?.endpoint.provider);
  if (!primary || !fallback) throw new Error(`measuring conduct needs ${model} served in ${region} by two providers (found: ${targets.map((t) => t.id).join(", ") || "none"})`);
  const on = (target: Target, cls: RequestFaultClass, extra: Partial<Extract<Fault, { kind: "request-fault" }>> = {}): Fault => ({
    kind: "request-fault",
    at_s: 0,
    region,
    provider: target.endpoint.provider,
    model: target.model,
    class: cls,
    ...REQUEST_FAULT_DEFAULTS,
    ...extra,
  });
  const body = { model, messages: [{ role: "user", content: "What is a failover drill?" }], stream: true, stream_options: { include_usage: true } };
  const rows: ConductRow[] = [];
  for (const cls of REQUEST_FAULT_CLASSES) {
    const faults =
      cls === "rejects-prefill" ? [on(primary, "stream-cut"), on(fallback, cls)] : [on(primary, cls, ONCE.has(cls) ? { times: 1 } : {})];
    const [result] = await runChatCalls({ ...scenario, faults }, [{ at: START_MS, region, body }], 300_000);
    const label = cls === "rejects-prefill" ? `stream cut, and the fallback ${REQUEST_FAULT_LABELS[cls]}` : `${REQUEST_FAULT_LABELS[cls]}${cls === "server-error" ? " once" : ""}`;
    rows.push(row(label, result!));
  }
  rows.push(await flapping(scenario, on(primary, "unavailable", { heal_s: FLAP_DOWN_S }), region, body, primary));
  return rows;
}

function row(fault: string, result: ChatCallResult): ConductRow {
  const record = result.outcome.record;
  const attempts = record?.attempts ?? [];
  return { fault, gatewayDid: describeAttempts(attempts), providerCalls: describeCalls(result.seen), elapsedS: result.outcome.meta.elapsedMs / 1000, callerGot: describeOutcome(result) };
}

async function flapping(scenario: Scenario, fault: Fault, region: string, body: unknown, primary: Target): Promise<ConductRow> {
  const plans = Array.from({ length: FLAP_CALLS }, (_, i) => ({ at: START_MS + i * FLAP_EVERY_MS, region, body }));
  const results = await runChatCalls({ ...scenario, faults: [fault] }, plans, 400_000);
  const servedBy = results.map((r) => r.outcome.meta.servedBy);
  const direct = results.filter((r) => r.outcome.meta.servedBy !== primary.id && r.outcome.record?.attempts.length === 1).length;
  const back = servedBy.findIndex((s, i) => i > 0 && s === primary.id && servedBy[i - 1] !== primary.id);
  const answered = results.filter((r) => r.outcome.kind === "stream-complete").length;
  return {
    fault: `a primary that flaps (503 for ${FLAP_DOWN_S} s)`,
    gatewayDid: `${FLAP_CALLS} calls ${FLAP_EVERY_MS / 1000} s apart: the circuit opened, ${direct} went straight to the fallback; after the heal a probe closed it and the primary answered again from ${back < 0 ? "never" : `${(plans[back]!.at / 1000).toFixed(0)} s`}`,
    providerCalls: describeCalls(results.at(-1)!.seen),
    elapsedS: Math.max(...results.map((r) => r.outcome.meta.elapsedMs)) / 1000,
    callerGot: `${answered} of ${FLAP_CALLS} whole answers`,
  };
}

function describeAttempts(attempts: readonly AttemptRecord[]): string {
  return attempts
    .map((a, i) => {
      const previous = attempts[i - 1];
      const waitMs = previous ? a.startedAt - previous.startedAt - previous.ms : 0;
      const wait = waitMs > 0 ? `wait ${(waitMs / 1000).toFixed(2)} s → ` : "";
      const what = a.error === undefined ? `${a.status}` : a.status === 0 || a.status === 200 ? shortError(a.error) : `${a.status} ${a.error.split(":")[0]}`;
      return `${wait}${a.target.split("/")[1]}${a.resumedFrom ? " (continues from a prefill)" : ""} ${what}`;
    })
    .join(" → ");
}

/** The gist of a failure without its numbers of events. */
function shortError(error: string): string {
  if (error.startsWith("network error")) return "reset";
  if (error.startsWith("no first token")) return "no first token in time";
  if (error.startsWith("stream silent")) return "stream silent too long";
  if (error.startsWith("stream ended")) return "stream cut";
  if (error.startsWith("malformed")) return "malformed chunk";
  return error;
}

function describeCalls(seen: ReadonlyMap<string, number>): string {
  return [...seen].map(([target, n]) => `${target.split("/")[1]} ${n}`).join(", ");
}

function describeOutcome(result: ChatCallResult): string {
  const { outcome } = result;
  if (outcome.kind !== "error") return `whole answer from ${outcome.meta.servedBy?.split("/")[1]}${outcome.kind === "stream-complete" ? `, ${result.chunks.length} chunks, usage` : ""}`;
  const chunks = result.chunks.length;
  return `${chunks > 0 ? `${chunks} chunks, then ` : ""}error ${outcome.status} ${outcome.error.code ?? ""}`.trim();
}

export function formatConductTable(rows: readonly ConductRow[]): string {
  const lines = ["| fault on the primary | what the gateway did | calls the providers saw | elapsed | the caller got |", "|---|---|---|---|---|"];
  for (const r of rows) lines.push(`| ${r.fault} | ${r.gatewayDid} | ${r.providerCalls} | ${r.elapsedS.toFixed(2)} s | ${r.callerGot} |`);
  return lines.join("\n");
}
