/**
 * `npm run bench:ui`: what the app costs to render and to run, measured in Debian's Chromium against browser
 * mode (the Electron binary cannot be downloaded on the machines this project is built on).
 *
 * 1. Start-up: from spawning `npm start -- --browser` (UI already built) to a topology a user can click.
 * 2. Frames: requestAnimationFrame intervals while a 12-region scenario plays at 50×, and main-thread long tasks.
 * 3. Memory over a simulated hour at 50×: the host's heap after GC, and the page's JS heap after GC.
 * 4. The audit inspector over a log of 100,000+ entries: frame intervals while scrolling through all of it,
 *    and how long rows take to appear after jumping to the middle.
 *
 *   npm run bench:ui [-- startup play audit]   (all three parts when none is named)
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { quantile } from "simple-statistics";
import { stringify } from "yaml";
import type { ScenarioInput } from "../engine";
import { LabController } from "../engine/lab/controller";
import type { LabSnapshot } from "../engine/lab/contract";
import { startBrowserHost } from "../host/browserHost";
import { ensureRendererBuilt, RENDERER_DIR } from "../host/build";
import { launchChromium } from "../host/chromium";
import { selectParts } from "./parts";
import { scenarioFolder } from "../host/scenarioLibrary";

const root = join(import.meta.dirname, "..");
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc (npm run bench:ui does)");

const REGIONS = [
  ["eu-west", "EU", "Dublin"],
  ["eu-central", "EU", "Frankfurt"],
  ["eu-north", "EU", "Stockholm"],
  ["eu-south", "EU", "Milan"],
  ["us-east", "US", "Virginia"],
  ["us-west", "US", "Oregon"],
  ["us-central", "US", "Iowa"],
  ["ca-central", "CA", "Montreal"],
  ["uk-south", "UK", "London"],
  ["ch-north", "CH", "Zurich"],
  ["jp-east", "JP", "Tokyo"],
  ["au-east", "AU", "Sydney"],
] as const;

/** Twelve regions, one provider in each, a caller population per region, and faults through the hour. */
function twelveRegions(name: string, ratePerRegion: number, durationS: number): ScenarioInput {
  return {
    revision: 1,
    name,
    duration_s: durationS,
    topology: {
      regions: REGIONS.map(([id, jurisdiction, location]) => ({ id, jurisdiction, location })),
      providers: [{ id: "openai-sim", deployments: REGIONS.map(([id]) => ({ region: id, endpoint: `https://openai-sim.${id}.sim.test`, models: ["gpt-4o"] })) }],
      models: [{ id: "chat-large", serves: [{ provider: "openai-sim", model: "gpt-4o" }] }],
      callers: REGIONS.map(([id, jurisdiction]) => ({ id: `${id}-app`, region: id, jurisdiction, model: "chat-large", rate_per_s: ratePerRegion })),
    },
    policy: { residency: { EU: ["EU"] } },
    // Twelve gateways each probing twelve endpoints: a 30 s interval keeps probing below the traffic.
    health: { probe: { interval_s: 30 } },
    faults: [
      { kind: "region-outage", at_s: 600, heal_s: 1_200, region: "eu-west" },
      { kind: "gateway-down", at_s: 1_800, heal_s: 2_100, region: "us-west" },
      { kind: "latency", at_s: 2_400, heal_s: 3_000, from: "eu-central", to: "us-east", added_ms: 800 },
    ],
  } as ScenarioInput;
}

const stats = (values: readonly number[]) => ({
  n: values.length,
  median: quantile([...values], 0.5),
  p95: quantile([...values], 0.95),
  p99: quantile([...values], 0.99),
  max: Math.max(...values),
});
const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

async function measureStartup(): Promise<{ urlMs: number; interactiveMs: number }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const started = performance.now();
  const child = spawn(process.execPath, ["--max-semi-space-size=32", "--import", "tsx", join(root, "cli", "start.ts"), "--browser"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
        if (match) resolve(match[0]);
      });
      child.on("exit", (code) => reject(new Error(`npm start exited with ${code}`)));
    });
    const urlMs = performance.now() - started;
    await page.goto(url);
    await page.getByTestId("gateway-eu-west").waitFor();
    await page.getByTestId("play").waitFor({ state: "visible" });
    return { urlMs, interactiveMs: performance.now() - started };
  } finally {
    child.kill("SIGTERM");
    await browser.close();
  }
}

const PROBES = readFileSync(join(import.meta.dirname, "ui-probes.js"), "utf8");
/** Runs one of bench/ui-probes.js's functions in the page. */
const probe = <T>(page: Page, call: string): Promise<T> => page.evaluate(`${PROBES}\n${call}`) as Promise<T>;
const sampleFrames = (page: Page, wallMs: number) => probe<{ frames: number[]; longTaskMs: number }>(page, `sampleFrames(${wallMs})`);

async function pageHeap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  return usedSize;
}

function hostHeap(): number {
  gc!();
  return process.memoryUsage().heapUsed;
}

const PARTS = ["startup", "play", "audit"] as const;

/** The app as the bench drives it: the controller in this process, its browser host, one Chromium page. */
interface Lab {
  readonly controller: LabController;
  readonly page: Page;
  readonly url: string;
  /** The latest snapshot pushed, and how many said the host had fallen behind the speed. */
  readonly latest: () => LabSnapshot;
  readonly behindShare: () => number;
}

