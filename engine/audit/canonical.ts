/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme) of a value: the bytes the audit chain hashes.
 */
import canonicalize from "canonicalize";

/** Throws when the value has no JSON form (undefined, a function, a non-finite number). */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new Error(`cannot canonicalise value for the audit log: ${(error as Error).message}`);
  }
  if (text === undefined) throw new Error("cannot canonicalise value for the audit log: it has no JSON form");
  return text;
}
