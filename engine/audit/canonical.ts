/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme) of a value: the bytes the audit chain hashes.
 *
 * Serialised by safe-stable-stringify (keys sorted by UTF-16 code units, ECMAScript number and string
 * forms — exactly RFC 8785 for JSON data) rather than the `canonicalize` reference implementation, which
 * is ~2.5× slower on our records and writes invalid JSON for functions and holes;
 * test/audit/canonical.test.ts checks that the two agree on arbitrary JSON values.
 */
import { configure } from "safe-stable-stringify";

const stringify = configure({ deterministic: true, strict: true, bigint: false, circularValue: Error });

/**
 * RFC 8785 canonical JSON of `value`. Like `JSON.stringify`, object properties whose value is undefined
 * are left out and undefined array elements become null. Throws when the value has no JSON form:
 * undefined itself, a function or symbol anywhere, NaN or ±Infinity, a BigInt, a circular structure.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = stringify(value);
  } catch (error) {
    throw new Error(`cannot canonicalise value for the audit log: ${(error as Error).message}`);
  }
  if (text === undefined) throw new Error(`cannot canonicalise value for the audit log: a ${typeof value} has no JSON form`);
  return text;
}
