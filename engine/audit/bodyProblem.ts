/**
 * The check that an entry's indexed columns (seq, t, region, kind, request_id) are copies of the fields in its
 * hashed body, at about the cost of hashing the body: for format-1 stores and exported entries (a format-2 store
 * keeps no copies, engine/audit/storeFormat.ts).
 *
 * Parsing each body whole (`JSON.parse`) cost verification as much as reading the rows, and built an object of
 * every field only to look at five. Instead one left-to-right pass checks the body against the JSON grammar
 * (RFC 8259, exactly what `JSON.parse` accepts) and notes where the top-level values of `seq`, `t`, `region`,
 * `kind` and `requestId` lie; only a value not spelled exactly like its column is parsed, on its own. The
 * verdicts are those of parsing the whole body and comparing `body[field] ?? null` with each column by `===`,
 * for every body and column value: test/audit/bodyProblem.test.ts checks that against the parse.
 */
import { Buffer } from "node:buffer";
import { endianness } from "node:os";
import type { StoredEntry } from "./AuditLog";

const NUL = 0x00;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_A = 0x61;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Body fields with an indexed column, in the order their disagreements are reported. */
const FIELDS = ["seq", "t", "region", "kind", "requestId"] as const;
const SEQ = 0;
const T = 1;
const REGION = 2;
const KIND = 3;
const REQUEST_ID = 4;

/** Characters that may follow a backslash in a JSON string, other than `u`. */
const SHORT_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, LOWER_F, LOWER_N, 0x72, LOWER_T]);

// Scratch state, reused because verification checks every entry. The body's UTF-16 code units are copied
// into `units` (natively, then read as typed-array elements: looking at each character with charCodeAt cost
// as much as hashing the body), followed by a NUL, which no JSON text may contain, so every loop stops at the
// end without a bounds check. `containers` holds the kinds of the open arrays and objects, grown for deeper
// bodies as JSON.parse has no depth limit either. A scan leaves in `valueStart` and `valueEnd` where each
// field's top-level value lies in the body ([start, end), start -1 when the field is absent).
let units = new Uint16Array(1024);
let unitBytes = Buffer.from(units.buffer);
const BIG_ENDIAN = endianness() === "BE";
let containers = new Uint8Array(64);
const valueStart = new Int32Array(FIELDS.length);
const valueEnd = new Int32Array(FIELDS.length);
/** Whether the last string {@link stringEnd} passed holds an escape. */
let escaped = false;

/** Why an entry whose hash checks out still is not one `append` could have written, if it is not. */
export function bodyProblem(entry: Pick<StoredEntry, "seq" | "t" | "region" | "kind" | "requestId" | "body">): string | undefined {
  // A tampered store can hold a BLOB there, which comes as a Buffer; JSON.parse would read its string form.
  const body = typeof entry.body === "string" ? entry.body : String(entry.body);
  const u = codeUnits(body);
  const start = skipSpace(u, 0);
  if (u[start] !== OPEN_BRACE) {
    // Whatever it is, it is not what append writes, so only the reason needs telling apart.
    try {
      JSON.parse(body);
    } catch {
      return "body is not JSON";
    }
    return "body is not a JSON object";
  }
  if (!scanObject(u, body, start)) return "body is not JSON";
  // Deliberately no re-canonicalisation: the hash covers the stored bytes, and a rewritten body that was
  // re-hashed breaks the next entry's link (or, at the head, the expected head). Verifying at hash speed is
  // the point of storing the canonical bytes.
  return (
    disagreement(u, body, SEQ, "seq", entry.seq) ??
    disagreement(u, body, T, "t", entry.t) ??
    disagreement(u, body, REGION, "region", entry.region) ??
    disagreement(u, body, KIND, "kind", entry.kind) ??
    disagreement(u, body, REQUEST_ID, "request_id", entry.requestId)
  );
}

/** `body` as UTF-16 code units in {@link units}, NUL-terminated. */
function codeUnits(body: string): Uint16Array {
  if (body.length >= units.length) {
    units = new Uint16Array(Math.max(body.length + 1, units.length * 2));
    unitBytes = Buffer.from(units.buffer);
  }
  unitBytes.write(body, 0, "utf16le");
  // "utf16le" is the byte order; a Uint16Array reads the platform's.
  if (BIG_ENDIAN) unitBytes.subarray(0, body.length * 2).swap16();
  units[body.length] = NUL;
  return units;
}

function disagreement(u: Uint16Array, body: string, field: number, column: string, value: unknown): string | undefined {
  const start = valueStart[field]!;
  const end = valueEnd[field]!;
  if (start >= 0 && spelledAs(u, body, start, end, value)) return undefined;
  const hashed = start < 0 ? null : ((JSON.parse(body.slice(start, end)) as unknown) ?? null);
  if (hashed === value) return undefined;
  return `column ${column} disagrees with hashed body: column ${JSON.stringify(value)}, body ${JSON.stringify(hashed)}`;
}

/**
 * Whether the JSON value at `[start, end)` is `value` written the plain way: a string without escapes, or an
 * integer in at most 15 digits (so exact in a double). False when it cannot tell that cheaply.
 */
function spelledAs(u: Uint16Array, body: string, start: number, end: number, value: unknown): boolean {
  if (typeof value === "string") {
    return end - start === value.length + 2 && u[start] === QUOTE && body.startsWith(value, start + 1) && !value.includes("\\");
  }
  if (typeof value !== "number") return false;
  const negative = u[start] === MINUS;
  let i = negative ? start + 1 : start;
  if (end - i > 15) return false;
  let n = 0;
  for (; i < end; i++) {
    const digit = u[i]! - ZERO;
    if (digit < 0 || digit > 9) return false;
    n = n * 10 + digit;
  }
  return (negative ? -n : n) === value;
}

