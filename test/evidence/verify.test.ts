import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as keyMain } from "../../cli/key";
import { main as verifyMain } from "../../cli/verify";
import {
  addPdf,
  canonicalJson,
  generateKeyPair,
  loadOrCreateInstallationKey,
  loadScenarioFile,
  runDrill,
  sealBundle,
  verifyEvidence,
  writeEvidence,
  type CheckResult,
  type DrillReport,
  type InstallationKey,
  type StoredEntry,
  type VerifyOptions,
} from "../../engine";
import { signCheckpoint, type Checkpoint } from "../../engine/audit/checkpoint";
import { inProcess, runCli } from "../cli/runCli";

const root = join(import.meta.dirname, "../..");
const scenarioPath = join(root, "test/fixtures/short-drill.yaml");
const work = mkdtempSync(join(tmpdir(), "failover-lab-evidence-"));
const bundle = join(work, "bundle");
const WRITTEN = "2026-12-05T11:08:31.123Z";
const home = join(work, "home");
let report: DrillReport;
let key: InstallationKey;
/** The bundle's signing key, trusted. */
let trusted: VerifyOptions;
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  key = generateKeyPair();
  trusted = { trustedKeys: [{ publicKey: key.publicKey, source: "the test key" }] };
  const auditDir = join(work, "audit");
  report = await runDrill(loadScenarioFile(scenarioPath), { auditDir });
  writeEvidence(bundle, { scenarioText: readFileSync(scenarioPath, "utf8"), report, auditDir, key, generatedBy: "test", writtenAt: WRITTEN });
  // A stand-in printer: what is checked is the PDF's binding to the page, not its bytes.
  await addPdf(bundle, report, seal(key), async (_html, pdf) => writeFileSync(pdf, "%PDF-1.7 printed from report.html\n"));
});

const seal = (signer: InstallationKey) => ({ key: signer, generatedBy: "test", writtenAt: WRITTEN });

/** Seals a changed bundle again as its writer would, the PDF bound to the page as it now is. */
const reseal = (dir: string, signer = key) => sealBundle(dir, report, seal(signer), createHash("sha256").update(readFileSync(join(dir, "report.html"))).digest("hex"));

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
  it("passes a fresh bundle signed by a trusted key on every check, re-running the scenario to the same audit heads", async () => {
    const results = await verifyEvidence(bundle, trusted);
    expect(verdicts(results)).toEqual({
      "manifest signature": true,
      "file hashes": true,
      "audit chains": true,
      fingerprint: true,
      "report pages": true,
      "buffers match destinations": true,
      checkpoints: true,
      reproduces: true,
    });
    expect(detail(results, "manifest signature")).toBe(`signed by key ${key.keyId}, trusted (the test key)`);
    expect(detail(results, "report pages")).toMatch(/^report.html is the page rendered from report.json, byte for byte; report.pdf is not re-rendered .* printed from this report.html$/);
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
    const results = await verifyEvidence(dir, { ...trusted, rerun: false });
    expect(verdicts(results)["file hashes"]).toBe(false);
    expect(detail(results, "file hashes")).toBe("report.json: SHA-256 differs from the manifest");
  });

  it("fails on a deleted audit line, naming the file, the line and the gap", async () => {
    const dir = copy();
    const file = join(dir, "audit/canonical.jsonl");
    const lines = readFileSync(file, "utf8").split("\n");
    lines.splice(16, 1);
    writeFileSync(file, lines.join("\n"));
    const results = await verifyEvidence(dir, { ...trusted, rerun: false });
    expect(verdicts(results)).toMatchObject({ "file hashes": false, "audit chains": false });
    expect(detail(results, "audit chains")).toBe("audit/canonical.jsonl:17: entry 17: sequence gap: expected 17, found 18");
  });

  it("fails on a forged checkpoint: a changed root, and a checkpoint re-signed by another key", async () => {
    const forgedRoot = copy();
    const file = join(forgedRoot, "checkpoints.json");
    const checkpoints = JSON.parse(readFileSync(file, "utf8"));
    checkpoints.logs.canonical.checkpoints[0].checkpoint.root = "ab".repeat(32);
    writeFileSync(file, JSON.stringify(checkpoints));
    reseal(forgedRoot); // even an insider who can re-seal the manifest cannot re-sign the checkpoint
    let results = await verifyEvidence(forgedRoot, { ...trusted, rerun: false });
    expect(verdicts(results)).toMatchObject({ "file hashes": true, checkpoints: false });
    expect(detail(results, "checkpoints")).toBe("canonical checkpoint 1: bad signature");

    const otherKey = copy();
    const mallory = generateKeyPair();
    writeEvidence(join(otherKey, "resigned"), { scenarioText: readFileSync(scenarioPath, "utf8"), report, auditDir: join(work, "audit"), key: mallory, generatedBy: "mallory", writtenAt: WRITTEN });
    results = await verifyEvidence(join(otherKey, "resigned"), { ...trusted, rerun: false });
    expect(verdicts(results)["manifest signature"]).toBe(false);
    expect(detail(results, "manifest signature")).toBe(`valid signature, key ${mallory.keyId} not trusted (pass --trusted-key or \`failover-lab key trust\`)`);
  });

  it("fails when the outcome does not reproduce: a scenario changed after the run, even with a re-sealed manifest", async () => {
    const dir = copy();
    const file = join(dir, "scenario.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("rate_per_s: 10", "rate_per_s: 11"));
    reseal(dir);
    const results = await verifyEvidence(dir, trusted);
    expect(verdicts(results)).toMatchObject({ "manifest signature": true, "file hashes": true, "audit chains": true, checkpoints: true, fingerprint: false, reproduces: false });
    // Re-sealed, the manifest names the changed file's fingerprint, which the printed report does not carry.
    expect(detail(results, "fingerprint")).toBe("report.html does not print the fingerprint");
    expect(detail(results, "reproduces")).toMatch(/^re-running scenario.yaml with seed 1 gives other audit heads: canonical=/);
  });
});

