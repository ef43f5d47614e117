/**
 * `npm start`: the app. Builds the UI when its sources are newer than the build, then opens the desktop
 * app when an Electron binary and a display exist; otherwise (as on a machine that cannot download
 * Electron, or has no display) it serves the same UI in the browser on 127.0.0.1 and prints the address.
 * Either way the regional gateways are also served as an OpenAI-compatible API (`--api-port`, 8787 by
 * default), which the UI lists.
 *
 *   npm start -- [--browser] [--port N] [--api-port N] [--scenario FILE]
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      browser: { type: "boolean", default: false },
      port: { type: "string", default: "0" },
      "api-port": { type: "string" },
      scenario: { type: "string", default: DEFAULT_SCENARIO },
    },
  });
  const port = portNumber("--port", values.port);
  const apiPort = values["api-port"] === undefined ? undefined : portNumber("--api-port", values["api-port"]);
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
    app.on("exit", (code) => process.exit(code ?? 0));
    return;
  }

  const controller = new LabController({
    scenarios: scenarioFolder(join(root, "scenarios")),
    lessons: scenarioFolder(join(root, "lessons")),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    evidence: {
      ...installationEvidence(),
      // Loaded on the first export: playwright-core is heavy, and start-up time is what a user waits for.
      printPdf: async (htmlPath, pdfPath) => (await import("../host/pdf")).printPdf(htmlPath, pdfPath),
    },
  });
  const loaded = await controller.execute("loadScenario", { source: "library", name: values.scenario });
  if (!loaded.ok) throw new Error(`cannot open ${values.scenario}:\n${loaded.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field} ${p.message}`).join("\n")}`);
  const host = await startBrowserHost({ backend: controller, rendererDir: RENDERER_DIR, port, evidenceFolder: evidenceFolder() });
  const api = await startAppGatewayApi(controller.gatewayApi, apiPort, log);
  controller.serveGatewayApiAt(api.origin);
  log(`Desktop app unavailable: ${unavailable}.`);
  log("Failover Lab is running in browser mode, on this machine only. Open:");
  process.stdout.write(`${host.url}\n`);
  log("(The address carries this session's access token. Ctrl+C stops.)");
  log(`The regional gateways answer OpenAI clients at ${api.origin}/<region>/v1 while the scenario plays.`);
  const stop = async () => {
    await host.close();
    await controller.close();
    await api.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

function portNumber(option: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`${option} must be a port number (0 picks a free one), got ${value}`);
  return port;
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start: ${(error as Error).message}\n`);
  process.exit(1);
});
