/**
 * What a stream hold-back (gateway.stream_holdback) costs and buys, in virtual time on the request-faults
 * scenario: the time to first token of healthy streamed calls with each setting, and whether a stream cut
 * after k chunks, with a fallback that cannot continue from a prefill, still reaches the caller whole.
 * Virtual time makes the figures exact and the same on every machine; they follow the simulated providers'
 * pace (a first token after a share of a log-normal service time, median 900 ms, the rest spread after it).
 */
import { loadScenarioFile, percentile, runChatCalls, scenarioSchema, type Scenario } from "../engine";

type Holdback = Scenario["gateway"]["stream_holdback"];

export const HOLDBACK_SETTINGS: readonly Holdback[] = [{ chunks: 0 }, { chunks: 2 }, { chunks: 4 }, { chunks: 8 }, { ms: 100 }, { ms: 200 }, { ms: 500 }];
const CUT_AFTER = [1, 3, 6, 12] as const;
const HEALTHY_CALLS = 200;
const CALL_EVERY_MS = 2_000;

const BODY = { model: "chat-large", messages: [{ role: "user", content: "What is a failover drill?" }], stream: true, stream_options: { include_usage: true } };

export interface HoldBackRow {
  readonly setting: string;
  readonly ttftMedianMs: number;
  readonly ttftP95Ms: number;
  /** Per entry of CUT_AFTER: the caller got a whole answer. */
  readonly wholeAfterCut: readonly boolean[];
}

export async function benchHoldBack(): Promise<{ cutAfter: readonly number[]; rows: HoldBackRow[] }> {
  const base = loadScenarioFile(new URL("../scenarios/request-faults.yaml", import.meta.url).pathname);
  const rows: HoldBackRow[] = [];
  for (const setting of HOLDBACK_SETTINGS) {
    const scenario: Scenario = { ...base, gateway: { ...base.gateway, stream_holdback: setting } };
    const healthy = await runChatCalls(
      scenario,
      Array.from({ length: HEALTHY_CALLS }, (_, i) => ({ at: 1_000 + i * CALL_EVERY_MS, region: "eu-west", body: BODY })),
      1_000 + HEALTHY_CALLS * CALL_EVERY_MS + 60_000,
    );
    const ttft = healthy.map((r) => r.firstChunkMs ?? Number.NaN).sort((a, b) => a - b);
    if (ttft.some(Number.isNaN)) throw new Error(`a healthy call got no chunk with ${JSON.stringify(setting)}`);
    const wholeAfterCut: boolean[] = [];
    for (const after of CUT_AFTER) {
      const [openai, anthropic] = scenario.topology.providers;
      const cut = scenarioSchema.parse({
        ...scenario,
        topology: { ...scenario.topology, providers: [openai, { ...anthropic, supports_prefill: false }] },
        faults: [{ kind: "request-fault", at_s: 0, region: "eu-west", provider: "openai-sim", model: "gpt-4o", class: "stream-cut", after_chunks: after }],
      });
      const [result] = await runChatCalls(cut, [{ at: 1_000, region: "eu-west", body: BODY }], 60_000);
      wholeAfterCut.push(result!.outcome.kind === "stream-complete");
    }
    rows.push({ setting: JSON.stringify(setting).replace(/"/g, ""), ttftMedianMs: percentile(ttft, 0.5), ttftP95Ms: percentile(ttft, 0.95), wholeAfterCut });
  }
  return { cutAfter: CUT_AFTER, rows };
}