/** Re-signs the bundle's manifest after `change`, as its key's holder could: the manifest check then passes. */
function resign(dir: string, change: (manifest: { files: Record<string, string> }) => void, signer: { privateKey: KeyObject; publicKeyPem: string; keyId: string } = key): void {
  const file = join(dir, "manifest.json");
  const signed = JSON.parse(readFileSync(file, "utf8"));
  change(signed.manifest);
  const signature = sign(signer.privateKey.asymmetricKeyType === "ed25519" ? null : "sha256", Buffer.from(canonicalJson(signed.manifest)), signer.privateKey).toString("base64");
  writeFileSync(file, JSON.stringify({ ...signed, signature, publicKey: signer.publicKeyPem, keyId: signer.keyId }));
}

/** Re-signs every checkpoint of every log with `signer`, each naming its new predecessor, as a forger holding only the bundle would. */
function resignCheckpoints(dir: string, signer: InstallationKey): void {
  const file = join(dir, "checkpoints.json");
  const checkpoints = JSON.parse(readFileSync(file, "utf8"));
  for (const log of Object.values(checkpoints.logs) as { checkpoints: { checkpoint: Checkpoint }[] }[]) {
    let previous: string | null = null;
    log.checkpoints = log.checkpoints.map(({ checkpoint }) => {
      const signed = signCheckpoint({ ...checkpoint, previous }, signer.privateKey);
      previous = signed.signature;
      return signed;
    });
  }
  writeFileSync(file, JSON.stringify({ ...checkpoints, publicKey: signer.publicKeyPem, keyId: signer.keyId }));
}

const p256 = () => {
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = pair.publicKey.export({ type: "spki", format: "der" });
  return { privateKey: pair.privateKey, publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }) as string, keyId: createHash("sha256").update(der).digest("hex").slice(0, 16) };
};

/** Replaces line `n` (1-based) of a bundle file. */
function replaceLine(file: string, n: number, text: string): void {
  const lines = readFileSync(file, "utf8").split("\n");
  lines[n - 1] = text;
  writeFileSync(file, lines.join("\n"));
}

