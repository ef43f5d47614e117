/**
 * Offline verification of an evidence bundle (see ./bundle.ts): each check says what it looked at and,
 * when it fails, the first thing found wrong — file, line, entry. Nothing here trusts the report's own
 * claims; the chains, roots and heads are recomputed from the exported entries. Nor does it trust the key
 * the bundle carries: anyone can re-sign a forged bundle with a fresh key, so a valid signature passes only
 * by a key the caller trusts, as GPG's "good signature from an unknown key" is not a pass.
 *
 * A bundle is untrusted input: every file is read through {@link readBundleFile}, inside the bundle, a
 * regular file, of bounded size; a malformed file is a failed check naming it, never an exception.
 */
import { verify as verifySignature, type KeyObject } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { ChainVerifier, type StoredEntry } from "../audit/AuditLog";
import { canonicalJson } from "../audit/canonical";
import { crossCheckBuffers, crossCheckReplicas } from "../audit/crossCheck";
import { keyIdOf, parseEd25519PublicKey, SignedCheckpointSchema, verifyCheckpoint } from "../audit/checkpoint";
import { leafHash, MerkleTree, verifyConsistency } from "../audit/merkle";
import { runDrill, type DrillReport } from "../drill";
import { parseScenario } from "../scenario/load";
import {
  AUDIT_DIR,
  bundleReportHtml,
  CHECKPOINTS_FILE,
  jsonlName,
  MANIFEST_FILE,
  REPORT_FILE,
  REPORT_HTML_FILE,
  REPORT_PDF_FILE,
  SCENARIO_FILE,
  sha256,
  signedManifestSchema,
  type Manifest,
} from "./bundle";
import { bundleFingerprint, FINGERPRINT_BASIS } from "./fingerprint";


/** Records one check's verdict. */
type Note = (check: string, ok: boolean, detail: string) => void;

export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A public key whose signature the caller accepts, and where the caller got it, for the verdict. */
export interface TrustedKey {
  readonly publicKey: KeyObject;
  /** "this installation's key", "--trusted-key alice.pem" */
  readonly source: string;
}

export interface VerifyOptions {
  /** The keys a bundle may be signed with; signed by any other, its signature check fails. */
  readonly trustedKeys?: readonly TrustedKey[];
  /** Re-run the scenario and compare (default true); it takes as long as the drill did. */
  readonly rerun?: boolean;
  readonly onProgress?: (virtualMs: number, totalMs: number) => void;
  /** better-sqlite3 addon built for another ABI (Electron's), for the re-run's audit stores. */
  readonly nativeBinding?: string;
}

/** Larger than any bundle file a drill writes; a manifest naming /dev/zero must not take the verifier to gigabytes. */
const MAX_FILE_BYTES = 1024 ** 3;

const NOT_TRUSTED_HINT = "pass --trusted-key or `failover-lab key trust`";

/** The part of a drill report the checks read, so that a report.json of `{}` is a verdict, not a TypeError. */
const reportSchema = z.looseObject({
  engine: z.string(),
  seed: z.int(),
  scenario: z.looseObject({ name: z.string() }),
  questions: z.looseObject({
    audit: z.looseObject({
      stores: z.array(z.looseObject({ name: z.string(), role: z.enum(["destination", "buffer", "replica"]), file: z.string(), entries: z.int().nonnegative(), head: z.string() })),
      buffers: z.array(z.looseObject({ region: z.string(), depth_end: z.int().nonnegative() })),
    }),
  }),
});

const entrySchema = z.object({
  seq: z.int(),
  t: z.number(),
  region: z.string(),
  kind: z.string(),
  requestId: z.string().nullable(),
  // The cross-checks read every body as a record: a body of `null` must fail here, at its line.
  body: z.string().refine((body) => {
    try {
      const record: unknown = JSON.parse(body);
      return typeof record === "object" && record !== null && !Array.isArray(record);
    } catch {
      return false;
    }
  }, "must be a JSON object"),
  prevHash: z.string(),
  hash: z.string(),
});

