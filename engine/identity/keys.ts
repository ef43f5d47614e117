/**
 * Ed25519 signing keys made from the scenario's seed. Node cannot seed RSA key generation, but an Ed25519
 * private key is just 32 bytes, and its signatures are deterministic (RFC 8032): the same scenario and seed
 * give the same keys, the same tokens and so the same audit head hash.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { Random } from "../random";

/** PKCS#8 DER header of an Ed25519 private key (RFC 8410); the 32 key bytes follow it. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** A public key as the identity provider publishes it in its JWKS (RFC 8037). */
export interface PublicJwk {
  readonly kty: "OKP";
  readonly crv: "Ed25519";
  readonly x: string;
  readonly kid: string;
  readonly alg: "EdDSA";
  readonly use: "sig";
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: PublicJwk;
}

/** The key named `kid`, drawn from `random` (32 bytes); the same stream always gives the same key. */
export function seededSigningKey(random: Random, kid: string): SigningKey {
  const seed = Buffer.alloc(32);
  for (let i = 0; i < seed.length; i++) seed[i] = Math.floor(random.next() * 256);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  const { x } = createPublicKey(privateKey).export({ format: "jwk" });
  return { kid, privateKey, jwk: { kty: "OKP", crv: "Ed25519", x: x!, kid, alg: "EdDSA", use: "sig" } };
}
