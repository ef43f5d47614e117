import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/serve";
import { startMisbehavingUpstream } from "../fixtures/misbehavingUpstream";
import { inProcess, root, runCli } from "./runCli";

const fixture = join(root, "test/fixtures/short-drill.yaml");
const dir = mkdtempSync(join(tmpdir(), "failover-lab-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Where a serve keeps its audit stores: never the user's own installation directory. */
const env = { ...process.env, FAILOVER_LAB_HOME: join(dir, "home") };

const serve = (...args: string[]) => runCli("serve", args, env);

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
};

/**
 * Spawns `serve` on a free port and waits until it serves: its process, its stdout so far, when it exits, and
 * the eu-west base URL. The caller kills it.
 */
async function startServe(scenario: string) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "cli/serve.ts"), scenario, "--port", "0"], { cwd: root, env });
  const out = { text: "" };
  child.stdout.on("data", (part: Buffer) => (out.text += part.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  await until(() => out.text.includes("Ctrl+C stops."));
  const base = /eu-west +(http:\/\/127\.0\.0\.1:\d+\/eu-west\/v1)\n/.exec(out.text)![1]!;
  return { child, out, exited, base };
}

/** Runs serve's `main` in this process, never stopped: every case here ends before it would serve. */
const serveInProcess = (...args: string[]) => inProcess(() => main(args, new Promise(() => undefined)));

describe("npm run serve", () => {
  it("exits 2 on bad arguments, naming what is wrong, and serves nothing", async () => {
    const cases: [string[], RegExp][] = [
      [[], /^missing scenario file\nusage: failover-lab serve <scenario.yaml>/],
      [[fixture, fixture], /expected one scenario file, got 2/],
      [[fixture, "--port", "http"], /--port must be a port number from 0 to 65535 \(0 picks a free one\), got "http"/],
      [[fixture, "--port", "70000"], /--port must be a port number/],
      [[fixture, "--speed", "0"], /--speed must be a number from 1 to 100, got "0"/],
      [[fixture, "--speed", "fast"], /--speed must be a number from 1 to 100, got "fast"/],
      [[fixture, "--seed", "1.5"], /--seed must be an integer from 0 to 2147483647, got "1.5"/],
      [[fixture, "--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await serveInProcess(...args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).toContain("usage: failover-lab serve <scenario.yaml> [--port N] [--speed X] [--seed N]");
      expect(stdout).toBe("");
    }
    expect(existsSync(join(dir, "home"))).toBe(false);
  });

  it("exits 2 on a scenario that does not load, naming file, line and field (spawned, as a user runs it)", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, readFileSync(fixture, "utf8").replace("rate_per_s: 10", "rate_per_s: -3"));
    const invalid = await serve(broken);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("Invalid scenario; nothing ran.");
    expect(invalid.stderr).toContain(`${broken}:21:`);
    expect(invalid.stderr).toContain("topology.callers[0].rate_per_s");
    expect(invalid.stdout).toBe("");
    const missing = await serveInProcess(join(dir, "missing.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.yaml:1:1: cannot read the file: ENOENT/);
  });

  it("exits 2 on a real upstream played faster than real time: its latency would count several times over", async () => {
    const realUpstream = join(root, "test/fixtures/real-upstream.yaml");
    const { code, stderr } = await serveInProcess(realUpstream, "--speed", "5", "--port", "0");
    expect(code).toBe(2);
    expect(stderr).toBe("local@eu-west is a real server, which answers in wall time, so the scenario plays at 1× real time only; drop --speed 5. Nothing ran.\n");
  });

  it("exits 2 when the port is in use, saying how to choose another", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, stderr, stdout } = await serveInProcess(fixture, "--port", String(port));
      expect(code).toBe(2);
      expect(stderr).toContain(`port ${port} on 127.0.0.1 is already in use by another program; choose another with --port N (0 picks a free one). Nothing ran.`);
      expect(stdout).toBe("");
    } finally {
      taken.close();
    }
  });

  it("prints a base URL per regional gateway, serves until SIGINT, then prints the audit head and where the stores stay", async () => {
    // At the default speed, 1×, the call lands long before the fixture's eu-west outage at 20 s.
    const { child, out, exited, base } = await startServe(fixture);
    // A test that fails half-way must not leave a server running.
    try {
      expect(out.text).toMatch(/us-east +http:\/\/127\.0\.0\.1:\d+\/us-east\/v1\n/);
      expect(await (await fetch(`${base}/models`)).json()).toMatchObject({ object: "list", data: [{ id: "chat-large", object: "model" }] });
      const answer = await fetch(`${base}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "chat-large", messages: [{ role: "user", content: "hi" }] }) });
      expect(answer.status).toBe(200);
      const id = answer.headers.get("x-request-id")!;
      const line = new RegExp(`\n${id}  eu-west  200 completion served by openai-sim@eu-west/gpt-4o · 1 attempt\\(s\\) · \\d+ ms simulated\n`);
      await until(() => line.test(out.text));
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(out.text).toContain("SIGINT: stopping.");
      expect(out.text).toMatch(/Audit head [0-9a-f]{64} \([\d,]+ entries in 3 stores, every chain verified\)\./);
      const stores = /Audit stores: (.+)\n/.exec(out.text)![1]!;
      expect(stores.startsWith(join(dir, "home", "serve", "short-drill-"))).toBe(true);
      expect(existsSync(join(stores, "canonical.db"))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("exits promptly on SIGINT with a call in flight to a silent real upstream, whose connection it closes", async () => {
    const upstream = await startMisbehavingUpstream("silent");
    const scenario = join(dir, "silent-upstream.yaml");
    // Limits far beyond the test, so only the shutdown can end the call.
    const text = readFileSync(join(root, "test/fixtures/real-upstream.yaml"), "utf8").replace('"http://127.0.0.1:9"', JSON.stringify(upstream.baseUrl));
    writeFileSync(scenario, `${text}gateway: { attempt_timeout_ms: 600000, first_token_timeout_ms: 600000 }\n`);
    const { child, out, exited, base } = await startServe(scenario);
    try {
      const call = fetch(`${base}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "chat-large", messages: [{ role: "user", content: "hi" }] }) });
      call.catch(() => undefined);
      await upstream.arrived(1);
      const signalled = performance.now();
      child.kill("SIGINT");
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running 5 s after SIGINT"), 5_000))]);
      expect(code).toBe(0);
      expect(out.text).toContain("SIGINT: stopping.");
      const closedAt = upstream.calls[0]!.closedAt;
      expect(closedAt, "the upstream connection was never closed").toBeDefined();
      expect(closedAt! - signalled).toBeLessThanOrEqual(1_000);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await upstream.close();
    }
  });
});