const checkpointsFileSchema = z.strictObject({
  publicKey: z.string(),
  keyId: z.string(),
  logs: z.record(z.string(), z.strictObject({ checkpoints: z.array(SignedCheckpointSchema), consistency: z.array(z.array(z.string())) })),
});

/** Runs the checks in order; without a sound signed manifest or a readable report, the checks that need them do not run. */
export async function verifyEvidence(dir: string, options: VerifyOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const record: Note = (check, ok, detail) => results.push({ check, ok, detail });

  const signed = checkManifest(dir, options.trustedKeys ?? [], record);
  if (!signed) return results;
  const { manifest } = signed;
  checkFileHashes(dir, manifest, record);

  const report = readReport(dir);
  if (typeof report === "string") {
    record("report", false, report);
    return results;
  }
  const { logs, buffers, replicas } = checkChains(dir, report, record);
  checkFingerprint(dir, manifest, report, record);
  checkReportPages(dir, signed, report, record);
  checkBuffers(report, logs, buffers, replicas, record);
  checkCheckpoints(dir, report, logs, signed.publicKey, record);
  if (options.rerun !== false) await checkReproduces(dir, manifest, report, options, record);
  return results;
}

type ReadResult = { readonly bytes: Buffer } | { readonly problem: string };

/**
 * A file of the bundle by its manifest path: relative, forward slashes, no `.` or `..` step, a regular file
 * (not a symbolic link, directory or device) whose real path is inside `dir`, at most {@link MAX_FILE_BYTES}.
 */
function readBundleFile(dir: string, path: string): ReadResult {
  const steps = path.split("/");
  if (path.includes("\\") || steps.some((step) => step === "" || step === "." || step === "..")) return { problem: `${path}: not a plain relative path inside the bundle` };
  const file = join(dir, ...steps);
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return { problem: `${path} is missing` };
  if (!stat.isFile()) return { problem: `${path} is ${stat.isSymbolicLink() ? "a symbolic link" : stat.isDirectory() ? "a directory" : "not a regular file"}` };
  // A listed folder could itself be a symbolic link out of the bundle.
  if (realpathSync(file) !== join(realpathSync(dir), ...steps)) return { problem: `${path} resolves outside the bundle` };
  if (stat.size > MAX_FILE_BYTES) return { problem: `${path} is ${stat.size} bytes, more than any bundle file (${MAX_FILE_BYTES})` };
  return { bytes: readFileSync(file) };
}

/** A bundle file as text and as JSON, or what is wrong with it. */
function readBundleJson(dir: string, path: string): { readonly json: unknown } | { readonly problem: string } {
  const read = readBundleFile(dir, path);
  if ("problem" in read) return read;
  try {
    return { json: JSON.parse(read.bytes.toString("utf8")) };
  } catch {
    return { problem: `${path} is not JSON` };
  }
}

const schemaProblem = (file: string, error: z.ZodError) => {
  const issue = error.issues[0]!;
  return `${file}: ${issue.path.join(".") || "(top)"}: ${issue.message}`;
};

interface SignedBundle {
  readonly manifest: Manifest;
  readonly keyId: string;
  readonly publicKey: string;
}

/**
 * The signature, and whose it is. A valid signature by a key not trusted fails the check but still returns
 * the manifest: the other checks then say whether the bundle is at least intact.
 */
