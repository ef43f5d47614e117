/**
 * Signed checkpoints of an audit log: the Merkle root and chain head at a size, signed with this
 * installation's Ed25519 key, so a copy of the log handed on can later be shown to be the one that was signed
 * and, with a consistency proof, to have only grown since.
 *
 * The signed bytes are the canonical JSON (RFC 8785) of the checkpoint, so signer and verifier need agree
 * only on its fields, not on a byte layout. Each checkpoint names the signature of the one before it in the
 * same log, as AWS CloudTrail digest files do, so a deleted or reordered checkpoint breaks the sequence.
 * Shapes are checked strictly (unknown fields are refused, not dropped): a field the signature does not
 * cover must not reach the reader looking as if it did.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { canonicalJson } from "./canonical";
import type { Verdict } from "./merkle";

/** File name of the installation key inside the directory given to {@link loadOrCreateInstallationKey}. */
export const INSTALLATION_KEY_FILE = "installation-ed25519.pem";
const SIGNATURE_BYTES = 64;

const hexHash = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits");
const count = z.int().nonnegative();
// Canonical base64 only: a re-encoded signature would decode to the same bytes yet no longer match the
// `previous` field of the next checkpoint, which links by the text.
const signatureText = z
  .string()
  .refine((text) => Buffer.from(text, "base64").length === SIGNATURE_BYTES && Buffer.from(text, "base64").toString("base64") === text, {
    message: `must be a ${SIGNATURE_BYTES}-byte Ed25519 signature in canonical base64`,
  });

/** Zod schema of {@link Checkpoint}; refuses unknown fields. */
export const CheckpointSchema = z.strictObject({
  format: z.literal(1),
  log: z.string().min(1),
  size: count,
  root: hexHash,
  head: z.strictObject({ seq: count, hash: hexHash }),
  t: z.number().nonnegative(),
  previous: signatureText.nullable(),
});

/**
 * What is signed about one log at one size. `log` names the store ("canonical", "region:eu-west"); `size` is
 * the number of leaves; `root` the Merkle root over them (64 hex digits); `head` the hash chain's head at that
 * size; `t` virtual ms since run start; `previous` the signature (base64) of this log's previous checkpoint,
 * null for its first.
 */
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** Zod schema of {@link SignedCheckpoint}; refuses unknown fields. */
export const SignedCheckpointSchema = z.strictObject({
  checkpoint: CheckpointSchema,
  signature: signatureText,
  publicKey: z.string().min(1),
  keyId: z.string().regex(/^[0-9a-f]{16}$/, "must be 16 lower-case hex digits"),
});

/**
 * A checkpoint with its Ed25519 signature (base64) over the checkpoint's canonical JSON, the signer's public
 * key (SPKI PEM) and that key's id: the first 16 hex digits of SHA-256 of the key's SPKI DER.
 */
export type SignedCheckpoint = z.infer<typeof SignedCheckpointSchema>;

/** An Ed25519 key pair with the public half also as SPKI PEM and as its key id. */
export interface InstallationKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/** A fresh Ed25519 key pair, kept in memory only. */
export function generateKeyPair(): InstallationKey {
  return keyFrom(generateKeyPairSync("ed25519").privateKey);
}

/**
 * This installation's signing key: read from `dir`/{@link INSTALLATION_KEY_FILE} (PKCS#8 PEM), or generated
 * and written there, readable by the owner only (0600), when the file is missing. Throws, naming the file,
 * when it holds anything but an Ed25519 private key, rather than replacing it: a key that signed
 * checkpoints cannot be regenerated.
 */
export function loadOrCreateInstallationKey(dir: string): InstallationKey {
  const path = join(dir, INSTALLATION_KEY_FILE);
  const existing = readIfPresent(path);
  if (existing !== undefined) return parseInstallationKey(existing, path);
  mkdirSync(dir, { recursive: true });
  const key = generateKeyPair();
  const pem = key.privateKey.export({ type: "pkcs8", format: "pem" });
  try {
    // "wx": if another process created the file since we looked, keep its key and use that one.
    writeFileSync(path, pem, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot write installation key ${path}: ${(error as Error).message}`);
    return parseInstallationKey(readFileSync(path, "utf8"), path);
  }
  return key;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read installation key ${path}: ${(error as Error).message}`);
  }
}

