/**
 * The OpenAI endpoint under load, as `npm run serve` runs it: a `LabController` playing a scenario past its
 * end behind `startOpenAiServer`, and OpenAI clients in a node process of their own, so the heap and
 * resident set sampled are the server's.
 *
 * - `endpoint`: calls/s with and without the commit wait (`durableAnswers`, issue 18 item 8), one server
 *   each, in alternating slices of the same length, and their ratio;
 * - `clients`: 50 clients on a shipped scenario played at 1× for a given time, heap and resident set
 *   sampled after a forced GC (bench/memory.ts).
 */
import { join } from "node:path";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { loadScenarioFile, scenarioSchema, type Scenario } from "../engine";
import { LabController } from "../engine/lab/controller";
import { MAX_SPEED } from "../engine/lab/contract";
import { startOpenAiServer, type OpenAiServer } from "../host/openaiServer";
import { scenarioFolder } from "../host/scenarioLibrary";
import { sampleMemory, type MemorySample } from "./memory";
import { benchScenario } from "./scenario";

const SCENARIOS = join(import.meta.dirname, "../scenarios");

/** A scenario served as `npm run serve` serves it, at `speed`; `durableAnswers` as the run's option. */
async function serve(scenario: Scenario, speed: number, durableAnswers: boolean): Promise<{ server: OpenAiServer; close: () => Promise<void> }> {
  const controller = new LabController({
    scenarios: scenarioFolder(SCENARIOS),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    playPastEnd: true,
    durableAnswers,
  });
  const server = await startOpenAiServer({ backend: controller.gatewayApi, port: 0 });
  await controller.open(scenario, JSON.stringify(scenario), `${scenario.name}.yaml`);
  await controller.execute("setSpeed", { speed });
  await controller.execute("play", {});
  return {
    server,
    close: async () => {
      await controller.close();
      await server.close();
    },
  };
}

/**
 * The clients: each sends one call after another until `ms` have passed, even-numbered ones streaming
 * (read to `data: [DONE]`), odd-numbered ones not. Plain JavaScript, run by a node process of its own, so
 * the server's resident set is its own; it prints its counts as one JSON line.
 */
const CLIENTS_CODE = `
const { base, clients, ms, model } = JSON.parse(process.argv[1]);
const started = performance.now();
const until = started + ms;
let answered = 0, refused = 0, failed = 0;
const refusals = {};
async function client(i) {
  for (let n = 0; performance.now() < until; n++) {
    const stream = i % 2 === 0;
    try {
      const response = await fetch(base + "/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "client " + i + " call " + n }] }),
      });
      const text = await response.text();
      if (response.status === 200 && (!stream || text.endsWith("data: [DONE]\\n\\n"))) answered++;
      else if (response.status !== 200) {
        refused++;
        let reason = "";
        try { reason = JSON.parse(text).error.message; } catch { reason = text.slice(0, 200); }
        const key = response.status + " " + reason.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\\b\\d+\\b/g, "N");
        refusals[key] = (refusals[key] || 0) + 1;
      }
      else failed++;
    } catch {
      failed++;
    }
  }
}
Promise.all(Array.from({ length: clients }, (_, i) => client(i))).then(() => console.log(JSON.stringify({ answered, refused, refusals, failed, ms: performance.now() - started })));
`;

/**
 * What the clients did: calls answered whole, calls answered with an error status (a gateway's refusal or
 * failure), calls cut or not answered, and the wall ms until the last call ended.
 */
interface ClientCounts {
  readonly answered: number;
  readonly refused: number;
  /** The refused calls by status and error message (numbers replaced by N, so that like ones add up). */
  readonly refusals: Readonly<Record<string, number>>;
  readonly failed: number;
  readonly ms: number;
}