function checkManifest(dir: string, trustedKeys: readonly TrustedKey[], record: Note): SignedBundle | undefined {
  const check = "manifest signature";
  const read = readBundleJson(dir, MANIFEST_FILE);
  if ("problem" in read) {
    record(check, false, read.problem);
    return undefined;
  }
  const parsed = signedManifestSchema.safeParse(read.json);
  if (!parsed.success) {
    record(check, false, schemaProblem(MANIFEST_FILE, parsed.error));
    return undefined;
  }
  const signed = parsed.data;
  const publicKey = parseEd25519PublicKey(signed.publicKey);
  if (!publicKey) {
    record(check, false, `${MANIFEST_FILE}: publicKey is not an Ed25519 public key in SPKI PEM`);
    return undefined;
  }
  if (keyIdOf(publicKey) !== signed.keyId) {
    record(check, false, `${MANIFEST_FILE}: keyId does not match the public key`);
    return undefined;
  }
  if (!verifySignature(null, Buffer.from(canonicalJson(signed.manifest)), publicKey, Buffer.from(signed.signature, "base64"))) {
    record(check, false, `${MANIFEST_FILE}: the signature does not match its contents`);
    return undefined;
  }
  const spki = publicKey.export({ type: "spki", format: "der" });
  const trusted = trustedKeys.find((key) => key.publicKey.export({ type: "spki", format: "der" }).equals(spki));
  record(check, trusted !== undefined, trusted ? `signed by key ${signed.keyId}, trusted (${trusted.source})` : `valid signature, key ${signed.keyId} not trusted (${NOT_TRUSTED_HINT})`);
  return { manifest: signed.manifest, keyId: signed.keyId, publicKey: signed.publicKey };
}

/** Every listed file matches its hash; nothing else is in the bundle but the manifest and the folders of listed files. */
function checkFileHashes(dir: string, manifest: Manifest, record: Note): void {
  const problems: string[] = [];
  for (const [path, expected] of Object.entries(manifest.files)) {
    const read = readBundleFile(dir, path);
    if ("problem" in read) problems.push(read.problem);
    else if (sha256(read.bytes) !== expected) problems.push(`${path}: SHA-256 differs from the manifest`);
  }
  const listed = new Set(Object.keys(manifest.files));
  const folders = new Set([...listed].flatMap((path) => path.split("/").slice(0, -1).map((_, i, steps) => steps.slice(0, i + 1).join("/"))));
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/");
    if (path === MANIFEST_FILE || listed.has(path) || (entry.isDirectory() && folders.has(path))) continue;
    problems.push(`${path} is ${entry.isDirectory() ? "a directory" : entry.isSymbolicLink() ? "a symbolic link" : "a file"} not in the manifest`);
  }
  record("file hashes", problems.length === 0, problems.length === 0 ? `${listed.size} files match the manifest, and the bundle holds nothing else` : problems.join("; "));
}

type BundleReport = DrillReport & z.infer<typeof reportSchema>;

function readReport(dir: string): BundleReport | string {
  const read = readBundleJson(dir, REPORT_FILE);
  if ("problem" in read) return read.problem;
  const parsed = reportSchema.safeParse(read.json);
  // The schema holds what the checks read; the rest of the report is compared whole with the re-run's.
  return parsed.success ? (read.json as BundleReport) : schemaProblem(REPORT_FILE, parsed.error);
}

/**
 * Verifies every exported store's chain from its JSONL. Returns the entries of the destination logs, the
 * buffers and the replicas that could be read, whether or not their chains hold, so that the checks after
 * this one judge a rewritten log rather than skip it.
 */
