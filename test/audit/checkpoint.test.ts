/**
 * Signed checkpoints: a round trip, every signed field changed after signing, foreign and untrusted keys,
 * forged JSON shapes, and the installation key file.
 */
import { createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  generateKeyPair,
  INSTALLATION_KEY_FILE,
  keyIdOf,
  loadOrCreateInstallationKey,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
} from "../../engine/audit/checkpoint";
import { canonicalJson } from "../../engine/audit/canonical";
import { leafHash, rootOf } from "../../engine/audit/merkle";

const key = generateKeyPair();
const other = generateKeyPair();

const first: Checkpoint = {
  format: 1,
  log: "region:eu-west",
  size: 3,
  root: rootOf(["a", "b", "c"].map((s) => leafHash(s))),
  head: { seq: 3, hash: "ab".repeat(32) },
  t: 12_500,
  previous: null,
};
const signedFirst = signCheckpoint(first, key.privateKey);
const second: Checkpoint = { ...first, size: 4, root: rootOf(["a", "b", "c", "d"].map((s) => leafHash(s))), head: { seq: 4, hash: "cd".repeat(32) }, t: 13_000, previous: signedFirst.signature };
const signed = signCheckpoint(second, key.privateKey);

/** A copy of `signed` as it would come back from a JSON file, with `change` applied. */
const tampered = (change: (copy: Record<string, any>) => void): unknown => {
  const copy = JSON.parse(JSON.stringify(signed)) as Record<string, any>;
  change(copy);
  return copy;
};
const reasonOf = (verdict: { ok: boolean; reason?: string }) => (verdict.ok ? "accepted" : verdict.reason);

