/**
 * The app's audit extras: an inclusion proof on demand, and an evidence bundle of a finished run that the
 * offline verifier accepts — including that a headless re-run reproduces the app's run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { generateKeyPair, leafHash, verifyEvidence, verifyInclusion } from "../../engine";
import { LabController } from "../../engine/lab/controller";
import type { AuditRow, BundleCheck, EvidenceExport, EvidenceListing, InclusionProofView, LabSnapshot } from "../../engine/lab/contract";
import { serveCommand } from "../../engine/lab/validation";
import { scenarioFolder } from "../../host/scenarioLibrary";

const fixture = readFileSync(join(import.meta.dirname, "../fixtures/short-drill.yaml"), "utf8");
const work = mkdtempSync(join(tmpdir(), "failover-lab-app-evidence-"));
const key = generateKeyPair();
let bundles = 0;
let controller: LabController | undefined;
afterEach(async () => controller?.close());
afterAll(() => rmSync(work, { recursive: true, force: true }));

function start(withEvidence = true) {
  controller = new LabController({
    scenarios: scenarioFolder(join(import.meta.dirname, "../../scenarios")),
    wallNow: () => 0,
    waitWallMs: async () => undefined,
    ...(withEvidence ? { evidence: { folder: work, newDir: () => join(work, `bundle-${++bundles}`), key: () => key, wallDate: () => "2026-12-05T11:08:31.123Z" } } : {}),
  });
  const c = controller;
  return async <T>(name: string, payload: unknown = {}): Promise<T> => {
    const reply = await serveCommand(c, name, payload);
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as T;
  };
}

describe("the app's audit evidence", () => {
  it("proves an entry's inclusion in the inspected log, and the proof fails for any other entry", async () => {
    const call = start();
    await call("loadScenario", { source: "text", fileName: "short-drill.yaml", text: fixture });
    await call("runTo", { ms: 30_000 });
    const proof = await call<InclusionProofView>("auditProof", { seq: 42 });
    // Nothing is signed before an evidence bundle is written: the proof says no checkpoint matches yet.
    expect(proof).toMatchObject({ seq: 42, log: "canonical", leafIndex: 41, verified: true, checkpoint: null });
    expect(proof.treeSize).toBeGreaterThanOrEqual(42);
    // An RFC 6962 audit path has one sibling per level at most.
    expect(proof.path.length).toBeGreaterThan(0);
    expect(proof.path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(proof.treeSize)));
    expect(verifyInclusion(proof.leafHash, proof.leafIndex, proof.treeSize, proof.path, proof.root).ok).toBe(true);
    const other = await call<{ body: unknown }>("auditEntry", { seq: 43 });
    expect(verifyInclusion(leafHash(JSON.stringify(other.body)), proof.leafIndex, proof.treeSize, proof.path, proof.root).ok).toBe(false);
    await expect(call("auditProof", { seq: 10_000_000 })).rejects.toThrow(/no audit entry with seq 10000000/);
  });

  it("finds a request by id in whichever store holds it: the cut-off region's buffer, then the canonical log", async () => {
    const call = start();
    await call("loadScenario", { source: "library", name: "audit-partition-central.yaml" });
    await call("runTo", { ms: 150_000 });
    const buffer = (await call<LabSnapshot>("getSnapshot")).audit!.buffers.find((b) => b.region === "eu-west")!;
    expect(buffer).toMatchObject({ state: "buffering" });
    expect(buffer.depth).toBeGreaterThan(100);
    const waiting = await call<{ seq: number; kind: string; requestId: string | null }>("auditEntry", { seq: buffer.written, store: "buffer:eu-west" });
    expect(waiting.kind).toBe("request");
    const requestId = waiting.requestId!;
    const page = await call<{ total: number; rows: AuditRow[] }>("auditPage", { filter: { requestId }, offset: 0, limit: 10 });
    expect(page.rows.map((r) => `${r.store}#${r.seq}`)).toEqual([`buffer:eu-west#${buffer.written}`]);
    expect((await call<{ total: number }>("auditPage", { filter: { requestId, region: "us-east" }, offset: 0, limit: 10 })).total).toBe(0);
    await expect(call("auditProof", { seq: buffer.written, store: "buffer:eu-west" })).rejects.toThrow(/still waiting in buffer:eu-west; its inclusion proof comes once it reaches its destination log/);
    await expect(call("auditEntry", { seq: 1, store: "region:nowhere" })).rejects.toThrow(/no audit store region:nowhere in this run/);
    await expect(call("auditEntry", { seq: 1, store: "../etc" })).rejects.toThrow(/must name an audit store/);

    await call("runTo", { ms: 310_000 });
    const arrived = await call<{ rows: AuditRow[] }>("auditPage", { filter: { requestId }, offset: 0, limit: 10 });
    expect(arrived.rows.map((r) => r.store)).toEqual(["canonical"]);
    const proof = await call<InclusionProofView>("auditProof", { seq: arrived.rows[0]!.seq, store: "canonical" });
    expect(proof.verified).toBe(true);
  });

  it("Pattern B: the inspector pages every region's log merged by time, and proves inclusion in any of them", async () => {
    const call = start();
    await call("loadScenario", { source: "library", name: "audit-partition-per-region.yaml" });
    await call("runTo", { ms: 60_000 });
    const page = await call<{ total: number; rows: AuditRow[] }>("auditPage", { filter: {}, offset: 100, limit: 200 });
    expect(new Set(page.rows.map((r) => r.store))).toEqual(new Set(["region:eu-west", "region:eu-central", "region:us-east"]));
    for (let i = 1; i < page.rows.length; i++) {
      const [a, b] = [page.rows[i - 1]!, page.rows[i]!];
      expect(a.t < b.t || (a.t === b.t && a.region <= b.region), `${a.store}#${a.seq} before ${b.store}#${b.seq}`).toBe(true);
    }
    const usEast = page.rows.find((r) => r.store === "region:us-east")!;
    expect(await call<InclusionProofView>("auditProof", { seq: usEast.seq, store: usEast.store })).toMatchObject({ log: "region:us-east", verified: true });
    const transitions = await call<{ total: number; rows: AuditRow[] }>("auditPage", { filter: { kind: "transition" }, offset: 0, limit: 500 });
    expect(transitions.rows.every((r) => r.kind === "transition")).toBe(true);
    expect(transitions.total).toBe(transitions.rows.length);
  });

  it("exports a finished run as a bundle the offline verifier accepts, reproducing the run headless", async () => {
    const call = start();
    await call("loadScenario", { source: "text", fileName: "short-drill.yaml", text: fixture });
    // The snapshot carries the very refusal the export gives, so the button says what a click would.
    const { evidenceRefusal } = await call<LabSnapshot>("getSnapshot");
    expect(evidenceRefusal).toMatch(/play the scenario to its end/);
    await expect(call("exportEvidence")).rejects.toThrow(evidenceRefusal!);
    await call("runTo", { ms: 60_000 });
    expect((await call<LabSnapshot>("getSnapshot")).evidenceRefusal).toBeNull();
    const exported = await call<EvidenceExport>("exportEvidence");
    expect(exported.files).toEqual(expect.arrayContaining(["manifest.json", "scenario.yaml", "report.json", "report.html", "checkpoints.json", "audit/canonical.jsonl"]));
    expect(exported.pdfMissing).toBe("this host prints no PDF");
    expect(exported.keyId).toBe(key.keyId);
    const results = await verifyEvidence(exported.dir, { trustedKeys: [{ publicKey: key.publicKey, source: "the test key" }] });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // Once signed, an inclusion proof names the first checkpoint covering its entry, and reaches its root.
    const { logs } = JSON.parse(readFileSync(join(exported.dir, "checkpoints.json"), "utf8")) as { logs: Record<string, { checkpoints: { checkpoint: { size: number; root: string } }[] }> };
    const signed = logs["canonical"]!.checkpoints;
    const proof = await call<InclusionProofView>("auditProof", { seq: 5 });
    expect(proof.checkpoint).toEqual({ index: 1, treeSize: signed[0]!.checkpoint.size, t: expect.any(Number), keyId: key.keyId });
    expect(proof.root).toBe(signed[0]!.checkpoint.root);
    expect(proof.verified).toBe(true);
    const last = await call<InclusionProofView>("auditProof", { seq: signed.at(-1)!.checkpoint.size });
    expect(last.checkpoint?.index).toBe(signed.length);
    expect(results.map((r) => r.check)).toEqual(["manifest signature", "file hashes", "audit chains", "fingerprint", "report pages", "buffers match destinations", "checkpoints", "reproduces"]);
    const snapshot = await call<LabSnapshot>("getSnapshot");
    expect(snapshot.audit).toMatchObject({ pattern: "central", destination: "eu-west", logs: ["canonical"] });
    expect(snapshot.audit!.buffers.map((b) => b.depth)).toEqual([0, 0]);
  });

  it("exports a run with a fault injected and healed by hand: the bundled scenario carries it, and the verifier's re-run reproduces the run", async () => {
    const call = start();
    await call("loadScenario", { source: "text", fileName: "short-drill.yaml", text: fixture });
    await call("runTo", { ms: 10_000 });
    const { faultId } = await call<{ faultId: string }>("injectFault", { fault: { kind: "gateway-down", region: "us-east" } });
    await call("runTo", { ms: 25_500 });
    await call("heal", { faultId });
    await call("runTo", { ms: 60_000 });
    const exported = await call<EvidenceExport>("exportEvidence");
    const bundled = readFileSync(join(exported.dir, "scenario.yaml"), "utf8");
    expect(bundled).toContain("{ kind: gateway-down, region: us-east, at_s: 10, heal_s: 25.5 }");
    // The file's own comments stay: the bundled scenario is the loaded file plus the hand-made faults.
    expect(bundled).toContain("# A one-minute drill for CLI tests");
    expect(exported.replayedFaults).toBe(1);

    // The evidence library lists it, verifies it with npm run verify's checks, and downloads it as one tar.
    const library = await call<{ folder: string; bundles: EvidenceListing[] }>("listEvidence");
    expect(library.folder).toBe(work);
    expect(library.bundles[0]).toMatchObject({ name: exported.name, scenario: "short drill", seed: 1, writtenAt: "2026-12-05T11:08:31.123Z", keyId: key.keyId, files: exported.files.length, hasPdf: false });
    const { checks } = await call<{ checks: BundleCheck[] }>("verifyBundle", { bundle: exported.name });
    expect(checks.filter((r) => !r.ok)).toEqual([]);
    expect(checks.map((r) => r.check)).toEqual(["manifest signature", "file hashes", "audit chains", "fingerprint", "report pages", "buffers match destinations", "checkpoints", "reproduces"]);
    const archive = await call<{ fileName: string; base64: string }>("evidenceArchive", { bundle: exported.name });
    expect(archive.fileName).toBe(`${exported.name}.tar`);
    const unpacked = mkdtempSync(join(work, "unpacked-"));
    writeFileSync(join(unpacked, archive.fileName), Buffer.from(archive.base64, "base64"));
    expect(spawnSync("tar", ["-xf", archive.fileName], { cwd: unpacked }).status).toBe(0);
    const results = await verifyEvidence(join(unpacked, exported.name), { trustedKeys: [{ publicKey: key.publicKey, source: "the test key" }], rerun: false });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    await expect(call("verifyBundle", { bundle: "../etc" })).rejects.toThrow(/must name a bundle of the evidence library/);
    await expect(call("evidenceArchive", { bundle: "nothing-here" })).rejects.toThrow(/no evidence bundle "nothing-here"/);
  });

  it("a host without a key cannot export", async () => {
    const bare = start(false);
    await bare("loadScenario", { source: "text", fileName: "short-drill.yaml", text: fixture });
    await expect(bare("exportEvidence")).rejects.toThrow(/this host cannot write evidence bundles/);
  });
});