function parseInstallationKey(pem: string, path: string): InstallationKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch (error) {
    throw new Error(`installation key ${path} is not a PEM private key (${(error as Error).message}); move it away to generate a new key`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`installation key ${path} is a ${privateKey.asymmetricKeyType ?? "unknown"} key, not an Ed25519 private key`);
  }
  return keyFrom(privateKey);
}

function keyFrom(privateKey: KeyObject): InstallationKey {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }) as string, keyId: keyIdOf(publicKey) };
}

/** The key id of a public key: the first 16 hex digits of SHA-256 of its SPKI DER encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

const signedBytes = (checkpoint: Checkpoint): Buffer => Buffer.from(canonicalJson(checkpoint), "utf8");

/** Signs `checkpoint` with an Ed25519 private key. Throws if the checkpoint does not have the {@link Checkpoint} shape. */
export function signCheckpoint(checkpoint: Checkpoint, privateKey: KeyObject): SignedCheckpoint {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new TypeError(`checkpoints are signed with Ed25519 keys, not ${privateKey.asymmetricKeyType}`);
  const parsed = CheckpointSchema.safeParse(checkpoint);
  if (!parsed.success) throw new TypeError(`cannot sign a malformed checkpoint: ${describeIssues(parsed.error, "checkpoint")}`);
  const key = keyFrom(privateKey);
  return {
    checkpoint: parsed.data,
    signature: sign(null, signedBytes(parsed.data), privateKey).toString("base64"),
    publicKey: key.publicKeyPem,
    keyId: key.keyId,
  };
}

/**
 * Checks a signed checkpoint as read from anywhere (a parsed JSON file, say): its shape, that `keyId`
 * belongs to `publicKey`, that `publicKey` is `trustedPublicKeyPem` when one is given (SPKI PEM), and the
 * signature. Without a trusted key this shows only that the checkpoint is intact, not who signed it.
 * Throws if `trustedPublicKeyPem` is not an Ed25519 public key: that is the caller's configuration, not the
 * checkpoint, at fault.
 */
export function verifyCheckpoint(signed: unknown, trustedPublicKeyPem?: string): Verdict {
  const trusted = trustedPublicKeyPem === undefined ? undefined : trustedKey(trustedPublicKeyPem);
  const parsed = SignedCheckpointSchema.safeParse(signed);
  if (!parsed.success) return { ok: false, reason: `malformed: ${describeIssues(parsed.error)}` };
  const { checkpoint, signature, publicKey: publicKeyPem, keyId } = parsed.data;

  const publicKey = parseEd25519PublicKey(publicKeyPem);
  if (!publicKey) return { ok: false, reason: "malformed: publicKey: must be an Ed25519 public key in SPKI PEM" };
  if (keyIdOf(publicKey) !== keyId) return { ok: false, reason: "key id does not match public key" };
  if (trusted && !spkiOf(trusted).equals(spkiOf(publicKey))) return { ok: false, reason: "public key differs from trusted key" };
  if (!verify(null, signedBytes(checkpoint), publicKey, Buffer.from(signature, "base64"))) return { ok: false, reason: "bad signature" };
  return { ok: true };
}

function trustedKey(pem: string): KeyObject {
  const key = parseEd25519PublicKey(pem);
  if (!key) throw new TypeError("the trusted key is not an Ed25519 public key in SPKI PEM");
  return key;
}

/** An Ed25519 public key from SPKI PEM, or undefined for anything else (a private key included). */
export function parseEd25519PublicKey(pem: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: pem, format: "pem" });
    // createPublicKey also derives a public key from a private one; a checkpoint carrying that is refused too.
    return key.asymmetricKeyType === "ed25519" && pem.includes("-----BEGIN PUBLIC KEY-----") ? key : undefined;
  } catch {
    return undefined;
  }
}

const spkiOf = (key: KeyObject): Buffer => key.export({ type: "spki", format: "der" });

function describeIssues(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map((issue) => {
      const path = [...(prefix === undefined ? [] : [prefix]), ...issue.path.map(String)].join(".");
      return path === "" ? issue.message : `${path}: ${issue.message}`;
    })
    .join("; ");
}