/**
 * Whether the body in `u`, whose first non-space character is the `{` at `start`, is one JSON text, noting
 * where the top-level values of {@link FIELDS} lie (the last one, when a key repeats, as JSON.parse keeps the
 * last). Iterative, with an explicit stack, so that any depth JSON.parse accepts is accepted here too.
 */
function scanObject(u: Uint16Array, body: string, start: number): boolean {
  valueStart.fill(-1);
  let stack = containers;
  let i = start;
  let depth = 0;
  // The field whose top-level value is being scanned, or -1.
  let field = -1;
  let expectKey = false;
  for (;;) {
    let c: number;
    if (expectKey) {
      if (u[i] !== QUOTE) return false;
      const keyStart = i;
      i = stringEnd(u, i);
      if (i < 0) return false;
      if (depth === 1) field = escaped ? FIELDS.indexOf(JSON.parse(body.slice(keyStart, i)) as (typeof FIELDS)[number]) : plainFieldOf(body, keyStart, i);
      c = u[i]!;
      if (c <= SPACE) c = u[(i = skipSpace(u, i))]!;
      if (c !== COLON) return false;
      c = u[++i]!;
      if (c <= SPACE) c = u[(i = skipSpace(u, i))]!;
      if (depth === 1 && field >= 0) valueStart[field] = i;
      expectKey = false;
    } else {
      c = u[i]!;
    }
    if (c === QUOTE) {
      i = stringEnd(u, i);
      if (i < 0) return false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === stack.length) {
        containers = new Uint8Array(depth * 2);
        containers.set(stack);
        stack = containers;
      }
      stack[depth++] = c;
      let next = u[++i]!;
      if (next <= SPACE) next = u[(i = skipSpace(u, i))]!;
      if (next !== (c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
        expectKey = c === OPEN_BRACE;
        continue;
      }
      depth--;
      i++;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      i = numberEnd(u, i);
      if (i < 0) return false;
    } else if (c === LOWER_T && body.startsWith("true", i)) {
      i += 4;
    } else if (c === LOWER_F && body.startsWith("false", i)) {
      i += 5;
    } else if (c === LOWER_N && body.startsWith("null", i)) {
      i += 4;
    } else {
      return false;
    }
    // A value ended: close the containers it completes, up to the comma before the next value.
    for (;;) {
      if (depth === 0) return skipSpace(u, i) === body.length;
      if (depth === 1 && field >= 0) {
        valueEnd[field] = i;
        field = -1;
      }
      c = u[i]!;
      if (c <= SPACE) c = u[(i = skipSpace(u, i))]!;
      const inObject = stack[depth - 1] === OPEN_BRACE;
      if (c === COMMA) {
        if (u[++i]! <= SPACE) i = skipSpace(u, i);
        expectKey = inObject;
        break;
      }
      if (c !== (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) return false;
      depth--;
      i++;
    }
  }
}

/** Which of {@link FIELDS} the key `body[start, end)` (quotes included, no escapes) names, or -1. */
function plainFieldOf(body: string, start: number, end: number): number {
  switch (end - start - 2) {
    case 1:
      return body.charCodeAt(start + 1) === LOWER_T ? T : -1;
    case 3:
      return body.startsWith("seq", start + 1) ? SEQ : -1;
    case 4:
      return body.startsWith("kind", start + 1) ? KIND : -1;
    case 6:
      return body.startsWith("region", start + 1) ? REGION : -1;
    case 9:
      return body.startsWith("requestId", start + 1) ? REQUEST_ID : -1;
    default:
      return -1;
  }
}

function skipSpace(u: Uint16Array, i: number): number {
  for (;;) {
    const c = u[i];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

/** The index just past the string that opens at `start`, or -1 if none does; sets {@link escaped}. */
function stringEnd(u: Uint16Array, start: number): number {
  escaped = false;
  for (let i = start + 1; ; i++) {
    const c = u[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      escaped = true;
      const next = u[++i]!;
      if (next === LOWER_U) {
        for (let k = 0; k < 4; k++) if (!isHexDigit(u[++i]!)) return -1;
      } else if (!SHORT_ESCAPES.has(next)) {
        return -1;
      }
    } else if (c < SPACE) {
      return -1;
    }
  }
}

const isHexDigit = (c: number) => (c >= ZERO && c <= NINE) || ((c | 0x20) >= LOWER_A && (c | 0x20) <= LOWER_F);

/** The index just past the number that starts at `start`, or -1 if the grammar is not followed. */
function numberEnd(u: Uint16Array, start: number): number {
  let i = u[start] === MINUS ? start + 1 : start;
  const first = u[i]!;
  if (first === ZERO) i++;
  else if (first >= ONE && first <= NINE) i = digitsEnd(u, i + 1);
  else return -1;
  if (u[i] === DOT) {
    const fraction = digitsEnd(u, i + 1);
    if (fraction === i + 1) return -1;
    i = fraction;
  }
  const e = u[i];
  if (e === LOWER_E || e === UPPER_E) {
    const sign = u[i + 1];
    const digits = sign === PLUS || sign === MINUS ? i + 2 : i + 1;
    i = digitsEnd(u, digits);
    if (i === digits) return -1;
  }
  return i;
}

function digitsEnd(u: Uint16Array, i: number): number {
  for (;;) {
    const c = u[i]!;
    if (c < ZERO || c > NINE) return i;
    i++;
  }
}
