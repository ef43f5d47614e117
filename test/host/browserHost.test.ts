import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { CommandName, CommandPayload, CommandResults, HostMessage, LabBackend } from "../../engine/lab/contract";
import { startBrowserHost, type BrowserHost } from "../../host/browserHost";
import { CONTENT_SECURITY_POLICY } from "../../host/security";

/** Records what reaches the engine side, so a test can show a rejected message reached nothing. */
class RecordingBackend implements LabBackend {
  readonly calls: { name: CommandName; input: unknown }[] = [];
  private readonly listeners = new Set<(message: HostMessage) => void>();

  async execute<K extends CommandName>(name: K, input: CommandPayload<K>): Promise<CommandResults[K]> {
    this.calls.push({ name, input });
    if (name === "heal") throw new Error("fault u1 is not active");
    return undefined as CommandResults[K];
  }

  subscribe(listener: (message: HostMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(message: HostMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}

const TOKEN = "test-token-0123456789";
let host: BrowserHost;
let backend: RecordingBackend;
let origin: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "lab-renderer-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>lab</title>");
  backend = new RecordingBackend();
  host = await startBrowserHost({ backend, rendererDir: dir, token: TOKEN });
  origin = `http://127.0.0.1:${host.port}`;
});
afterAll(() => host.close());

/** Opens a socket with the given token and Origin; resolves with it once open, or with the refusal. */
function connect(token: string, headers: Record<string, string> = { Origin: origin }): Promise<WebSocket | { refused: number; body: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/lab?token=${encodeURIComponent(token)}`, { headers });
    socket.on("open", () => resolve(socket));
    socket.on("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ refused: response.statusCode ?? 0, body }));
    });
  });
}

function exchange(socket: WebSocket, raw: string): Promise<{ id: number | null; reply: { ok: boolean; error?: string } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString());
      if ("push" in frame) return;
      socket.off("message", onMessage);
      resolve(frame);
    };
    socket.on("message", onMessage);
    socket.send(raw);
  });
}

describe("browser-mode host", () => {
  it("binds 127.0.0.1 only and prints a URL carrying the token", () => {
    expect(host.url).toBe(`${origin}/?token=${TOKEN}`);
  });

  it("serves the UI with the strict content security policy", async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-eval");
    expect((await fetch(`${origin}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
  });

  it("repeats the same policy in the page's meta tag, so the page carries it however it is opened", () => {
    const html = readFileSync(join(import.meta.dirname, "../../renderer/index.html"), "utf8");
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    // frame-ancestors is ignored in a meta tag, so the page leaves it to the header.
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ""));
  });

  it("refuses a socket without the token, with a wrong token, or from another origin, before any command", async () => {
    const before = backend.calls.length;
    expect(await connect("")).toMatchObject({ refused: 403, body: expect.stringContaining("token") });
    expect(await connect("wrong-token-0123456789")).toMatchObject({ refused: 403 });
    expect(await connect(TOKEN, { Origin: "https://evil.example" })).toMatchObject({ refused: 403, body: expect.stringContaining("Origin") });
    expect(await connect(TOKEN, {})).toMatchObject({ refused: 403 });
    expect(await connect(TOKEN, { Origin: origin, Host: "attacker.example" })).toMatchObject({ refused: 403, body: expect.stringContaining("Host") });
    expect(backend.calls.length).toBe(before);
  });

  it("answers forged or malformed messages with an error and passes nothing on", async () => {
    const socket = (await connect(TOKEN)) as WebSocket;
    const before = backend.calls.length;
    expect((await exchange(socket, "not json")).reply).toMatchObject({ ok: false, error: expect.stringContaining("malformed") });
    expect((await exchange(socket, JSON.stringify({ id: "1", command: "play" }))).reply.ok).toBe(false);
    expect((await exchange(socket, JSON.stringify({ id: 2, command: "invoke", payload: { channel: "fs" } }))).reply).toMatchObject({ ok: false, error: 'unknown command "invoke"' });
    expect((await exchange(socket, JSON.stringify({ id: 3, command: "__proto__", payload: {} }))).reply.ok).toBe(false);
    const speed = await exchange(socket, JSON.stringify({ id: 4, command: "setSpeed", payload: { speed: 1e9 } }));
    expect(speed).toMatchObject({ id: 4, reply: { ok: false, error: expect.stringContaining("speed") } });
    const fault = await exchange(socket, JSON.stringify({ id: 5, command: "injectFault", payload: { fault: { kind: "meteor", region: "eu-west" } } }));
    expect(fault.reply).toMatchObject({ ok: false, error: expect.stringContaining("fault.kind") });
    const extra = await exchange(socket, JSON.stringify({ id: 6, command: "play", payload: { evil: true } }));
    expect(extra.reply.ok).toBe(false);
    expect(backend.calls.length).toBe(before);
    socket.close();
  });

  it("stays up for a path that is not valid percent-encoding and for a message over the size limit", async () => {
    for (const path of ["/%C0", "/%E0%A4%A", "/evidence/%C0/report.html"]) {
      const response = await fetch(`http://127.0.0.1:${host.port}${path}?token=${TOKEN}`);
      expect(response.status, path).toBe(400);
    }
    const big = (await connect(TOKEN)) as WebSocket;
    const closed = new Promise<number>((resolve) => big.on("close", (code) => resolve(code)));
    big.send("x".repeat(8 * 1024 * 1024 + 1));
    expect(await closed).toBe(1009);
    // The host goes on serving: a new socket gets its replies, the page still loads.
    const next = (await connect(TOKEN)) as WebSocket;
    expect((await exchange(next, "not json")).reply.ok).toBe(false);
    next.close();
    expect((await fetch(`http://127.0.0.1:${host.port}/`)).status).toBe(200);
  });

  it("passes a valid command on, returns the engine's error as a reply, and pushes snapshots", async () => {
    const socket = (await connect(TOKEN)) as WebSocket;
    expect(await exchange(socket, JSON.stringify({ id: 7, command: "setSpeed", payload: { speed: 50 } }))).toEqual({ id: 7, reply: { ok: true } });
    expect(backend.calls.at(-1)).toEqual({ name: "setSpeed", input: { speed: 50 } });
    expect(await exchange(socket, JSON.stringify({ id: 8, command: "heal", payload: { faultId: "u1" } }))).toEqual({ id: 8, reply: { ok: false, error: "fault u1 is not active" } });
    const pushed = new Promise((resolve) => socket.once("message", (data) => resolve(JSON.parse(data.toString()))));
    backend.push({ type: "error", message: "hello" });
    expect(await pushed).toEqual({ push: { type: "error", message: "hello" } });
    socket.close();
  });
});
