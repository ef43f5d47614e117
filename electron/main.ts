/**
 * The desktop app's main process: one locked-down window showing the built renderer, and the engine
 * behind the IPC channel. Bundled by `scripts/build-electron.mjs` to `dist/electron/main.mjs`, which is
 * what `electron` is started with; the security settings themselves live in `security.ts`.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, type WebContents } from "electron";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { useAuditWriterScript, useReportPageBuild } from "../engine";
import { DEFAULT_SCENARIO, LabController } from "../engine/lab/controller";
import { installationEvidence } from "../host/installation";
import { startAppGatewayApi, type OpenAiServer } from "../host/openaiServer";
import { scenarioFolder } from "../host/scenarioLibrary";
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from "./appProtocol";
import { forwardPushes, registerLabIpc } from "./ipc";
import { printReportPdf } from "./pdf";
import { appPaths } from "./paths";
import { isAllowedRequestUrl, isTrustedRendererUrl, webPreferences, withContentSecurityPolicy } from "./security";

// The bundle runs from dist/electron/, two levels below the project root.
const paths = appPaths(join(import.meta.dirname, "..", ".."));

let mainWindow: BrowserWindow | null = null;
/** Kept apart from the window, whose `webContents` cannot be read once it is destroyed. */
let mainContentsId: number | null = null;

/** Every web contents, including any a bug or an exploit manages to create, gets the same fences. */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
  contents.on("will-navigate", (event) => {
    if (!isTrustedRendererUrl(event.url)) event.preventDefault();
  });
  // will-navigate does not cover frames; the app has none, so any frame navigation is foreign.
  contents.on("will-frame-navigate", (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on("will-attach-webview", (event) => event.preventDefault());
}

function secureSession(): void {
  // The UI's origin, app://lab, served from the built renderer's folder only (electron/appProtocol.ts).
  protocol.handle(APP_SCHEME, appProtocolHandler(paths.rendererDir));
  const { webRequest } = session.defaultSession;
  webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }));
  // Scoped to the app's window: DevTools, when opened, loads its own devtools: pages through this session.
  webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: mainContentsId !== null && details.webContentsId === mainContentsId && !isAllowedRequestUrl(details.url) }),
  );
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

function createController(): LabController {
  useAuditWriterScript(pathToFileURL(paths.auditWriter));
  useReportPageBuild(pathToFileURL(`${paths.reportPage}/`));
  const nativeBinding = existsSync(paths.nativeBinding) ? paths.nativeBinding : undefined;
  // node_modules/better-sqlite3 is built for Node's ABI, which Electron cannot load; say so rather than fail later.
  if (nativeBinding === undefined) process.stderr.write(`Failover Lab: no Electron build of better-sqlite3 at ${paths.nativeBinding}; run \`node scripts/electron-native.mjs\`.\n`);
  return new LabController({
    scenarios: scenarioFolder(paths.scenarios),
    lessons: scenarioFolder(paths.lessons, "lesson"),
    wallNow: () => performance.now(),
    waitWallMs: (ms) => sleep(ms),
    nativeBinding,
    evidence: { ...installationEvidence(), printPdf: printReportPdf },
  });
}

function createWindow(controller: LabController): void {
  // The protocol would answer a missing build with a 404 page; say what to do instead.
  if (!existsSync(paths.indexHtml)) return fail("Failover Lab could not load its UI", `${paths.indexHtml} does not exist.\nBuild it with \`npm start\` or \`npx vite build\`.`);
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: "Failover Lab",
    show: false,
    webPreferences: webPreferences(paths.preload),
  });
  mainWindow = window;
  mainContentsId = window.webContents.id;
  const stopPushes = forwardPushes(controller, window.webContents);
  window.once("ready-to-show", () => window.show());
  window.on("closed", () => {
    stopPushes();
    mainWindow = null;
    mainContentsId = null;
  });
  window.loadURL(APP_INDEX_URL).catch((error: unknown) => fail("Failover Lab could not load its UI", String(error)));
}

/** The value after `--name` on the command line `npm start` passes on. */
function argument(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

function fail(title: string, detail: string): void {
  dialog.showErrorBox(title, detail);
  app.quit();
}

function start(): void {
  secureSession();
  let controller: LabController;
  try {
    controller = createController();
  } catch (error) {
    fail("Failover Lab could not start its engine", error instanceof Error ? error.message : String(error));
    return;
  }
  registerLabIpc(ipcMain, controller, (frame) => frame !== null && isTrustedRendererUrl(frame.url));
  // The same start as browser mode: `npm start -- --scenario FILE` passes the file on, the default otherwise.
  const scenario = argument(process.argv, "--scenario") ?? DEFAULT_SCENARIO;
  controller.execute("loadScenario", { source: "library", name: scenario }).then(
    (loaded) => loaded.ok || process.stderr.write(`Failover Lab: ${scenario} was not loaded:\n${loaded.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field} ${p.message}`).join("\n")}\n`),
    (error: unknown) => process.stderr.write(`Failover Lab: ${scenario} was not loaded: ${String(error)}\n`),
  );
  createWindow(controller);
  const apiPort = argument(process.argv, "--api-port");
  const api: Promise<OpenAiServer | undefined> = startAppGatewayApi(controller.gatewayApi, apiPort === undefined ? undefined : Number(apiPort), (line) => process.stderr.write(`Failover Lab: ${line}\n`)).then(
    (server) => {
      controller.serveGatewayApiAt(server.origin);
      return server;
    },
    (error: unknown) => {
      process.stderr.write(`Failover Lab: the gateways' OpenAI endpoint did not start: ${String(error)}\n`);
      return undefined;
    },
  );

  let closed = false;
  // Quitting waits for the controller to flush and close its audit log.
  app.on("will-quit", (event) => {
    if (closed) return;
    event.preventDefault();
    closed = true;
    controller
      .close()
      .then(async () => (await api)?.close())
      .catch((error: unknown) => process.stderr.write(`Failover Lab: closing the engine failed: ${String(error)}\n`))
      .finally(() => app.quit());
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  // Only before the app is ready: app:// as a standard, secure scheme, so the page has a real origin.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.on("web-contents-created", (_event, contents) => lockDown(contents));
  app.on("second-instance", () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on("window-all-closed", () => app.quit());
  void app.whenReady().then(start);
}