describe("verifyEvidence: whose signature (issue 18, item 6)", () => {
  it("fails a valid signature by a key nobody trusted, and still checks the rest", async () => {
    const results = await verifyEvidence(bundle, { rerun: false });
    expect(results.filter((r) => !r.ok)).toEqual([
      { check: "manifest signature", ok: false, detail: `valid signature, key ${key.keyId} not trusted (pass --trusted-key or \`failover-lab key trust\`)` },
    ]);
  });

  it("fails a forged page, its checkpoints and manifest re-signed with a fresh key: untrusted, not the original key's, and not the page report.json renders", async () => {
    const dir = copy();
    const page = join(dir, "report.html");
    const mallory = generateKeyPair();
    // A thorough forger prints the new key's id too.
    writeFileSync(page, readFileSync(page, "utf8").replace(/<strong>Drill (passed|failed)<\/strong>/, "<strong>Drill passed (forged)</strong>").replaceAll(key.keyId, mallory.keyId));
    resignCheckpoints(dir, mallory);
    reseal(dir, mallory);
    const forgedLine = readFileSync(page, "utf8").split("\n").findIndex((line) => line.includes("Drill passed (forged)")) + 1;
    const pages = `report.html:${forgedLine}: differs from the page rendered from report.json`;

    for (const options of [{ rerun: false }, { ...trusted, rerun: false }]) {
      const results = await verifyEvidence(dir, options);
      expect(verdicts(results)).toMatchObject({ "manifest signature": false, "file hashes": true, "audit chains": true, checkpoints: true, "report pages": false });
      expect(detail(results, "manifest signature")).toBe(`valid signature, key ${mallory.keyId} not trusted (pass --trusted-key or \`failover-lab key trust\`)`);
      expect(detail(results, "report pages")).toBe(pages);
    }
    // Even a reviewer talked into trusting the forger's key reads a page the data does not render.
    const fooled = await verifyEvidence(dir, { trustedKeys: [{ publicKey: mallory.publicKey, source: "mallory" }], rerun: false });
    expect(fooled.filter((r) => !r.ok).map((r) => r.check)).toEqual(["report pages"]);
  });

  it("fails a PDF the signed manifest does not bind to report.html, saying a PDF is not re-rendered", async () => {
    const dir = copy();
    writeFileSync(join(dir, "report.pdf"), "%PDF-1.7 any other report\n");
    sealBundle(dir, report, seal(key));
    const results = await verifyEvidence(dir, { ...trusted, rerun: false });
    expect(results.filter((r) => !r.ok).map((r) => r.check)).toEqual(["report pages"]);
    expect(detail(results, "report pages")).toBe("manifest.json does not bind report.pdf to this report.html: report.pdf is not re-rendered (Chromium's PDF bytes are not deterministic), so it may show anything");
  });

  it("verifies with the original key trusted by --trusted-key or `key trust`, not by a file that is not a key (exit 2)", async () => {
    const installation = join(home, "trusting");
    const pem = join(work, "author.pem");
    writeFileSync(pem, key.publicKeyPem);
    const untrusted = await inHome(installation, () => verifyMain([bundle, "--no-rerun"]));
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain(`FAIL  manifest signature: valid signature, key ${key.keyId} not trusted`);
    expect(untrusted.stdout).toContain("Bundle NOT verified: manifest signature failed.");

    const pinned = await inHome(installation, () => verifyMain([bundle, "--no-rerun", "--trusted-key", pem]));
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toContain(`PASS  manifest signature: signed by key ${key.keyId}, trusted (--trusted-key ${pem})`);
    expect(pinned.stdout).toContain("Bundle verified: 7 checks passed.");

    const notKeys = { "not-a-key.pem": "hello\n", "private.pem": key.privateKey.export({ type: "pkcs8", format: "pem" }) as string, "p256.pem": p256().publicKeyPem };
    for (const [name, text] of Object.entries(notKeys)) writeFileSync(join(work, name), text);
    const notAKey = join(work, "not-a-key.pem");
    for (const file of Object.keys(notKeys).map((name) => join(work, name))) {
      const refused = await inHome(installation, () => verifyMain([bundle, "--no-rerun", "--trusted-key", file]));
      expect([refused.code, refused.stdout]).toEqual([2, ""]);
      expect(refused.stderr).toContain(`${file}: not an Ed25519 public key in PEM`);
    }

    const trust = await inHome(installation, () => keyMain(["trust", pem]));
    expect(trust).toMatchObject({ code: 0, stdout: `trusted key ${key.keyId}, now in ${join(installation, "trusted-keys")}\n` });
    const list = await inHome(installation, () => keyMain(["list"]));
    expect(list.stdout).toMatch(new RegExp(`^[0-9a-f]{16} {2}this installation's key\n${key.keyId} {2}trusted-keys/${key.keyId}.pem\n$`));
    const remembered = await inHome(installation, () => verifyMain([bundle, "--no-rerun"]));
    expect(remembered.stdout).toContain(`PASS  manifest signature: signed by key ${key.keyId}, trusted (trusted-keys/${key.keyId}.pem)`);
    expect(remembered.code).toBe(0);
    expect((await inHome(installation, () => keyMain(["trust", notAKey]))).code).toBe(2);
  });

  it("key export prints this installation's public key and id, which verify trusts without being told", async () => {
    const installation = join(home, "own");
    const exported = await inHome(installation, () => keyMain(["export"]));
    expect(exported.code).toBe(0);
    const [, keyId] = /^# failover-lab installation key ([0-9a-f]{16})\n-----BEGIN PUBLIC KEY-----\n/.exec(exported.stdout)!;
    const own = loadOrCreateInstallationKey(installation);
    expect(keyId).toBe(own.keyId);
    const dir = copy();
    resignCheckpoints(dir, own);
    reseal(dir, own);
    const { code, stdout } = await inHome(installation, () => verifyMain([dir, "--no-rerun"]));
    expect(stdout).toContain(`PASS  manifest signature: signed by key ${own.keyId}, trusted (this installation's key)`);
    expect(stdout.split("\n").filter((line) => line.startsWith("FAIL"))).toEqual([
      // The page prints the key that signed it: a re-signed bundle is not the page it was.
      `FAIL  report pages: report.html:${readFileSync(join(dir, "report.html"), "utf8").split("\n").findIndex((line) => line.includes(key.keyId)) + 1}: differs from the page rendered from report.json`,
    ]);
    expect(code).toBe(1);
  });
});