describe("signed checkpoints", () => {
  it("verify after a round trip through JSON, with and without the trusted key", () => {
    expect(signed.keyId).toBe(key.keyId);
    expect(signed.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(signed.publicKey).toBe(key.publicKeyPem);
    expect(Buffer.from(signed.signature, "base64")).toHaveLength(64);
    expect(verifyCheckpoint(JSON.parse(JSON.stringify(signed)))).toEqual({ ok: true });
    expect(verifyCheckpoint(signed, key.publicKeyPem)).toEqual({ ok: true });
    expect(verifyCheckpoint(signedFirst, key.publicKeyPem)).toEqual({ ok: true });
  });

  it("sign exactly the RFC 8785 canonical JSON of the checkpoint, which any Ed25519 library can check", () => {
    const bytes = Buffer.from(canonicalJson(second), "utf8");
    expect(verify(null, bytes, createPublicKey(signed.publicKey), Buffer.from(signed.signature, "base64"))).toBe(true);
  });

  it("sign the canonical JSON, so the order fields were written in does not matter", () => {
    const reordered = { previous: second.previous, t: second.t, head: { hash: second.head.hash, seq: second.head.seq }, root: second.root, size: second.size, log: second.log, format: 1 as const };
    expect(signCheckpoint(reordered, key.privateKey).signature).toBe(signed.signature);
  });

  it.each([
    ["size", (c: Record<string, any>) => (c.checkpoint.size = 5)],
    ["root", (c: Record<string, any>) => (c.checkpoint.root = first.root)],
    ["head.seq", (c: Record<string, any>) => (c.checkpoint.head.seq = 5)],
    ["head.hash", (c: Record<string, any>) => (c.checkpoint.head.hash = "ef".repeat(32))],
    ["previous", (c: Record<string, any>) => (c.checkpoint.previous = signCheckpoint({ ...first, t: 1 }, key.privateKey).signature)],
    ["previous set to null", (c: Record<string, any>) => (c.checkpoint.previous = null)],
    ["t", (c: Record<string, any>) => (c.checkpoint.t = 13_001)],
    ["log", (c: Record<string, any>) => (c.checkpoint.log = "canonical")],
    ["signature", (c: Record<string, any>) => (c.signature = signedFirst.signature)],
  ])("fail with a bad signature when %s is changed after signing", (_field, change) => {
    expect(reasonOf(verifyCheckpoint(tampered(change), key.publicKeyPem))).toBe("bad signature");
  });

  it("fail when signed by another key, whether it is passed off as the trusted key or shown openly", () => {
    const byOther = signCheckpoint(second, other.privateKey);
    expect(verifyCheckpoint(byOther)).toEqual({ ok: true });
    expect(reasonOf(verifyCheckpoint(byOther, key.publicKeyPem))).toBe("public key differs from trusted key");
    const impostor = { ...byOther, publicKey: key.publicKeyPem, keyId: key.keyId };
    expect(reasonOf(verifyCheckpoint(impostor, key.publicKeyPem))).toBe("bad signature");
    expect(reasonOf(verifyCheckpoint(impostor))).toBe("bad signature");
  });

  it("fail when the key id is not that of the public key", () => {
    expect(reasonOf(verifyCheckpoint(tampered((c) => (c.keyId = other.keyId))))).toBe("key id does not match public key");
    expect(reasonOf(verifyCheckpoint({ ...signed, publicKey: other.publicKeyPem }))).toBe("key id does not match public key");
  });

  it("name the field when the JSON does not have the checkpoint shape", () => {
    const reason = (change: (copy: Record<string, any>) => void) => reasonOf(verifyCheckpoint(tampered(change)));
    expect(reason((c) => delete c.checkpoint.root)).toMatch(/^malformed: checkpoint\.root: .*expected string/);
    expect(reason((c) => (c.checkpoint.root = "XYZ"))).toBe("malformed: checkpoint.root: must be 64 lower-case hex digits");
    expect(reason((c) => (c.checkpoint.root = second.root.toUpperCase()))).toBe("malformed: checkpoint.root: must be 64 lower-case hex digits");
    expect(reason((c) => (c.checkpoint.head.hash = "00"))).toBe("malformed: checkpoint.head.hash: must be 64 lower-case hex digits");
    expect(reason((c) => (c.checkpoint.size = -1))).toMatch(/^malformed: checkpoint\.size: /);
    expect(reason((c) => (c.checkpoint.size = 1.5))).toMatch(/^malformed: checkpoint\.size: /);
    expect(reason((c) => (c.checkpoint.format = 2))).toMatch(/^malformed: checkpoint\.format: /);
    expect(reason((c) => (c.checkpoint.previous = "not base64!"))).toMatch(/^malformed: checkpoint\.previous: must be a 64-byte Ed25519 signature/);
    expect(reason((c) => (c.signature = c.signature.slice(0, -4)))).toMatch(/^malformed: signature: /);
    expect(reason((c) => (c.keyId = "KEY"))).toBe("malformed: keyId: must be 16 lower-case hex digits");
    // A field outside the signed bytes must not ride along looking signed.
    expect(reason((c) => (c.checkpoint.note = "approved by auditor"))).toMatch(/^malformed: checkpoint: Unrecognized key: "note"/);
    expect(reason((c) => (c.extra = 1))).toMatch(/^malformed: Unrecognized key: "extra"/);
    expect(reasonOf(verifyCheckpoint(null))).toMatch(/^malformed: /);
    expect(reasonOf(verifyCheckpoint({ ...signed, publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" }))).toBe(
      "malformed: publicKey: must be an Ed25519 public key in SPKI PEM",
    );
  });

  it("refuse a signature re-encoded in non-canonical base64, which would break the previous-signature links", () => {
    const sig = signed.signature;
    // The last digit before "==" carries 4 unused bits; setting one keeps the decoded bytes the same.
    const last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(sig[85]!);
    const reencoded = `${sig.slice(0, 85)}${"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[last ^ 1]}==`;
    expect(Buffer.from(reencoded, "base64").equals(Buffer.from(sig, "base64"))).toBe(true);
    expect(reasonOf(verifyCheckpoint({ ...signed, signature: reencoded }))).toMatch(/^malformed: signature: .*canonical base64/);
  });

  it("are not signed when malformed, nor with a key that is not Ed25519", () => {
    expect(() => signCheckpoint({ ...second, root: "nope" }, key.privateKey)).toThrow(/cannot sign a malformed checkpoint: checkpoint\.root/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
    expect(() => signCheckpoint(second, rsa)).toThrow(/Ed25519/);
  });

  it("refuse a trusted key that is not an Ed25519 public key, as a configuration error", () => {
    expect(() => verifyCheckpoint(signed, "not a key")).toThrow(/trusted key is not an Ed25519 public key/);
  });
});

describe("installation key", () => {
  const dir = mkdtempSync(join(tmpdir(), "failover-lab-checkpoint-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is created once, readable by its owner only, and the same key on the next load", () => {
    const keyDir = join(dir, "fresh", "keys");
    const created = loadOrCreateInstallationKey(keyDir);
    const file = join(keyDir, INSTALLATION_KEY_FILE);
    expect(readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);
    const loaded = loadOrCreateInstallationKey(keyDir);
    expect(loaded.publicKeyPem).toBe(created.publicKeyPem);
    expect(loaded.keyId).toBe(keyIdOf(created.publicKey));
    expect(verifyCheckpoint(signCheckpoint(second, loaded.privateKey), created.publicKeyPem)).toEqual({ ok: true });
    expect(loadOrCreateInstallationKey(join(dir, "elsewhere")).keyId).not.toBe(created.keyId);
  });

  it("refuses a file that is not an Ed25519 private key, naming it and leaving it alone", () => {
    for (const [name, content] of [
      ["garbage", "this is not a key\n"],
      ["rsa", generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string],
      ["public", key.publicKeyPem],
    ] as const) {
      const keyDir = join(dir, name);
      const file = join(keyDir, INSTALLATION_KEY_FILE);
      loadOrCreateInstallationKey(keyDir);
      writeFileSync(file, content);
      expect(() => loadOrCreateInstallationKey(keyDir), name).toThrow(`installation key ${file} is`);
      expect(readFileSync(file, "utf8")).toBe(content);
    }
  });
});