async function playAnHour(lab: Lab, log: (line: string) => void): Promise<void> {
  const { controller, page } = lab;
  const hour = twelveRegions("bench: 12 regions for an hour", 0.5, 3_600);
  const loaded = await controller.execute("loadScenario", { source: "text", fileName: "bench-12-regions.yaml", text: stringify(hour) });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  await page.goto(lab.url);
  await page.getByTestId("gateway-au-east").waitFor();
  await page.getByTestId("tab-metrics").click();
  await controller.execute("setSpeed", { speed: 50 });
  await controller.execute("play", {});

  const memory: { simulatedMin: number; host: number; page: number }[] = [];
  const sampleMemory = async () => memory.push({ simulatedMin: Math.round(lab.latest().nowMs / 60_000), host: hostHeap(), page: await pageHeap(page) });
  const frames: number[] = [];
  let longTaskMs = 0;
  let sampledMs = 0;
  const wallStart = performance.now();
  let nextSample = 0;
  while (lab.latest().status === "playing") {
    if (lab.latest().nowMs >= nextSample) {
      await sampleMemory();
      nextSample += 600_000;
    }
    const sample = await sampleFrames(page, 5_000);
    frames.push(...sample.frames);
    longTaskMs += sample.longTaskMs;
    sampledMs += 5_000;
  }
  const wallS = (performance.now() - wallStart) / 1000;
  await sampleMemory();
  const f = stats(frames);
  log(`12 regions at 50×: a simulated hour took ${wallS.toFixed(0)} s wall (${(3_600 / wallS).toFixed(1)}× real time; ${Math.round(lab.behindShare() * 100)} % of snapshots say the host fell behind 50×), ${lab.latest().totals.requests} requests`);
  log(`  frame interval: median ${ms(f.median)}, p95 ${ms(f.p95)}, p99 ${ms(f.p99)}, max ${ms(f.max)} over ${f.n} frames; long tasks ${ms(longTaskMs)} in ${(sampledMs / 1000).toFixed(0)} s (${((longTaskMs / sampledMs) * 100).toFixed(1)} % of the time)`);
  log(`  memory after GC by simulated minute: ${memory.map((m) => `${m.simulatedMin} min host ${mb(m.host)} page ${mb(m.page)}`).join("; ")}`);
}

async function scrollAudit(lab: Lab, log: (line: string) => void): Promise<void> {
  const { controller, page } = lab;
  const audit = twelveRegions("bench: 100k audit entries", 10, 7_200);
  await controller.execute("loadScenario", { source: "text", fileName: "bench-audit.yaml", text: stringify(audit) });
  const fillStart = performance.now();
  for (let to = 60_000; lab.latest().questions.audit.entries < 100_000; to += 60_000) await controller.execute("runTo", { ms: to });
  const entries = lab.latest().questions.audit.entries;
  log(`audit log filled to ${entries} entries by fast-forwarding ${lab.latest().nowMs / 1000} simulated s in ${((performance.now() - fillStart) / 1000).toFixed(0)} s`);
  if (page.url() !== lab.url) await page.goto(lab.url);
  await page.getByTestId("tab-audit").click();
  await page.locator('[data-testid="audit-row"]').first().waitFor();
  const scroll = await probe<{ frames: number[]; jumpMs: number; rowsInDom: number }>(page, "scrollAudit(300)");
  const s = stats(scroll.frames);
  log(`audit inspector over ${entries} entries: scrolling top to bottom in 300 steps, frame interval median ${ms(s.median)}, p95 ${ms(s.p95)}, max ${ms(s.max)}; rows shown ${ms(scroll.jumpMs)} after a jump to the middle; ${scroll.rowsInDom} rows in the DOM; page heap ${mb(await pageHeap(page))}`);
}

async function main(): Promise<void> {
  const wanted = selectParts(PARTS);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`machine: ${process.platform} ${process.arch}, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`);
  await ensureRendererBuilt(log);

  if (wanted("startup")) {
    const startup = [];
    for (let i = 0; i < 3; i++) startup.push(await measureStartup());
    log(`start-up (UI built): address printed after ${startup.map((s) => ms(s.urlMs)).join(", ")}; topology interactive after ${startup.map((s) => ms(s.interactiveMs)).join(", ")}`);
  }
  if (!wanted("play") && !wanted("audit")) return;

  const controller = new LabController({ scenarios: scenarioFolder(join(root, "scenarios")), wallNow: () => performance.now(), waitWallMs: (wait) => new Promise((resolve) => setTimeout(resolve, wait)) });
  let latest: LabSnapshot | undefined;
  let behind = 0;
  let snapshots = 0;
  controller.subscribe((message) => {
    if (message.type !== "snapshot") return;
    latest = message.snapshot;
    snapshots++;
    if (latest.behind) behind++;
  });
  const host = await startBrowserHost({ backend: controller, rendererDir: RENDERER_DIR });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const lab: Lab = { controller, page, url: host.url, latest: () => latest!, behindShare: () => behind / snapshots };
    if (wanted("play")) await playAnHour(lab, log);
    if (wanted("audit")) await scrollAudit(lab, log);
  } finally {
    await browser.close();
    await host.close();
    await controller.close();
  }
}

await main();