/** Runs `clients` clients against `base`, each starting calls for `ms`. */
async function runClients(base: string, clients: number, ms: number, model: string): Promise<ClientCounts> {
  const child = spawn(process.execPath, ["-e", CLIENTS_CODE, JSON.stringify({ base, clients, ms, model })], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (part: Buffer) => (out += part.toString()));
  const [code] = (await once(child, "close")) as [number | null];
  if (code !== 0) throw new Error(`the clients' process exited with code ${code}`);
  return JSON.parse(out) as ClientCounts;
}

export interface EndpointRates {
  readonly clients: number;
  readonly slices: number;
  readonly sliceS: number;
  /** Calls answered whole per second of the slices of each side, from their first call to their last answer. */
  readonly durable: number;
  readonly undurable: number;
  readonly failed: number;
}

/**
 * Calls/s through the endpoint with the commit wait and without, in `slices` alternating slices of
 * `sliceS` seconds each, `clients` at a time. The bench's scenario without its callers (only the clients
 * load the engine) at the fastest speed, so the rate is bound by the engine and the host, not by the
 * providers' simulated latency.
 */
export async function benchEndpoint(clients = 20, slices = 6, sliceS = 5): Promise<EndpointRates> {
  const scenario = scenarioSchema.parse({ ...benchScenario(), duration_s: 60, faults: [], topology: { ...benchScenario().topology, callers: [] } });
  const durable = await serve(scenario, MAX_SPEED, true);
  const undurable = await serve(scenario, MAX_SPEED, false);
  const totals = { durable: { answered: 0, ms: 0 }, undurable: { answered: 0, ms: 0 } };
  let failed = 0;
  try {
    // A short warm-up of each, so neither side pays for loading and compiling.
    for (const side of [durable, undurable]) await runClients(side.server.baseUrl("eu-west"), clients, 1_000, "chat-large");
    for (let i = 0; i < slices; i++) {
      for (const [name, side] of i % 2 === 0 ? ([["durable", durable], ["undurable", undurable]] as const) : ([["undurable", undurable], ["durable", durable]] as const)) {
        const counts = await runClients(side.server.baseUrl("eu-west"), clients, sliceS * 1000, "chat-large");
        totals[name].answered += counts.answered;
        totals[name].ms += counts.ms;
        failed += counts.failed + counts.refused;
      }
    }
  } finally {
    await durable.close();
    await undurable.close();
  }
  const rate = ({ answered, ms }: { answered: number; ms: number }) => answered / (ms / 1000);
  return { clients, slices, sliceS, durable: rate(totals.durable), undurable: rate(totals.undurable), failed };
}

/** The scenario the clients part serves: the EU outage, its callers on, played at 1× as `serve` plays it. */
export const CLIENTS_SCENARIO = "eu-outage-reject.yaml";

export interface ClientsRun {
  readonly scenario: string;
  readonly clients: number;
  readonly minutes: number;
  readonly answered: number;
  readonly refused: number;
  readonly refusals: Readonly<Record<string, number>>;
  readonly failed: number;
  /** Hours of wall time into the run. */
  readonly samples: MemorySample[];
}

/** `clients` clients on {@link CLIENTS_SCENARIO} for `minutes`, memory sampled every `sampleS` seconds. */
export async function benchClients(minutes: number, clients = 50, sampleS = 30): Promise<ClientsRun> {
  const scenario = loadScenarioFile(join(SCENARIOS, CLIENTS_SCENARIO));
  const served = await serve(scenario, 1, true);
  const samples: MemorySample[] = [];
  const started = performance.now();
  const sampler = setInterval(() => samples.push(sampleMemory((performance.now() - started) / 3_600_000)), sampleS * 1000);
  try {
    // Sampled under load only: once the clients stop, what their calls held is freed.
    const { answered, refused, refusals, failed } = await runClients(served.server.baseUrl("eu-west"), clients, minutes * 60_000, scenario.topology.models[0]!.id);
    return { scenario: CLIENTS_SCENARIO, clients, minutes, answered, refused, refusals, failed, samples };
  } finally {
    clearInterval(sampler);
    await served.close();
  }
}
