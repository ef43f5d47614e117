/**
 * Issue 18 item 4's hostile files through the real command (`failover-lab drill FILE`, the package's bin): each
 * one's exit code, wall and CPU time and peak resident set from GNU time, beside `drill --help` (start-up alone),
 * and the reader's own time in this process. Prints the Markdown table of BENCHMARKS.md, "Hostile files".
 * Run: `node --import tsx bench/hostileFiles.ts` (needs /usr/bin/time and mkfifo).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenarioFile, ScenarioError } from "../engine";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "hostile-files-"));
const lines = (n: number, line: (i: number) => string) => `${Array.from({ length: n }, (_, i) => line(i)).join("\n")}\n`;
const callers = (n: number) => lines(n, (i) => `    - { id: c${i}, jurisdiction: EU, region: eu-west, rate_per_s: 1, model: chat }`);

/** Each case: what the issue calls it, and how to make its file at a path. */
const CASES: [string, ((path: string) => void) | undefined][] = [
  ["`drill --help` (start-up alone)", undefined],
  ["symlink to /dev/zero", (path) => symlinkSync("/dev/zero", path)],
  ["symlink to /dev/urandom", (path) => symlinkSync("/dev/urandom", path)],
  ["FIFO", (path) => execFileSync("mkfifo", [path])],
  ["directory", (path) => mkdirSync(path)],
  ["50,000 keys", (path) => writeFileSync(path, `revision: 1\n${lines(50_000, (i) => `unknown_key_number_${i}: ${i}`)}`)],
  ["2.4 M keys", (path) => writeFileSync(path, `revision: 1\n${lines(2_400_000, (i) => `k${i}: ${i}`)}`)],
  ["650 k callers", (path) => writeFileSync(path, `revision: 1\ntopology:\n  callers:\n${callers(650_000)}`)],
  ["50 MB description", (path) => writeFileSync(path, `revision: 1\ndescription: "${"x".repeat(50_000_000)}"\n`)],
  ["40,000 short unknown keys, under the byte cap", (path) => writeFileSync(path, `revision: 1\n${lines(40_000, (i) => `u${i}: 1`)}`)],
  ["9,999 unknown keys, just under the value cap", (path) => writeFileSync(path, `revision: 1\n${lines(9_999, (i) => `unknown_${i}: ${i}`)}`)],
  ["nesting 1,000 deep", (path) => writeFileSync(path, `revision: 1\nname: ${"[".repeat(1000)}${"]".repeat(1000)}\n`)],
  ["NUL bytes", (path) => writeFileSync(path, "revision: 1\nname: a\0b\n")],
  ["invalid UTF-8", (path) => writeFileSync(path, Buffer.concat([Buffer.from("revision: 1\nname: caf"), Buffer.from([0xe9]), Buffer.from("\n")]))],
];

/** The reader's time in this process, warm, the best of three: what the refusal costs once the command has started. */
function readerMs(path: string): string {
  loadScenarioFile(join(root, "scenarios", "eu-region-outage.yaml"));
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    try {
      loadScenarioFile(path);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
    }
    best = Math.min(best, performance.now() - started);
  }
  return best.toFixed(1);
}

const rows = [
  "| case | file | exit | wall s | CPU s (user+sys) | peak RSS MB | reader ms | what it says |",
  "|---|---:|---:|---:|---:|---:|---:|---|",
];
try {
  for (const [name, make] of CASES) {
    const path = join(dir, `${name.replace(/[^a-z0-9]+/gi, "-")}.yaml`);
    make?.(path);
    const timing = join(dir, "time.txt");
    const args = make ? ["drill", path] : ["drill", "--help"];
    const run = spawnSync("/usr/bin/time", ["-v", "-o", timing, process.execPath, join(root, "bin", "failover-lab.mjs"), ...args], { cwd: root, encoding: "utf8" });
    const report = readFileSync(timing, "utf8");
    const field = (label: string) => new RegExp(`${label}: (.+)`).exec(report)?.[1] ?? "?";
    const wall = field("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)").split(":").reduce((s, part) => s * 60 + Number(part), 0);
    const cpu = Number(field("User time \\(seconds\\)")) + Number(field("System time \\(seconds\\)"));
    const rssMb = Number(field("Maximum resident set size \\(kbytes\\)")) / 1024;
    const said = make ? (run.stderr.split("\n").find((line) => line.startsWith(path))?.slice(dir.length + 1) ?? run.stderr.trim()) : "(usage)";
    const size = make && statSync(path).isFile() ? `${(statSync(path).size / 1e6).toFixed(2)} MB` : "–";
    rows.push(`| ${name} | ${size} | ${run.status} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${rssMb.toFixed(0)} | ${make ? readerMs(path) : "–"} | ${make ? `\`${said}\`` : said} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${rows.join("\n")}\n\nload average while measured: ${loadavg().map((n) => n.toFixed(1)).join(", ")}\n`);
