/**
 * Offline verification of an evidence bundle (see ./bundle.ts): each check says what it looked at and,
 * when it fails, the first thing found wrong — file, line, entry. Nothing here trusts the report's own
 * claims; the chains, roots and heads are recomputed from the exported entries.
 */
import { createPublicKey, verify as verifySignature } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ChainVerifier, type StoredEntry } from "../audit/AuditLog";
import { canonicalJson } from "../audit/canonical";
import { crossCheckBuffers, crossCheckReplicas } from "../audit/crossCheck";
import { keyIdOf, SignedCheckpointSchema, verifyCheckpoint } from "../audit/checkpoint";
import { leafHash, MerkleTree, verifyConsistency } from "../audit/merkle";
import { runDrill, type DrillReport } from "../drill";
import { parseScenario } from "../scenario/load";
import { AUDIT_DIR, CHECKPOINTS_FILE, jsonlName, listFiles, MANIFEST_FILE, REPORT_FILE, REPORT_HTML_FILE, SCENARIO_FILE, sha256, signedManifestSchema, type Manifest } from "./bundle";
import { bundleFingerprint, FINGERPRINT_BASIS } from "./fingerprint";


/** Records one check's verdict. */
type Note = (check: string, ok: boolean, detail: string) => void;

export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface VerifyOptions {
  /** PEM of the public key the bundle must be signed with; without it the bundle's own key is used. */
  readonly trustedPublicKeyPem?: string;
  /** Re-run the scenario and compare (default true); it takes as long as the drill did. */
  readonly rerun?: boolean;
  readonly onProgress?: (virtualMs: number, totalMs: number) => void;
  /** better-sqlite3 addon built for another ABI (Electron's), for the re-run's audit stores. */
  readonly nativeBinding?: string;
}

const checkpointsFileSchema = z.strictObject({
  publicKey: z.string(),
  keyId: z.string(),
  logs: z.record(z.string(), z.strictObject({ checkpoints: z.array(SignedCheckpointSchema), consistency: z.array(z.array(z.string())) })),
});

/** Runs the checks in order; without a sound signed manifest or a readable report, the checks that need them do not run. */
export async function verifyEvidence(dir: string, options: VerifyOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const record: Note = (check, ok, detail) => results.push({ check, ok, detail });

  const manifest = checkManifest(dir, options.trustedPublicKeyPem, record);
  if (!manifest) return results;
  checkFileHashes(dir, manifest.manifest, record);

  const report = readJson<DrillReport>(join(dir, REPORT_FILE));
  if (!report) {
    record("report", false, `${REPORT_FILE} is missing or not JSON`);
    return results;
  }
  const { logs, buffers, replicas } = checkChains(dir, report, record);
  checkFingerprint(dir, manifest.manifest, report, record);
  checkBuffers(report, logs, buffers, replicas, record);
  checkCheckpoints(dir, logs, manifest.publicKey, record);
  if (options.rerun !== false) await checkReproduces(dir, manifest.manifest, report, options, record);
  return results;
}