function checkChains(dir: string, report: BundleReport, record: Note) {
  const logs = new Map<string, StoredEntry[]>();
  const buffers = new Map<string, StoredEntry[]>();
  const replicas = new Map<string, StoredEntry[]>();
  const problems: string[] = [];
  let total = 0;
  for (const store of report.questions.audit.stores) {
    const path = `${AUDIT_DIR}/${jsonlName(store.file)}`;
    const entries = readEntries(dir, path, problems);
    if (!entries) continue;
    const stored = entries.map((e) => e.entry);
    if (store.role === "buffer") buffers.set(store.name.slice("buffer:".length), stored);
    else if (store.role === "replica") replicas.set(store.name, stored);
    else logs.set(store.name, stored);
    const verifier = new ChainVerifier();
    for (const entry of stored) if (!verifier.add(entry)) break;
    const verdict = verifier.verdict({ seq: store.entries, hash: store.head });
    if (!verdict.ok) {
      const line = entries.find(({ entry }) => entry.seq >= verdict.firstBad.seq)?.line ?? entries.length + 1;
      // Every link up to the head holds: the chain alone cannot say where it was rewritten, the buffers can.
      const rehashed = verdict.firstBad.seq === store.entries && stored.length === store.entries ? "; the chain links up to it, so it was rewritten and re-hashed: see buffers match destinations for the first changed entry" : "";
      problems.push(`${path}:${line}: entry ${verdict.firstBad.seq}: ${verdict.firstBad.reason}${rehashed}`);
      continue;
    }
    total += entries.length;
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
function checkFingerprint(dir: string, manifest: Manifest, report: BundleReport, record: Note): void {
  const check = "fingerprint";
  if (manifest.fingerprint === undefined) {
    record(check, true, "this bundle predates fingerprints: its report prints none");
    return;
  }
  const scenario = readBundleFile(dir, SCENARIO_FILE);
  const page = readBundleFile(dir, REPORT_HTML_FILE);
  const recomputed = "bytes" in scenario ? bundleFingerprint(scenario.bytes.toString("utf8"), { ...report, seed: manifest.scenario.seed }) : undefined;
  const printed = "bytes" in page && page.bytes.toString("utf8").includes(manifest.fingerprint);
  const problems = [
    ...(recomputed === manifest.fingerprint ? [] : [`${MANIFEST_FILE}: fingerprint ${manifest.fingerprint.slice(0, 16)}… is not the ${FINGERPRINT_BASIS}`]),
    ...(printed ? [] : [`${REPORT_HTML_FILE} does not print the fingerprint`]),
  ];
  record(check, problems.length === 0, problems.length === 0 ? `${manifest.fingerprint} (${FINGERPRINT_BASIS}), as ${REPORT_HTML_FILE} prints it` : problems.join("; "));
}

/**
 * What a reviewer reads: report.html rendered again from report.json (which "reproduces" ties to a re-run)
 * as the bundle writer rendered it, byte for byte; and report.pdf bound by the signed manifest to the page it
 * was printed from.
 */
function checkReportPages(dir: string, signed: SignedBundle, report: BundleReport, record: Note): void {
  const check = "report pages";
  const { manifest } = signed;
  if (manifest.generatedBy === undefined || manifest.written === undefined || manifest.fingerprint === undefined) {
    record(check, false, `${MANIFEST_FILE} predates re-rendered reports: ${REPORT_HTML_FILE} cannot be checked against ${REPORT_FILE}`);
    return;
  }
  const page = readBundleFile(dir, REPORT_HTML_FILE);
  const scenario = readBundleFile(dir, SCENARIO_FILE);
  if (!("bytes" in page) || !("bytes" in scenario)) {
    record(check, false, "problem" in page ? page.problem : (scenario as { problem: string }).problem);
    return;
  }
  let rendered: string;
  try {
    rendered = bundleReportHtml(report, scenario.bytes.toString("utf8"), { generatedBy: manifest.generatedBy, writtenAt: manifest.written, keyId: signed.keyId, fingerprint: manifest.fingerprint });
  } catch (error) {
    record(check, false, `${REPORT_FILE} cannot be rendered as a report: ${(error as Error).message}`);
    return;
  }
  const line = firstDifferentLine(page.bytes.toString("utf8"), rendered);
  if (line !== undefined) {
    record(check, false, `${REPORT_HTML_FILE}:${line}: differs from the page rendered from ${REPORT_FILE}`);
    return;
  }
  const pdf = `${REPORT_PDF_FILE} is not re-rendered (Chromium's PDF bytes are not deterministic)`;
  if (!(REPORT_PDF_FILE in manifest.files)) {
    record(check, true, `${REPORT_HTML_FILE} is the page rendered from ${REPORT_FILE}, byte for byte; the bundle has no ${REPORT_PDF_FILE}`);
    return;
  }
  const bound = manifest.pdf?.printedFrom === sha256(page.bytes);
  record(
    check,
    bound,
    bound
      ? `${REPORT_HTML_FILE} is the page rendered from ${REPORT_FILE}, byte for byte; ${pdf}, but the signed manifest says it was printed from this ${REPORT_HTML_FILE}`
      : `${MANIFEST_FILE} does not bind ${REPORT_PDF_FILE} to this ${REPORT_HTML_FILE}: ${pdf}, so it may show anything`,
  );
}

/** The 1-based number of the first line where `a` and `b` differ, or undefined when they are the same. */
function firstDifferentLine(a: string, b: string): number | undefined {
  if (a === b) return undefined;
  const as = a.split("\n");
  const bs = b.split("\n");
  const index = as.findIndex((line, i) => line !== bs[i]);
  return (index === -1 ? as.length : index) + 1;
}

/** Each line an entry, or undefined once a line is not one: JSON `null` and `42` are named at their own line. */
function readEntries(dir: string, path: string, problems: string[]): { line: number; entry: StoredEntry }[] | undefined {
  const read = readBundleFile(dir, path);
  if ("problem" in read) {
    problems.push(read.problem);
    return undefined;
  }
  const entries: { line: number; entry: StoredEntry }[] = [];
  const lines = read.bytes.toString("utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(lines[i]!);
    } catch {
      problems.push(`${path}:${i + 1}: not a JSON line`);
      return undefined;
    }
    const parsed = entrySchema.safeParse(json);
    if (!parsed.success) {
      problems.push(`${path}:${i + 1}: not an audit entry (${parsed.error.issues[0]!.path.join(".") || "(top)"}: ${parsed.error.issues[0]!.message})`);
      return undefined;
    }
    entries.push({ line: i + 1, entry: parsed.data });
  }
  return entries;
}

/** Every destination log the report names is checked: one whose entries could not be read fails here too. */
function checkCheckpoints(dir: string, report: BundleReport, logs: Map<string, StoredEntry[]>, manifestKeyPem: string, record: Note): void {
  const check = "checkpoints";
  const read = readBundleJson(dir, CHECKPOINTS_FILE);
  if ("problem" in read) {
    record(check, false, read.problem);
    return;
  }
  const parsed = checkpointsFileSchema.safeParse(read.json);
  if (!parsed.success) {
    record(check, false, schemaProblem(CHECKPOINTS_FILE, parsed.error));
    return;
  }
  const problems: string[] = [];
  let count = 0;
  const destinations = report.questions.audit.stores.filter((store) => store.role === "destination").map((store) => store.name);
  for (const name of destinations) {
    const entries = logs.get(name);
    if (!entries) {
      problems.push(`log ${name}: its entries cannot be read (see audit chains), so none of its checkpoints holds`);
      continue;
    }
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
  record(check, problems.length === 0, problems.length === 0 ? `${count} signed checkpoints over ${destinations.length} logs; roots, heads and consistency proofs hold` : problems.join("; "));
}

async function checkReproduces(dir: string, manifest: Manifest, report: BundleReport, options: VerifyOptions, record: Note): Promise<void> {
  const check = "reproduces";
  const read = readBundleFile(dir, SCENARIO_FILE);
  if ("problem" in read) {
    record(check, false, read.problem);
    return;
  }
  const parsed = parseScenario(read.bytes.toString("utf8"), SCENARIO_FILE);
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
      ? `re-ran ${SCENARIO_FILE} with seed ${manifest.scenario.seed}: the same audit heads (${heads(again)[0]!.slice(0, 24)}…) and the same ${REPORT_FILE}, from which ${REPORT_HTML_FILE} is rendered again`
      : `re-running ${SCENARIO_FILE} with seed ${manifest.scenario.seed} gives the same audit heads but a different ${REPORT_FILE}`,
  );
}
