import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, loadScenarioFile, runDrill, sealBundle, verifyEvidence, writeEvidence, type CheckResult, type DrillReport, type InstallationKey } from "../../engine";

const root = join(import.meta.dirname, "../..");
const scenarioPath = join(root, "test/fixtures/short-drill.yaml");
const work = mkdtempSync(join(tmpdir(), "failover-lab-evidence-"));
const bundle = join(work, "bundle");
const WRITTEN = "2026-12-05T11:08:31.123Z";
let report: DrillReport;
let key: InstallationKey;
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  key = generateKeyPair();
  const auditDir = join(work, "audit");
  report = await runDrill(loadScenarioFile(scenarioPath), { auditDir });
  writeEvidence(bundle, { scenarioText: readFileSync(scenarioPath, "utf8"), report, auditDir, key, generatedBy: "test", writtenAt: WRITTEN });
});

/** A copy of the fresh bundle to damage. */
let copies = 0;
function copy(): string {
  const dir = join(work, `copy-${++copies}`);
  cpSync(bundle, dir, { recursive: true });
  return dir;
}

const verdicts = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.check, r.ok]));
const detail = (results: CheckResult[], check: string) => results.find((r) => r.check === check)?.detail ?? "";

describe("verifyEvidence", () => {
  it("passes a fresh bundle on every check, re-running the scenario to the same audit heads", async () => {
    const results = await verifyEvidence(bundle);
    expect(verdicts(results)).toEqual({ "manifest signature": true, "file hashes": true, "audit chains": true, fingerprint: true, "buffers match destinations": true, checkpoints: true, reproduces: true });
    // The report prints the date, the key and the fingerprint the verifier recomputed.
    const fingerprint = /^([0-9a-f]{64}) \(SHA-256 of the scenario file, the seed and every audit store's head\)/.exec(detail(results, "fingerprint"))![1]!;
    const page = readFileSync(join(bundle, "report.html"), "utf8");
    expect(page).toContain(`<dd data-stamp="fingerprint"><code>${fingerprint}</code>`);
    expect(page).toContain(`<dd data-stamp="key">${key.keyId}</dd>`);
    expect(page).toContain(`<dd data-stamp="date">2026-12-05 11:08:31 UTC</dd>`);
    expect(detail(results, "reproduces")).toContain(report.questions.audit.chain.head.slice(0, 14));
    expect(detail(results, "checkpoints")).toMatch(/^\d+ signed checkpoints over 1 logs/);
  });

  it("fails on one changed byte of the report, naming the file", async () => {
    const dir = copy();
    const file = join(dir, "report.json");
    const bytes = readFileSync(file);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(file, bytes);
    const results = await verifyEvidence(dir, { rerun: false });
    expect(verdicts(results)["file hashes"]).toBe(false);
    expect(detail(results, "file hashes")).toBe("report.json: SHA-256 differs from the manifest");
  });

  it("fails on a deleted audit line, naming the file, the line and the gap", async () => {
    const dir = copy();
    const file = join(dir, "audit/canonical.jsonl");
    const lines = readFileSync(file, "utf8").split("\n");
    lines.splice(16, 1);
    writeFileSync(file, lines.join("\n"));
    const results = await verifyEvidence(dir, { rerun: false });
    expect(verdicts(results)).toMatchObject({ "file hashes": false, "audit chains": false });
    expect(detail(results, "audit chains")).toBe("audit/canonical.jsonl:17: entry 17: sequence gap: expected 17, found 18");
  });

  it("fails on a forged checkpoint: a changed root, and a checkpoint re-signed by another key", async () => {
    const forgedRoot = copy();
    const file = join(forgedRoot, "checkpoints.json");
    const checkpoints = JSON.parse(readFileSync(file, "utf8"));
    checkpoints.logs.canonical.checkpoints[0].checkpoint.root = "ab".repeat(32);
    writeFileSync(file, JSON.stringify(checkpoints));
    sealBundle(forgedRoot, report, key, WRITTEN); // even an insider who can re-seal the manifest cannot re-sign the checkpoint
    let results = await verifyEvidence(forgedRoot, { rerun: false });
    expect(verdicts(results)).toMatchObject({ "file hashes": true, checkpoints: false });
    expect(detail(results, "checkpoints")).toBe("canonical checkpoint 1: bad signature");

    const otherKey = copy();
    const mallory = generateKeyPair();
    writeEvidence(join(otherKey, "resigned"), { scenarioText: readFileSync(scenarioPath, "utf8"), report, auditDir: join(work, "audit"), key: mallory, generatedBy: "mallory", writtenAt: WRITTEN });
    results = await verifyEvidence(join(otherKey, "resigned"), { rerun: false, trustedPublicKeyPem: key.publicKeyPem });
    expect(verdicts(results)["manifest signature"]).toBe(false);
    expect(detail(results, "manifest signature")).toContain(`not by the trusted key ${key.keyId}`);
  });

  it("fails when the outcome does not reproduce: a scenario changed after the run, even with a re-sealed manifest", async () => {
    const dir = copy();
    const file = join(dir, "scenario.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("rate_per_s: 10", "rate_per_s: 11"));
    sealBundle(dir, report, key, WRITTEN);
    const results = await verifyEvidence(dir);
    expect(verdicts(results)).toMatchObject({ "manifest signature": true, "file hashes": true, "audit chains": true, checkpoints: true, fingerprint: false, reproduces: false });
    // Re-sealed, the manifest names the changed file's fingerprint, which the printed report does not carry.
    expect(detail(results, "fingerprint")).toBe("report.html does not print the fingerprint");
    expect(detail(results, "reproduces")).toMatch(/^re-running scenario.yaml with seed 1 gives other audit heads: canonical=/);
  });
});

describe("npm run verify", () => {
  const verify = async (...args: string[]) => {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(root, "cli/verify.ts"), ...args], { cwd: root });
      return { code: 0, stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string };
      return { code: e.code, stdout: e.stdout };
    }
  };

  it("prints a verdict per check and exits 0 on a sound bundle, 1 on a damaged one, 2 on bad arguments", async () => {
    const good = await verify(bundle, "--no-rerun");
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^PASS {2}manifest signature: signed by key [0-9a-f]{16}/m);
    expect(good.stdout).toContain("Bundle verified: 6 checks passed.");
    const dir = copy();
    rmSync(join(dir, "report.html"));
    const bad = await verify(dir, "--no-rerun");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("FAIL  file hashes: report.html is missing");
    expect((await verify()).code).toBe(2);
  });
});