function checkManifest(dir: string, trustedPem: string | undefined, record: Note) {
  const check = "manifest signature";
  const parsed = signedManifestSchema.safeParse(readJson(join(dir, MANIFEST_FILE)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    record(check, false, issue ? `${MANIFEST_FILE}: ${issue.path.join(".") || "(top)"}: ${issue.message}` : `${MANIFEST_FILE} is missing or not JSON`);
    return undefined;
  }
  const signed = parsed.data;
  let publicKey;
  try {
    publicKey = createPublicKey(signed.publicKey);
  } catch {
    record(check, false, `${MANIFEST_FILE}: publicKey is not a PEM public key`);
    return undefined;
  }
  if (keyIdOf(publicKey) !== signed.keyId) {
    record(check, false, `${MANIFEST_FILE}: keyId does not match the public key`);
    return undefined;
  }
  if (trustedPem !== undefined && keyIdOf(createPublicKey(trustedPem)) !== signed.keyId) {
    record(check, false, `${MANIFEST_FILE} is signed by key ${signed.keyId}, not by the trusted key ${keyIdOf(createPublicKey(trustedPem))}`);
    return undefined;
  }
  const ok = verifySignature(null, Buffer.from(canonicalJson(signed.manifest)), publicKey, Buffer.from(signed.signature, "base64"));
  const trust = trustedPem === undefined ? " (the bundle's own key; pass --trusted-key to pin it)" : " (the trusted key)";
  record(check, ok, ok ? `signed by key ${signed.keyId}${trust}` : `${MANIFEST_FILE}: the signature does not match its contents`);
  return ok ? { manifest: signed.manifest, publicKey: signed.publicKey } : undefined;
}

function checkFileHashes(dir: string, manifest: Manifest, record: Note): void {
  const problems: string[] = [];
  for (const [path, expected] of Object.entries(manifest.files)) {
    const file = join(dir, path);
    if (!existsSync(file)) problems.push(`${path} is missing`);
    else if (sha256(readFileSync(file)) !== expected) problems.push(`${path}: SHA-256 differs from the manifest`);
  }
  for (const path of listFiles(dir)) if (path !== MANIFEST_FILE && !(path in manifest.files)) problems.push(`${path} is not in the manifest`);
  record("file hashes", problems.length === 0, problems.length === 0 ? `${Object.keys(manifest.files).length} files match the manifest` : problems.join("; "));
}

/** Verifies every exported store's chain from its JSONL; returns the entries of the destination logs and of the buffers. */
function checkChains(dir: string, report: DrillReport, record: Note) {
  const logs = new Map<string, StoredEntry[]>();
  const buffers = new Map<string, StoredEntry[]>();
  const replicas = new Map<string, StoredEntry[]>();
  const problems: string[] = [];
  let total = 0;
  for (const store of report.questions.audit.stores) {
    const path = `${AUDIT_DIR}/${jsonlName(store.file)}`;
    const entries = readEntries(join(dir, path), path, problems);
    if (!entries) continue;
    const verifier = new ChainVerifier();
    for (const { entry } of entries) if (!verifier.add(entry)) break;
    const verdict = verifier.verdict({ seq: store.entries, hash: store.head });
    if (!verdict.ok) {
      const line = entries.find(({ entry }) => entry.seq >= verdict.firstBad.seq)?.line ?? entries.length + 1;
      problems.push(`${path}:${line}: entry ${verdict.firstBad.seq}: ${verdict.firstBad.reason}`);
      continue;
    }
    total += entries.length;
    const stored = entries.map((e) => e.entry);
    if (store.role === "buffer") buffers.set(store.name.slice("buffer:".length), stored);
    else if (store.role === "replica") replicas.set(store.name, stored);
    else logs.set(store.name, stored);
  }
  record("audit chains", problems.length === 0, problems.length === 0 ? `${report.questions.audit.stores.length} stores, ${total} entries, every chain ends at the head the report states` : problems.join("; "));
  return { logs, buffers, replicas };
}

/**
 * A destination rewritten and re-hashed consistently keeps a valid chain; the buffers still hold what each
 * region wrote. Also catches entries forged onto a buffer's tail: they would be waiting, and the report
 * says how many were.
 */
function checkBuffers(
  report: DrillReport,
  logs: Map<string, StoredEntry[]>,
  buffers: Map<string, StoredEntry[]>,
  replicas: Map<string, StoredEntry[]>,
  record: Note,
): void {
  const result = crossCheckBuffers([...logs].map(([name, entries]) => ({ name, entries })), buffers);
  const problems = [...result.problems];
  // A buffer's entries are seqs 1, 2, 3… (its chain verified), so seq n is at index n - 1.
  problems.push(...crossCheckReplicas([...replicas].map(([name, entries]) => ({ name, entries })), (region, seq) => buffers.get(region)?.[seq - 1]));
  for (const stats of report.questions.audit.buffers) {
    const region = result.regions.find((r) => r.region === stats.region);
    if (!region) problems.push(`the bundle has no buffer of ${stats.region}`);
    else if (region.pending !== stats.depth_end)
      problems.push(`buffer:${stats.region} holds ${region.pending} entries that never reached a destination; the report says ${stats.depth_end} were waiting at the end`);
  }
  const arrived = result.regions.reduce((n, r) => n + r.arrived, 0);
  const pending = result.regions.reduce((n, r) => n + r.pending, 0);
  record(
    "buffers match destinations",
    problems.length === 0,
    problems.length === 0 ? `${arrived} buffered entries arrived unchanged and in order; ${pending} still waiting, as the report says` : problems.join("; "),
  );
}

/**
 * The fingerprint the report prints on every page, recomputed from the scenario file, the seed and the
 * audit heads (which the chains check has just tied to the entries): a printed page names its bundle.
 */
function checkFingerprint(dir: string, manifest: Manifest, report: DrillReport, record: Note): void {
  const check = "fingerprint";
  if (manifest.fingerprint === undefined) {
    record(check, true, "this bundle predates fingerprints: its report prints none");
    return;
  }
  const scenarioFile = join(dir, SCENARIO_FILE);
  const recomputed = existsSync(scenarioFile) ? bundleFingerprint(readFileSync(scenarioFile, "utf8"), { ...report, seed: manifest.scenario.seed }) : undefined;
  const printed = existsSync(join(dir, REPORT_HTML_FILE)) && readFileSync(join(dir, REPORT_HTML_FILE), "utf8").includes(manifest.fingerprint);
  const problems = [
    ...(recomputed === manifest.fingerprint ? [] : [`${MANIFEST_FILE}: fingerprint ${manifest.fingerprint.slice(0, 16)}… is not the ${FINGERPRINT_BASIS}`]),
    ...(printed ? [] : [`${REPORT_HTML_FILE} does not print the fingerprint`]),
  ];
  record(check, problems.length === 0, problems.length === 0 ? `${manifest.fingerprint} (${FINGERPRINT_BASIS}), as ${REPORT_HTML_FILE} prints it` : problems.join("; "));
}

function readEntries(file: string, path: string, problems: string[]): { line: number; entry: StoredEntry }[] | undefined {
  if (!existsSync(file)) {
    problems.push(`${path} is missing`);
    return undefined;
  }
  const entries: { line: number; entry: StoredEntry }[] = [];
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "") continue;
    try {
      entries.push({ line: i + 1, entry: JSON.parse(lines[i]!) as StoredEntry });
    } catch {
      problems.push(`${path}:${i + 1}: not a JSON line`);
      return undefined;
    }
  }
  return entries;
}

