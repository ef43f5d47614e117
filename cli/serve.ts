/**
 * `failover-lab serve <scenario.yaml> [--port N] [--speed X] [--seed N]` (also `npm run serve --`)
 *
 * Plays a scenario in real time (or `--speed` times faster) and serves its regional gateways as an
 * OpenAI-compatible API on 127.0.0.1, one base URL per region, until Ctrl+C. At the end of the scenario's
 * duration the simulated callers stop; the gateways go on answering, the world in its final state. Each
 * call from outside gets a line; on exit, the audit chain's head and where its stores stay.
 * Exit codes: 0 stopped by a signal; 2 invalid input (arguments, scenario, a port in use), nothing ran;
 * 3 internal error.
 */
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { needsRealTime, readTextFile } from "../engine";
import { LabController, type ClosedRun } from "../engine/lab/controller";
import { MAX_SPEED, MIN_SPEED } from "../engine/lab/contract";
import { newServeDir } from "../host/installation";
import { DEFAULT_API_PORT, PortInUseError, startOpenAiServer, type Exchange } from "../host/openaiServer";
import { scenarioFolder } from "../host/scenarioLibrary";
import { EXIT_INVALID_INPUT, EXIT_OK, helpRequested, onePositional, parseSeed, readCommandLine, readScenario, runIfScript, UsageError } from "./args";

const USAGE = "usage: failover-lab serve <scenario.yaml> [--port N] [--speed X] [--seed N]";
const HELP = `${USAGE}

Plays a scenario in real time and serves its regional gateways as an OpenAI-compatible API on 127.0.0.1,
one base URL per region, until Ctrl+C; one line per call from outside. After the scenario's duration the
simulated callers stop and the gateways go on answering.

  --port N    the API's port (default ${DEFAULT_API_PORT}; 0 picks a free one)
  --speed X   plays X times faster than real time (${MIN_SPEED} to ${MAX_SPEED}); 1 only when a provider is a real server
  --seed N    the random seed, instead of the scenario's own (0 to 2147483647)

exit codes: 0 stopped by Ctrl+C or SIGTERM; 2 invalid input (arguments, scenario, a port in use), nothing
ran; 3 internal error`;

/** Serves until `stopped` resolves (by default on SIGINT or SIGTERM, its name), then closes cleanly. */
export async function main(argv: readonly string[], stopped: Promise<string> = untilSignal()): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  const options = readCommandLine(() => parseCommandLine(argv), USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  const scenario = readScenario(options.file);
  if (!scenario) return EXIT_INVALID_INPUT;
  // A real server answers in wall time: played faster, its latency would count that many times over.
  const realServers = needsRealTime(scenario);
  if (realServers && options.speed !== 1) {
    process.stderr.write(`${realServers}, so the scenario plays at 1× real time only; drop --speed ${options.speed}. Nothing ran.\n`);
    return EXIT_INVALID_INPUT;
  }

  const out = (line: string) => process.stdout.write(`${line}\n`);
  const controller = new LabController({
    scenarios: scenarioFolder(dirname(options.file)),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((done) => setTimeout(done, ms)),
    keepRunIn: newServeDir,
    playPastEnd: true,
  });
  let server;
  try {
    server = await startOpenAiServer({ backend: controller.gatewayApi, port: options.port, onExchange: (exchange) => out(describeExchange(exchange)) });
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    process.stderr.write(`${error.message}; choose another with --port N (0 picks a free one). Nothing ran.\n`);
    return EXIT_INVALID_INPUT;
  }
  controller.subscribe((message) => message.type === "error" && process.stderr.write(`${message.message}\n`));
  await controller.open(options.seed === undefined ? scenario : { ...scenario, seed: options.seed }, readTextFile(options.file, "scenario"), basename(options.file));
  await controller.execute("setSpeed", { speed: options.speed });
  await controller.execute("play", {});

  out(`Serving "${scenario.name}" (seed ${options.seed ?? scenario.seed}) at ${options.speed}× real time. OpenAI base URLs, one per regional gateway:`);
  for (const region of scenario.topology.regions) out(`  ${region.id.padEnd(16)} ${server.baseUrl(region.id)}`);
  out(`Models: ${scenario.topology.models.map((m) => m.id).join(", ")}. Any API key is accepted.`);
  out(
    scenario.topology.callers.length === 0
      ? "No simulated callers: the gateways answer OpenAI clients only. Ctrl+C stops."
      : `The simulated callers stop after ${scenario.duration_s} s of scenario time; the gateways go on answering. Ctrl+C stops.`,
  );

  const signal = await stopped;
  out(`${signal}: stopping.`);
  const closed = await controller.close();
  await server.close();
  if (closed) describeClosed(closed).forEach(out);
  return EXIT_OK;
}

function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { port: { type: "string", default: String(DEFAULT_API_PORT) }, speed: { type: "string", default: "1" }, seed: { type: "string" } },
  });
  const file = onePositional(positionals);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a port number from 0 to 65535 (0 picks a free one), got "${values.port}"`);
  const speed = Number(values.speed);
  if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) throw new UsageError(`--speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}, got "${values.speed}"`);
  return { file: resolve(file), port, speed, seed: parseSeed(values.seed) };
}

/** One line per call: who answered it, how, after how many attempts and how long in simulated time. */
function describeExchange({ region, status, outcome, clientGone }: Exchange): string {
  const gone = clientGone ? " (the client went away)" : "";
  switch (outcome.kind) {
    case "unavailable":
      return `-  ${region}  ${status} refused: ${outcome.message}${gone}`;
    case "error": {
      const { meta, error } = outcome;
      const what = `${meta.requestId}  ${region}  ${outcome.status} ${error.code ?? error.type}${outcome.streamed ? " after part of a stream" : ""}: ${error.message}`;
      if (outcome.record === null) return `${what} (refused before any gateway saw it; not audited)${gone}`;
      return `${what}${meta.servedBy ? `, served by ${meta.servedBy}` : ""} · ${meta.attempts} attempt(s) · ${meta.elapsedMs} ms simulated${gone}`;
    }
    default: {
      const { meta } = outcome;
      return `${meta.requestId}  ${region}  ${status} ${outcome.kind === "completion" ? "completion" : "stream"} served by ${meta.servedBy ?? "?"} · ${meta.attempts} attempt(s) · ${meta.elapsedMs} ms simulated${gone}`;
    }
  }
}

function describeClosed({ chain, auditStoresDir }: ClosedRun): string[] {
  const verdict = chain.ok ? "every chain verified" : `BROKEN at seq ${chain.firstBad!.seq}: ${chain.firstBad!.reason}`;
  return [`Audit head ${chain.head} (${chain.entries.toLocaleString("en-US")} entries in ${chain.stores} stores, ${verdict}).`, `Audit stores: ${auditStoresDir}`];
}

function untilSignal(): Promise<string> {
  return new Promise<string>((done) => {
    process.once("SIGINT", () => done("SIGINT"));
    process.once("SIGTERM", () => done("SIGTERM"));
  });
}

await runIfScript(import.meta.url, "serve", main);
