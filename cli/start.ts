/**
 * `npm start`: the app. Builds the UI when its sources are newer than the build, then opens the desktop
 * app when an Electron binary and a display exist; otherwise (as on a machine that cannot download
 * Electron, or has no display) it serves the same UI in the browser on 127.0.0.1 and prints the address.
 * Either way the regional gateways are also served as an OpenAI-compatible API (`--api-port`, 8787 by
 * default), which the UI lists.
 *
 *   failover-lab start [--browser] [--port N] [--api-port N] [--scenario FILE]   (also npm start --)
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { electronBinaryPath } from "../scripts/electron-binary.mjs";
import { DEFAULT_SCENARIO, LabController } from "../engine/lab/controller";
import { startBrowserHost } from "../host/browserHost";
import { startAppGatewayApi } from "../host/openaiServer";
import { ensureRendererBuilt, ensureReportPageBuilt, RENDERER_DIR } from "../host/build";
import { evidenceFolder, installationEvidence } from "../host/installation";
import { scenarioFolder } from "../host/scenarioLibrary";
import { EXIT_INVALID_INPUT, EXIT_OK, helpRequested, readCommandLine, runIfScript, UsageError } from "./args";

const USAGE = "usage: failover-lab start [--browser] [--port N] [--api-port N] [--scenario NAME]";
const HELP = `${USAGE}

Opens the app: the desktop window when an Electron binary and a display exist, otherwise the same UI in the
browser on 127.0.0.1 (the address, with this session's access token, goes to stdout). The regional gateways
are also served as an OpenAI-compatible API while a scenario plays. Builds the UI first when its sources
changed.

  --browser         browser mode even where the desktop app could open
  --port N          browser mode's port (default 0: a free one)
  --api-port N      the OpenAI-compatible API's port (default 8787; 0 picks a free one)
  --scenario NAME   the scenario of scenarios/ to open (default ${DEFAULT_SCENARIO})

exit codes: 0 closed (browser mode: Ctrl+C or SIGTERM; the desktop app: its own code); 2 invalid input
(arguments, a scenario that cannot open), nothing ran; 3 internal error`;

const root = join(import.meta.dirname, "..");
/** Why the desktop app cannot open here, or undefined when it can. */
function electronUnavailable(): string | undefined {
  if (electronBinaryPath() === null) return "the Electron binary is not installed (it could not be downloaded)";
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return "there is no display (DISPLAY and WAYLAND_DISPLAY are unset)";
  return undefined;
}

function runNode(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    spawn(process.execPath, [join(root, script)], { stdio: "inherit" }).on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  if (helpRequested(argv, HELP)) return EXIT_OK;
  const options = readCommandLine(() => parseCommandLine(argv), USAGE);
  if (!options) return EXIT_INVALID_INPUT;
  const { values, port, apiPort } = options;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await ensureRendererBuilt(log);
  // Evidence exported from the app carries the HTML report, which inlines this bundle.
  await ensureReportPageBuilt(log);

  const unavailable = values.browser ? "--browser was given" : electronUnavailable();
  if (unavailable === undefined) {
    await runNode("scripts/build-electron.mjs");
    await runNode("scripts/electron-native.mjs");
    const apiArgs = apiPort === undefined ? [] : ["--api-port", String(apiPort)];
    const app = spawn(electronBinaryPath()!, [join(root, "dist", "electron", "main.mjs"), "--scenario", values.scenario, ...apiArgs], { stdio: "inherit" });
    return new Promise((resolve) => app.on("exit", (code) => resolve(code ?? EXIT_OK)));
  }

  const controller = new LabController({
    scenarios: scenarioFolder(join(root, "scenarios")),
    lessons: scenarioFolder(join(root, "lessons"), "lesson"),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    evidence: {
      ...installationEvidence(),
      // Loaded on the first export: playwright-core is heavy, and start-up time is what a user waits for.
      printPdf: async (htmlPath, pdfPath) => (await import("../host/pdf")).printPdf(htmlPath, pdfPath),
    },
  });
  const loaded = await controller.execute("loadScenario", { source: "library", name: values.scenario });
  if (!loaded.ok) {
    await controller.close();
    process.stderr.write(`cannot open ${values.scenario}; nothing ran.\n${loaded.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field} ${p.message}`).join("\n")}\n`);
    return EXIT_INVALID_INPUT;
  }
  const host = await startBrowserHost({ backend: controller, rendererDir: RENDERER_DIR, port, evidenceFolder: evidenceFolder() });
  const api = await startAppGatewayApi(controller.gatewayApi, apiPort, log);
  controller.serveGatewayApiAt(api.origin);
  log(`Desktop app unavailable: ${unavailable}.`);
  log("Failover Lab is running in browser mode, on this machine only. Open:");
  process.stdout.write(`${host.url}\n`);
  log("(The address carries this session's access token. Ctrl+C stops.)");
  log(`The regional gateways answer OpenAI clients at ${api.origin}/<region>/v1 while the scenario plays.`);
  await new Promise<void>((stopped) => {
    process.once("SIGINT", () => stopped());
    process.once("SIGTERM", () => stopped());
  });
  await host.close();
  await controller.close();
  await api.close();
  // Pages still open in a browser hold connections to the host: a stopped app does not wait for them.
  process.exit(EXIT_OK);
}

function parseCommandLine(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      browser: { type: "boolean", default: false },
      port: { type: "string", default: "0" },
      "api-port": { type: "string" },
      scenario: { type: "string", default: DEFAULT_SCENARIO },
    },
  });
  return { values, port: portNumber("--port", values.port), apiPort: values["api-port"] === undefined ? undefined : portNumber("--api-port", values["api-port"]) };
}

function portNumber(option: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`${option} must be a port number from 0 to 65535 (0 picks a free one), got "${value}"`);
  return port;
}

await runIfScript(import.meta.url, "start", main);