function checkCheckpoints(dir: string, logs: Map<string, StoredEntry[]>, manifestKeyPem: string, record: Note): void {
  const check = "checkpoints";
  const parsed = checkpointsFileSchema.safeParse(readJson(join(dir, CHECKPOINTS_FILE)));
  if (!parsed.success) {
    record(check, false, `${CHECKPOINTS_FILE} is missing or malformed`);
    return;
  }
  const problems: string[] = [];
  let count = 0;
  for (const [name, entries] of logs) {
    const log = parsed.data.logs[name];
    if (!log || log.checkpoints.length === 0) {
      problems.push(`no checkpoint for log ${name}`);
      continue;
    }
    const tree = new MerkleTree();
    let previous: (typeof log.checkpoints)[number] | undefined;
    for (const [i, signed] of log.checkpoints.entries()) {
      const where = `${name} checkpoint ${i + 1}`;
      const verdict = verifyCheckpoint(signed, manifestKeyPem);
      if (!verdict.ok) {
        problems.push(`${where}: ${verdict.reason}`);
        break;
      }
      const { checkpoint } = signed;
      if (checkpoint.log !== name) problems.push(`${where}: signed for log ${checkpoint.log}`);
      if (checkpoint.previous !== (previous?.signature ?? null)) problems.push(`${where}: does not name the previous checkpoint's signature`);
      if (checkpoint.size > entries.length) {
        problems.push(`${where}: size ${checkpoint.size} exceeds the ${entries.length} exported entries`);
        break;
      }
      while (tree.size < checkpoint.size) tree.append(leafHash(entries[tree.size]!.body));
      if (tree.root() !== checkpoint.root) problems.push(`${where}: Merkle root of the first ${checkpoint.size} entries differs from the signed root`);
      const head = entries[checkpoint.size - 1];
      if (checkpoint.size > 0 && (head!.seq !== checkpoint.head.seq || head!.hash !== checkpoint.head.hash)) problems.push(`${where}: signed chain head differs from entry ${checkpoint.size}`);
      if (previous) {
        const proof = log.consistency[i - 1] ?? [];
        const consistent = verifyConsistency(previous.checkpoint.size, checkpoint.size, previous.checkpoint.root, checkpoint.root, proof);
        if (!consistent.ok) problems.push(`${where}: consistency proof from checkpoint ${i}: ${consistent.reason}`);
      }
      previous = signed;
      count++;
    }
    if (previous && previous.checkpoint.size !== entries.length) problems.push(`${name}: the last checkpoint covers ${previous.checkpoint.size} of ${entries.length} entries`);
  }
  record(check, problems.length === 0, problems.length === 0 ? `${count} signed checkpoints over ${logs.size} logs; roots, heads and consistency proofs hold` : problems.join("; "));
}

async function checkReproduces(dir: string, manifest: Manifest, report: DrillReport, options: VerifyOptions, record: Note): Promise<void> {
  const check = "reproduces";
  const parsed = parseScenario(readFileSync(join(dir, SCENARIO_FILE), "utf8"), SCENARIO_FILE);
  if (!parsed.ok) {
    record(check, false, `${SCENARIO_FILE} does not load: ${parsed.problems[0]!.message}`);
    return;
  }
  const again = await runDrill(parsed.scenario, {
    seed: manifest.scenario.seed,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
  });
  const heads = (r: DrillReport) => r.questions.audit.stores.map((s) => `${s.name}=${s.head}`);
  const differing = heads(again).filter((head, i) => head !== heads(report)[i]);
  if (differing.length > 0) {
    record(check, false, `re-running ${SCENARIO_FILE} with seed ${manifest.scenario.seed} gives other audit heads: ${differing.join(", ")}`);
    return;
  }
  const sameReport = JSON.stringify(again) === JSON.stringify(report);
  record(
    check,
    sameReport,
    sameReport
      ? `re-ran ${SCENARIO_FILE} with seed ${manifest.scenario.seed}: the same audit heads (${heads(again)[0]!.slice(0, 24)}…) and the same report`
      : `re-running ${SCENARIO_FILE} with seed ${manifest.scenario.seed} gives the same audit heads but a different report`,
  );
}

function readJson<T = unknown>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}
