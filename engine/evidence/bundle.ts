/**
 * The evidence bundle of a drill: everything a reviewer needs to re-check the outcome offline.
 *
 *   manifest.json        what the bundle holds, each file's SHA-256, the date it was written and its
 *                        fingerprint (./fingerprint.ts), signed with the installation key
 *   scenario.yaml        the scenario exactly as run; the seed is in the manifest and the report
 *   report.json          the drill report
 *   report.html          the same report for people (self-contained), rendered again by the verifier
 *   report.pdf           printed from report.html; the manifest signs the SHA-256 of the page it was printed from
 *   audit/<store>.jsonl  every audit store, one stored entry per line, in seq order
 *   checkpoints.json     per destination log: signed Merkle checkpoints (one per virtual minute and one at
 *                        the end) and the consistency proof between each checkpoint and the next
 *
 * `verifyEvidence` (./verify.ts) checks all of it and re-runs the scenario.
 */
import { createHash, sign, type KeyObject } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { AuditLog, type StoredEntry } from "../audit/AuditLog";
import { canonicalJson } from "../audit/canonical";
import { signCheckpoint, type InstallationKey, type SignedCheckpoint } from "../audit/checkpoint";
import { leafHash, MerkleTree } from "../audit/merkle";
import type { DrillReport } from "../drill";
import { renderHtmlReport, type ReportStamp } from "../report/html";
import { bundleFingerprint, FINGERPRINT_BASIS } from "./fingerprint";

const BUNDLE_FORMAT = 1;
export const MANIFEST_FILE = "manifest.json";
export const CHECKPOINTS_FILE = "checkpoints.json";
export const SCENARIO_FILE = "scenario.yaml";
export const REPORT_FILE = "report.json";
export const REPORT_HTML_FILE = "report.html";
export const REPORT_PDF_FILE = "report.pdf";
export const AUDIT_DIR = "audit";
/** A checkpoint per virtual minute of each log, like CloudTrail's periodic digest files (hourly there). */
const CHECKPOINT_EVERY_MS = 60_000;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits");

const manifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  engine: z.string(),
  scenario: z.strictObject({ file: z.literal(SCENARIO_FILE), name: z.string(), seed: z.int() }),
  /** When the bundle was written (wall time, ISO 8601): the drill's date printed on the report. Absent in older bundles. */
  written: z.string().optional(),
  /** See ./fingerprint.ts; the report prints it on every page. Absent in older bundles. */
  fingerprint: hex64.optional(),
  /** Who rendered report.html (`failover-lab drill 1.2.0`): the verifier renders it again with the same words. Absent in older bundles. */
  generatedBy: z.string().optional(),
  /** The SHA-256 of the report.html report.pdf was printed from; a PDF cannot be re-rendered byte for byte, so it is bound to the page. */
  pdf: z.strictObject({ printedFrom: hex64 }).optional(),
  /** Path inside the bundle → SHA-256 of its bytes. */
  files: z.record(z.string(), hex64),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const signedManifestSchema = z.strictObject({
  manifest: manifestSchema,
  /** Ed25519 signature of the manifest's canonical JSON, base64. */
  signature: z.string(),
  publicKey: z.string(),
  keyId: z.string(),
});

/** One destination log's checkpoints, oldest first, and `consistency[i]` proves checkpoint i+1 extends i. */
export interface LogCheckpoints {
  readonly checkpoints: readonly SignedCheckpoint[];
  readonly consistency: readonly (readonly string[])[];
}

/** What a bundle is sealed with, and what its report.html names. */
export interface BundleSeal {
  readonly key: InstallationKey;
  readonly generatedBy: string;
  /** Wall date and time now, ISO 8601, from the host's clock: the drill's date. */
  readonly writtenAt: string;
}

export interface EvidenceInput extends BundleSeal {
  readonly scenarioText: string;
  readonly report: DrillReport;
  /** Directory of the drill's audit stores (the `auditDir` it ran with). */
  readonly auditDir: string;
  /** better-sqlite3 addon built for another ABI (Electron's), to read the stores with. */
  readonly nativeBinding?: string;
}

/** The JSONL file a store is exported to. */
export const jsonlName = (storeFile: string): string => `${storeFile.replace(/\.db$/, "")}.jsonl`;

/**
 * Writes and seals the bundle (all but the PDF, which needs a browser) into `dir`, which must be empty or
 * absent. Call {@link sealBundle} again after adding a file. Returns the signed checkpoints of each destination log.
 */
export function writeEvidence(dir: string, input: EvidenceInput): Record<string, LogCheckpoints> {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new Error(`evidence directory ${dir} is not empty`);
  const { report } = input;
  writeFileSync(join(dir, SCENARIO_FILE), input.scenarioText);
  writeFileSync(join(dir, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, REPORT_HTML_FILE), bundleReportHtml(report, input.scenarioText, { ...input, keyId: input.key.keyId, fingerprint: bundleFingerprint(input.scenarioText, report) }));
  mkdirSync(join(dir, AUDIT_DIR));
  const logs: Record<string, LogCheckpoints> = {};
  for (const store of report.questions.audit.stores) {
    const log = AuditLog.open(join(input.auditDir, store.file), input.nativeBinding === undefined ? {} : { nativeBinding: input.nativeBinding });
    try {
      const lines: string[] = [];
      const checkpoints = new CheckpointWriter(store.name, input.key.privateKey);
      for (const entry of log.entries()) {
        lines.push(JSON.stringify(entry));
        checkpoints.add(entry);
      }
      writeFileSync(join(dir, AUDIT_DIR, jsonlName(store.file)), lines.length === 0 ? "" : `${lines.join("\n")}\n`);
      if (store.role === "destination") logs[store.name] = checkpoints.finish();
    } finally {
      log.close();
    }
  }
  writeFileSync(join(dir, CHECKPOINTS_FILE), `${JSON.stringify({ publicKey: input.key.publicKeyPem, keyId: input.key.keyId, logs }, null, 2)}\n`);
  sealBundle(dir, report, input);
  return logs;
}