describe("verifyEvidence: what a bundle may hold (issue 18, item 7)", () => {
  const failures = async (dir: string) => (await verifyEvidence(dir, { ...trusted, rerun: false })).filter((r) => !r.ok);

  it("refuses manifest paths outside the bundle, absolute ones and a directory, without reading them", async () => {
    const dir = copy();
    resign(dir, (manifest) => {
      manifest.files["../../../../../etc/hostname"] = "0".repeat(64);
      manifest.files["../../../../../dev/zero"] = "0".repeat(64);
      manifest.files["/dev/zero"] = "0".repeat(64);
      manifest.files["audit"] = "0".repeat(64);
    });
    expect(await failures(dir)).toEqual([
      {
        check: "file hashes",
        ok: false,
        detail: [
          "../../../../../etc/hostname: not a plain relative path inside the bundle",
          "../../../../../dev/zero: not a plain relative path inside the bundle",
          "/dev/zero: not a plain relative path inside the bundle",
          "audit is a directory",
        ].join("; "),
      },
    ]);
  });

  it("fails on a symbolic link or a directory the manifest does not list, and on a listed file that is a link", async () => {
    const dir = copy();
    symlinkSync("/etc/hostname", join(dir, "hostname"));
    mkdirSync(join(dir, "stash"));
    rmSync(join(dir, "scenario.yaml"));
    symlinkSync(join(bundle, "scenario.yaml"), join(dir, "scenario.yaml"));
    const [files, ...rest] = await failures(dir);
    expect(files?.detail.split("; ").sort()).toEqual(["hostname is a symbolic link not in the manifest", "scenario.yaml is a symbolic link", "stash is a directory not in the manifest"]);
    expect(rest.map((r) => r.check)).toEqual(["fingerprint", "report pages"]);
  });

  it("fails on a null line and on a line replaced by 42, naming the line; the checkpoints name the log", async () => {
    for (const [line, text] of [
      [5, "null"],
      [17, "42"],
    ] as const) {
      const dir = copy();
      replaceLine(join(dir, "audit/canonical.jsonl"), line, text);
      reseal(dir);
      const results = await failures(dir);
      expect(results.map((r) => r.check)).toEqual(["audit chains", "buffers match destinations", "checkpoints"]);
      expect(detail(results, "audit chains")).toMatch(new RegExp(`^audit/canonical.jsonl:${line}: not an audit entry \\(\\(top\\): `));
      expect(detail(results, "checkpoints")).toBe("log canonical: its entries cannot be read (see audit chains), so none of its checkpoints holds");
    }
  });

  it("fails a report.json of {} with a verdict, not an exception", async () => {
    const dir = copy();
    writeFileSync(join(dir, "report.json"), "{}");
    reseal(dir);
    expect(await failures(dir)).toEqual([{ check: "report", ok: false, detail: expect.stringMatching(/^report.json: \w+: /) }]);
  });

  it("fails a manifest and a checkpoint signed with a P-256 key: bundles are signed with Ed25519", async () => {
    const ecdsa = p256();
    const wholly = copy();
    resign(wholly, () => {}, ecdsa);
    expect(await failures(wholly)).toEqual([{ check: "manifest signature", ok: false, detail: "manifest.json: publicKey is not an Ed25519 public key in SPKI PEM" }]);

    const oneCheckpoint = copy();
    const file = join(oneCheckpoint, "checkpoints.json");
    const checkpoints = JSON.parse(readFileSync(file, "utf8"));
    const first = checkpoints.logs.canonical.checkpoints[0];
    checkpoints.logs.canonical.checkpoints[0] = { ...first, publicKey: ecdsa.publicKeyPem, keyId: ecdsa.keyId };
    writeFileSync(file, JSON.stringify(checkpoints));
    reseal(oneCheckpoint);
    expect(await failures(oneCheckpoint)).toEqual([
      { check: "checkpoints", ok: false, detail: "canonical checkpoint 1: malformed: publicKey: must be an Ed25519 public key in SPKI PEM" },
    ]);
  });

  it("fails a rewritten and re-hashed central log in the checkpoints, naming the log, and names its first changed entry", async () => {
    const dir = copy();
    const file = join(dir, "audit/canonical.jsonl");
    const entries = readFileSync(file, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line) as StoredEntry);
    const changed = entries.findIndex((entry, i) => i >= 20 && entry.kind === "request");
    const target = entries[changed]!;
    target.body = target.body.replace(/"status":\d+/, '"status":299');
    expect(target.body).toContain('"status":299');
    for (let i = changed; i < entries.length; i++) {
      entries[i]!.prevHash = i === 0 ? entries[i]!.prevHash : entries[i - 1]!.hash;
      entries[i]!.hash = createHash("sha256").update(`${entries[i]!.prevHash}\n${entries[i]!.body}`).digest("hex");
    }
    writeFileSync(file, `${entries.map((entry) => JSON.stringify(entry)).join("\n")}\n`);
    reseal(dir);
    const results = await failures(dir);
    expect(results.map((r) => r.check)).toEqual(["audit chains", "buffers match destinations", "checkpoints"]);
    expect(detail(results, "checkpoints")).toMatch(/^canonical checkpoint \d+: Merkle root of the first \d+ entries differs from the signed root/);
    // The chain alone holds to its new head; the buffers still hold the entry as its region wrote it.
    expect(detail(results, "audit chains")).toBe(
      `audit/canonical.jsonl:${entries.length}: entry ${entries.length}: head hash differs from the expected head; the chain links up to it, so it was rewritten and re-hashed: see buffers match destinations for the first changed entry`,
    );
    expect(detail(results, "buffers match destinations")).toMatch(new RegExp(`^canonical seq ${changed + 1} differs from buffer:[a-z-]+ seq \\d+, the entry as its region wrote it`));
  });
});

