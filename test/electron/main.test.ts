/**
 * electron/main.ts wired to a fake Electron and a fake controller: the binary cannot run here, so this
 * checks what main asks of Electron — window options, what it loads, handlers, fences, shutdown.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES } from "../../electron/appProtocol";
import { COMMAND_NAMES, type CommandReply, type HostMessage } from "../../engine/lab/contract";
import { CONTENT_SECURITY_POLICY, WEB_PREFERENCES } from "../../electron/security";

type Listener = (...args: any[]) => unknown;

const fake = await vi.hoisted(async () => {
  const { EventEmitter } = await import("node:events");
  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: () => true,
    enableSandbox: vi.fn(),
    whenReady: () => Promise.resolve(),
    quit: vi.fn(),
  });
  class WebContents extends EventEmitter {
    readonly id = 7;
    windowOpenHandler: Listener | undefined;
    readonly sent: unknown[][] = [];
    setWindowOpenHandler(handler: Listener) {
      this.windowOpenHandler = handler;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
    isDestroyed() {
      return false;
    }
  }
  const windows: BrowserWindow[] = [];
  class BrowserWindow extends EventEmitter {
    readonly webContents = new WebContents();
    readonly loadURL = vi.fn(async (_url: string) => undefined);
    readonly focus = vi.fn();
    readonly restore = vi.fn();
    readonly show = vi.fn();
    constructor(readonly options: Record<string, any>) {
      super();
      windows.push(this);
      // Electron announces every new web contents before the caller sees it.
      app.emit("web-contents-created", {}, this.webContents);
    }
    isMinimized() {
      return true;
    }
  }
  const handlers = new Map<string, Listener>();
  const protocol = {
    privileged: [] as unknown[],
    readyWhenPrivileged: [] as boolean[],
    handlers: new Map<string, Listener>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, handler: Listener) {
      this.handlers.set(scheme, handler);
    },
  };
  const sessionHooks: Record<string, Listener> = {};
  const session = {
    defaultSession: {
      webRequest: {
        onHeadersReceived: (listener: Listener) => (sessionHooks.headers = listener),
        onBeforeRequest: (listener: Listener) => (sessionHooks.request = listener),
      },
      setPermissionRequestHandler: (handler: Listener) => (sessionHooks.permissionRequest = handler),
      setPermissionCheckHandler: (handler: Listener) => (sessionHooks.permissionCheck = handler),
    },
  };
  const controller = {
    options: undefined as Record<string, any> | undefined,
    execute: vi.fn(async (..._args: unknown[]) => ({ ok: true })),
    listeners: new Set<(message: unknown) => void>(),
    close: vi.fn(async () => undefined),
    serveGatewayApiAt: vi.fn(),
    gatewayApi: { offer: vi.fn(), chat: vi.fn() },
  };
  const api = { origin: "http://127.0.0.1:8787", close: vi.fn(async () => undefined) };
  const startAppGatewayApi = vi.fn(async (..._args: unknown[]) => api);
  const whenReadyCalled = vi.fn();
  app.whenReady = () => {
    whenReadyCalled(protocol.privileged.length);
    return Promise.resolve();
  };
  return { app, BrowserWindow, windows, handlers, protocol, whenReadyCalled, sessionHooks, session, controller, api, startAppGatewayApi, showErrorBox: vi.fn() };
});

vi.mock("electron", () => ({
  app: fake.app,
  BrowserWindow: fake.BrowserWindow,
  dialog: { showErrorBox: fake.showErrorBox },
  ipcMain: { handle: (channel: string, listener: Listener) => fake.handlers.set(channel, listener) },
  protocol: fake.protocol,
  session: fake.session,
}));

// No build of the renderer next to this source tree: main would refuse to open a window without index.html.
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return { ...fs, existsSync: (path: string) => /[/\\]dist[/\\]renderer[/\\]index\.html$/.test(path) || fs.existsSync(path) };
});

vi.mock("../../engine/lab/controller", () => ({
  DEFAULT_SCENARIO: "eu-region-outage.yaml",
  LabController: class {
    constructor(options: Record<string, any>) {
      fake.controller.options = options;
    }
    execute = fake.controller.execute;
    close = fake.controller.close;
    serveGatewayApiAt = fake.controller.serveGatewayApiAt;
    gatewayApi = fake.controller.gatewayApi;
    subscribe(listener: (message: unknown) => void) {
      fake.controller.listeners.add(listener);
      return () => fake.controller.listeners.delete(listener);
    }
  },
}));

vi.mock("../../host/openaiServer", () => ({ startAppGatewayApi: fake.startAppGatewayApi }));

await import("../../electron/main");
// main starts on app.whenReady(), a resolved promise here.
await new Promise((resolve) => setImmediate(resolve));

const [window] = fake.windows;
if (!window) throw new Error("main.ts created no window");
const indexHtml = join(fake.controller.options!.scenarios.dir, "..", "dist", "renderer", "index.html");
const indexUrl = APP_INDEX_URL;
const contents = window.webContents;
const navigationEvent = (url: string, isMainFrame = true) => ({ url, isMainFrame, preventDefault: vi.fn() });

describe("electron/main.ts", () => {
  it("opens one sandboxed, isolated window with the bundled preload and loads the UI from app://lab, not from disk", () => {
    expect(fake.windows).toHaveLength(1);
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    const { webPreferences } = window.options;
    expect(webPreferences).toMatchObject(WEB_PREFERENCES);
    expect(webPreferences.preload).toMatch(/[/\\]dist[/\\]electron[/\\]preload\.cjs$/);
    // The preload and the scenarios are resolved from the same root.
    expect(join(webPreferences.preload, "..", "..", "renderer", "index.html")).toBe(indexHtml);
    expect(window.loadURL.mock.calls).toEqual([["app://lab/index.html"]]);
  });

  it("registers app: as a privileged scheme before the app is ready, and serves it from the renderer's folder once ready", async () => {
    expect(fake.protocol.privileged).toEqual([APP_SCHEME_PRIVILEGES]);
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: "app", privileges: { standard: true, secure: true, supportFetchAPI: true } });
    // Electron refuses registerSchemesAsPrivileged after ready.
    expect(fake.whenReadyCalled).toHaveBeenCalledWith(1);
    const handler = fake.protocol.handlers.get("app") as (request: Request) => Promise<Response>;
    expect([...fake.protocol.handlers.keys()]).toEqual(["app"]);
    // The handler's own behaviour is test/electron/appProtocol.test.ts; here, that it is the confined one.
    expect((await handler(new Request("app://lab/%C0"))).status).toBe(400);
    expect((await handler(new Request("app://other/index.html"))).status).toBe(404);
    expect((await handler(new Request("app://lab/../../package.json"))).status).toBe(404);
  });

  it("hands the controller the scenario library and real wall-clock functions", async () => {
    const options = fake.controller.options!;
    expect(options.scenarios.dir).toBe(join(indexHtml, "..", "..", "..", "scenarios"));
    expect(typeof options.wallNow()).toBe("number");
    await expect(options.waitWallMs(1)).resolves.toBeUndefined();
    // No Electron build of better-sqlite3 next to this source tree: the controller gets none (main warns).
    expect(options.nativeBinding).toBeUndefined();
  });

  it("opens the default scenario, as browser mode does", () => {
    expect(fake.controller.execute).toHaveBeenCalledWith("loadScenario", { source: "library", name: "eu-region-outage.yaml" });
  });

  it("serves every command on its channel, only to the app's own page", async () => {
    expect([...fake.handlers.keys()].sort()).toEqual(COMMAND_NAMES.map((name) => `lab:${name}`).sort());
    const play = fake.handlers.get("lab:play")!;

    expect(await play({ senderFrame: { url: indexUrl } }, {})).toEqual({ ok: true, result: { ok: true } });
    expect(fake.controller.execute).toHaveBeenCalledWith("play", {});

    fake.controller.execute.mockClear();
    for (const url of ["https://evil.example/", pathToFileURL(indexHtml).href, "app://other/index.html"]) {
      const forged = (await play({ senderFrame: { url } }, {})) as CommandReply;
      expect(forged.ok, url).toBe(false);
    }
    expect(fake.controller.execute).not.toHaveBeenCalled();
  });

  it("pushes the controller's messages to the window", () => {
    const message: HostMessage = { type: "error", message: "engine stalled" };
    for (const listener of fake.controller.listeners) listener(message);
    expect(contents.sent).toContainEqual(["lab:push", message]);
  });

  it("denies new windows and navigation away from the app, and any frame navigation", () => {
    expect(contents.windowOpenHandler?.({ url: "https://evil.example/" })).toEqual({ action: "deny" });

    const away = navigationEvent("https://evil.example/");
    contents.emit("will-navigate", away);
    expect(away.preventDefault).toHaveBeenCalled();
    const reload = navigationEvent(indexUrl);
    contents.emit("will-navigate", reload);
    expect(reload.preventDefault).not.toHaveBeenCalled();
    // The page's own file on disk is not the app any more.
    const fromDisk = navigationEvent(pathToFileURL(indexHtml).href);
    contents.emit("will-navigate", fromDisk);
    expect(fromDisk.preventDefault).toHaveBeenCalled();

    const frame = navigationEvent(indexUrl, false);
    contents.emit("will-frame-navigate", frame);
    expect(frame.preventDefault).toHaveBeenCalled();
    const webview = navigationEvent("");
    contents.emit("will-attach-webview", webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it("denies every permission", () => {
    const granted = vi.fn();
    fake.sessionHooks.permissionRequest!(contents, "media", granted, {});
    expect(granted).toHaveBeenCalledWith(false);
    expect(fake.sessionHooks.permissionCheck!(contents, "clipboard-read", "app://lab", {})).toBe(false);
  });

  it("adds the CSP to every response and cancels anything the window asks for outside the renderer", () => {
    const headers = vi.fn();
    fake.sessionHooks.headers!({ url: indexUrl, responseHeaders: { "Content-Type": ["text/html"] } }, headers);
    expect(headers).toHaveBeenCalledWith({ responseHeaders: { "Content-Type": ["text/html"], "Content-Security-Policy": [CONTENT_SECURITY_POLICY] } });

    const decide = (url: string, webContentsId?: number) => {
      const callback = vi.fn();
      fake.sessionHooks.request!({ url, webContentsId }, callback);
      return callback.mock.calls[0]?.[0];
    };
    expect(decide("https://cdn.example.com/lib.js", contents.id)).toEqual({ cancel: true });
    expect(decide("app://lab/assets/index-abc123.js", contents.id)).toEqual({ cancel: false });
    // The app no longer reads from disk through the page: not even the renderer's own files by file: URL.
    expect(decide(pathToFileURL(join(indexHtml, "..", "assets", "index.js")).href, contents.id)).toEqual({ cancel: true });
    expect(decide(pathToFileURL(indexHtml).href, contents.id)).toEqual({ cancel: true });
    // DevTools and other contents are not the page.
    expect(decide("devtools://devtools/bundled/devtools_app.html", 99)).toEqual({ cancel: false });
  });

  it("focuses the existing window when a second instance starts", () => {
    fake.app.emit("second-instance");
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it("serves the gateways' OpenAI endpoint beside the window, on the default port, and tells the controller where", () => {
    expect(fake.startAppGatewayApi).toHaveBeenCalledTimes(1);
    const [backend, port] = fake.startAppGatewayApi.mock.calls[0]!;
    // The controller's adapter for the endpoint, not the controller itself.
    expect(backend).toBe(fake.controller.gatewayApi);
    expect(port).toBeUndefined();
    expect(fake.controller.serveGatewayApiAt).toHaveBeenCalledWith("http://127.0.0.1:8787");
  });

  it("closes the controller, then the endpoint, before letting the app quit, once", async () => {
    const quitting = { preventDefault: vi.fn() };
    fake.app.emit("will-quit", quitting);
    expect(quitting.preventDefault).toHaveBeenCalled();
    expect(fake.controller.close).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled());
    expect(fake.api.close).toHaveBeenCalledTimes(1);
    expect(fake.api.close.mock.invocationCallOrder[0]).toBeGreaterThan(fake.controller.close.mock.invocationCallOrder[0]!);

    const again = { preventDefault: vi.fn() };
    fake.app.emit("will-quit", again);
    expect(again.preventDefault).not.toHaveBeenCalled();
    expect(fake.controller.close).toHaveBeenCalledTimes(1);
    expect(fake.showErrorBox).not.toHaveBeenCalled();
  });
});