/** The bundle's report.html, as the writer renders it and the verifier renders it again. */
export function bundleReportHtml(
  report: DrillReport,
  scenarioText: string,
  stamp: { readonly generatedBy: string; readonly writtenAt: string; readonly keyId: string; readonly fingerprint: string },
): string {
  const evidence: ReportStamp = { writtenAt: stamp.writtenAt, keyId: stamp.keyId, fingerprint: stamp.fingerprint, fingerprintOf: FINGERPRINT_BASIS };
  return renderHtmlReport(report, { scenarioFile: scenarioText, generatedBy: stamp.generatedBy, evidence });
}

/**
 * (Re)writes the signed manifest over every file now in the bundle, with the date it was written and the
 * fingerprint of its scenario file, seed and audit heads; `pdfPrintedFrom` is the SHA-256 of the
 * report.html that report.pdf was printed from.
 */
export function sealBundle(dir: string, report: DrillReport, { key, writtenAt, generatedBy }: BundleSeal, pdfPrintedFrom?: string): void {
  const files: Record<string, string> = {};
  for (const path of listFiles(dir)) if (path !== MANIFEST_FILE) files[path] = sha256(readFileSync(join(dir, path)));
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    engine: report.engine,
    scenario: { file: SCENARIO_FILE, name: report.scenario.name, seed: report.seed },
    written: writtenAt,
    fingerprint: bundleFingerprint(readFileSync(join(dir, SCENARIO_FILE), "utf8"), report),
    generatedBy,
    ...(pdfPrintedFrom === undefined ? {} : { pdf: { printedFrom: pdfPrintedFrom } }),
    files,
  };
  const signature = sign(null, Buffer.from(canonicalJson(manifest)), key.privateKey).toString("base64");
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify({ manifest, signature, publicKey: key.publicKeyPem, keyId: key.keyId }, null, 2)}\n`);
}

/**
 * Prints the bundle's report.html to report.pdf with the host's printer (the engine never starts a browser)
 * and seals the bundle again over it. Returns why there is no PDF, or null: the bundle stands without one.
 */
export async function addPdf(dir: string, report: DrillReport, seal: BundleSeal, printPdf: (htmlPath: string, pdfPath: string) => Promise<void>): Promise<string | null> {
  const printedFrom = sha256(readFileSync(join(dir, REPORT_HTML_FILE)));
  try {
    await printPdf(join(dir, REPORT_HTML_FILE), join(dir, REPORT_PDF_FILE));
  } catch (error) {
    return (error as Error).message;
  }
  sealBundle(dir, report, seal, printedFrom);
  return null;
}

export function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Every file under `dir`, as sorted paths relative to it with forward slashes. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

/**
 * Checkpoints a log as its entries stream past in seq order: one each time the entries' time crosses a
 * virtual minute, one at the end, each naming the signature of the one before.
 */
class CheckpointWriter {
  private readonly tree = new MerkleTree();
  private readonly checkpoints: SignedCheckpoint[] = [];
  private readonly consistency: string[][] = [];
  private last: StoredEntry | undefined;
  private latestT = 0;
  private nextBoundary = CHECKPOINT_EVERY_MS;

  constructor(
    private readonly logName: string,
    private readonly privateKey: KeyObject,
  ) {}

  add(entry: StoredEntry): void {
    // In a canonical log fed by buffers, time is not monotonic in seq order; the latest time seen is.
    if (this.last && entry.t >= this.nextBoundary) {
      this.checkpoint();
      this.nextBoundary = (Math.floor(entry.t / CHECKPOINT_EVERY_MS) + 1) * CHECKPOINT_EVERY_MS;
    }
    this.tree.append(leafHash(entry.body));
    this.last = entry;
    this.latestT = Math.max(this.latestT, entry.t);
  }

  finish(): LogCheckpoints {
    this.checkpoint();
    return { checkpoints: this.checkpoints, consistency: this.consistency };
  }

  private checkpoint(): void {
    const size = this.tree.size;
    const previous = this.checkpoints.at(-1);
    if (previous && previous.checkpoint.size === size) return;
    if (previous) this.consistency.push(this.tree.consistencyProof(previous.checkpoint.size, size));
    this.checkpoints.push(
      signCheckpoint(
        {
          format: 1,
          log: this.logName,
          size,
          root: this.tree.root(),
          head: this.last ? { seq: this.last.seq, hash: this.last.hash } : { seq: 0, hash: "0".repeat(64) },
          t: this.latestT,
          previous: previous?.signature ?? null,
        },
        this.privateKey,
      ),
    );
  }
}