describe("npm run verify", () => {
  const verify = (...args: string[]) => runCli("verify", args, { ...process.env, FAILOVER_LAB_HOME: join(home, "cli") });

  it("prints a verdict per check and exits 0 on a sound bundle, 1 on a damaged one, 2 on bad arguments", async () => {
    const pem = join(work, "signer.pem");
    writeFileSync(pem, key.publicKeyPem);
    const good = await verify(bundle, "--no-rerun", "--trusted-key", pem);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^PASS {2}manifest signature: signed by key [0-9a-f]{16}/m);
    expect(good.stdout).toContain("Bundle verified: 7 checks passed.");
    const dir = copy();
    rmSync(join(dir, "report.html"));
    const bad = await verify(dir, "--no-rerun", "--trusted-key", pem);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("FAIL  file hashes: report.html is missing");
    expect((await verify()).code).toBe(2);
  });
});

/** Runs a command's main in this process with FAILOVER_LAB_HOME set to `dir`. */
async function inHome(dir: string, main: () => Promise<number>) {
  const before = process.env.FAILOVER_LAB_HOME;
  process.env.FAILOVER_LAB_HOME = dir;
  try {
    return await inProcess(main);
  } finally {
    if (before === undefined) delete process.env.FAILOVER_LAB_HOME;
    else process.env.FAILOVER_LAB_HOME = before;
  }
}
