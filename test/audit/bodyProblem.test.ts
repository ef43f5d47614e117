/**
 * bodyProblem scans a body instead of parsing it; these properties hold it to the verdicts of the check it
 * replaced, kept below as the oracle: parse the whole body, then compare each indexed column with the field.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyProblem } from "../../engine/audit/bodyProblem";
import { canonicalJson } from "../../engine/audit/canonical";

type Columns = Parameters<typeof bodyProblem>[0];

/** The check verifyChain made before bodyProblem, unchanged. */
function parsedBodyProblem(entry: Columns): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(entry.body);
  } catch {
    return "body is not JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "body is not a JSON object";
  const fields = body as Record<string, unknown>;
  const columns: [column: string, field: string, value: unknown][] = [
    ["seq", "seq", entry.seq],
    ["t", "t", entry.t],
    ["region", "region", entry.region],
    ["kind", "kind", entry.kind],
    ["request_id", "requestId", entry.requestId],
  ];
  for (const [column, field, value] of columns) {
    const hashed = fields[field] ?? null;
    if (hashed !== value) return `column ${column} disagrees with hashed body: column ${JSON.stringify(value)}, body ${JSON.stringify(hashed)}`;
  }
  return undefined;
}

const FIELDS = ["seq", "t", "region", "kind", "requestId"] as const;

/** An object's members in writing order, so that a key can repeat (JSON.parse keeps the last). */
class Members {
  constructor(readonly members: [string, Json][]) {}
}
/** A number written exactly so: past what a double holds, or in a form no serialiser writes. */
class Spelled {
  constructor(readonly text: string) {}
}
type Json = null | boolean | number | string | Json[] | Members | Spelled;

// Keys that are, or nearly are, the checked fields, so that nested objects and near misses come up often.
const key = fc.oneof(
  fc.constantFrom<string>(...FIELDS, "request_id", "Seq", "tt", "regio", "region ", "", "__proto__", "toString"),
  fc.string({ unit: "binary", maxLength: 6 }),
);
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 10 }),
  fc.constantFrom('"', "\\", '\\"', "{", "}", "[]", ":", ",", '{"t":1}', '","seq":2', "\u2028", "\ud800", "x\udc00", "\u0000", "\u001f\n\t", "é", "😀", "eu-west"),
);
const number = fc.oneof(
  fc.integer(),
  fc.integer({ min: 0, max: 10_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.5, -1, 1e21, 1e-7, 2 ** 53, 123_456_789_012_345, 1_234_567_890_123_456),
);
// 36028797018963973 rounds to …976, but digit by digit in doubles to …968.
const spelledNumber = fc.constantFrom(..."9007199254740993 36028797018963973 123456789012345678901 1.0000000000000001 4.9e-325 -0.0 0E0 1e-0".split(" ")).map((t) => new Spelled(t));
const { json } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    text,
    spelledNumber,
    fc.array(tie("json"), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie("json")), { maxLength: 4 }).map((members) => new Members(members)),
  ),
}));
/** A top-level object: arbitrary members, and each checked field with a plausible value, or none. */
const topLevel = fc
  .tuple(
    fc.array(fc.tuple(key, json), { maxLength: 6 }),
    fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(number, text, spelledNumber, json)), { maxLength: 7 }),
    fc.nat(),
  )
  .map(([others, fields, at]) => {
    const members = [...others];
    members.splice(at % (members.length + 1), 0, ...fields);
    return new Members(members);
  });

function toValue(json: Json): unknown {
  if (json instanceof Spelled) return JSON.parse(json.text);
  if (json instanceof Members) return Object.fromEntries(json.members.map(([k, v]) => [k, toValue(v)]));
  return Array.isArray(json) ? json.map(toValue) : json;
}

/**
 * Valid JSON for `json` that no canonicaliser would write: spaces between tokens, characters escaped that
 * need not be (keys included), numbers spelled other ways, and keys repeated as the members say.
 */
function spell(json: Json, random: () => number): string {
  const pick = <T>(options: readonly T[]) => options[Math.floor(random() * options.length)]!;
  const space = () => (random() < 0.7 ? "" : pick([" ", "\n", "\t", "\r\n  "]));
  const hex = (c: number) => {
    const digits = c.toString(16).padStart(4, "0");
    return `\\u${random() < 0.5 ? digits : digits.toUpperCase()}`;
  };
  const short: Record<number, string> = { 0x22: '\\"', 0x5c: "\\\\", 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t" };
  const string = (s: string) => {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22 || c === 0x5c || c < 0x20) out += short[c] !== undefined && random() < 0.7 ? short[c] : hex(c);
      else if (c === 0x2f && random() < 0.5) out += "\\/";
      else out += random() < 0.15 ? hex(c) : s[i];
    }
    return `${out}"`;
  };
  const numberText = (n: number) => {
    const plain = JSON.stringify(n);
    const forms = [plain, n.toExponential(), Object.is(n, -0) ? "-0" : plain];
    if (Number.isInteger(n) && Math.abs(n) < 1e21) forms.push(`${plain}.0`, `${plain}e0`, `${plain}E+00`);
    return pick(forms);
  };
  const write = (value: Json): string => {
    if (value instanceof Members) return `{${space()}${value.members.map(([k, v]) => `${string(k)}${space()}:${space()}${write(v)}`).join(`${space()},${space()}`)}${space()}}`;
    if (Array.isArray(value)) return `[${space()}${value.map(write).join(`${space()},${space()}`)}${space()}]`;
    if (typeof value === "string") return string(value);
    if (typeof value === "number") return numberText(value);
    if (value instanceof Spelled) return value.text;
    return JSON.stringify(value);
  };
  return `${space()}${write(json)}${space()}`;
}

/** A small seeded generator for the spelling choices, so a case replays from its seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** What a column may hold: what SQLite returns (numbers, text, NULL, a BLOB as a Buffer), and more. */
const columnValue = fc.oneof(
  number,
  text,
  fc.constant(null),
  fc.constantFrom<unknown>(undefined, true, false, "request", "eu-west", 1, 250),
  fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
  json.map(toValue),
);
/** For each column: the body's own value (`SAME`), a string value as JSON escapes it (`ESCAPED`), or any. */
const SAME = Symbol("the body's value");
const ESCAPED = Symbol("the body's value, escaped");
const columnChoices = fc.array(
  fc.oneof({ weight: 5, arbitrary: fc.constant<unknown>(SAME) }, { weight: 1, arbitrary: fc.constant<unknown>(ESCAPED) }, { weight: 2, arbitrary: columnValue }),
  { minLength: FIELDS.length, maxLength: FIELDS.length },
);

/** Columns for `body`, with the field values of the parsed body where the choices say so. */
function columns(body: string | Buffer, choices: readonly unknown[]): Columns {
  let parsed: Record<string, unknown> = {};
  try {
    const value = JSON.parse(String(body)) as unknown;
    if (typeof value === "object" && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON: every column keeps its arbitrary value, or null.
  }
  const entry: Record<string, unknown> = { body };
  FIELDS.forEach((field, k) => {
    const own = parsed[field] ?? null;
    if (choices[k] === SAME) entry[field] = own;
    else if (choices[k] === ESCAPED) entry[field] = typeof own === "string" ? JSON.stringify(own).slice(1, -1) : own;
    else entry[field] = choices[k];
  });
  return entry as unknown as Columns;
}

const agree = (entry: Columns) => expect(bodyProblem(entry)).toBe(parsedBodyProblem(entry));

/** What an edit writes: characters JSON forbids or restricts where they land, and near-miss tokens. */
const insertion = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(..."{}[]:,\"") },
  { weight: 2, arbitrary: fc.constantFrom(..."0123456789-+.eE".split(""), "-0", "01", "1.", ".5", "1e", "1e+", "tru", "nul", "fals") },
  { weight: 1, arbitrary: fc.constantFrom(..."\u0020 \t \n \r \u0000 \u000b \u000c \u001f \u00a0 \ufeff \u2028".split(" ")) },
  { weight: 1, arbitrary: fc.constantFrom("\\", "\\'", "\\x", "\\u00", "\\U0041", "\\/", "\\\\", "\\u00e9") },
  { weight: 1, arbitrary: fc.constantFrom(..."xé\ud800'".split(""), ",}", ",]", ":,", '""') },
);
/**
 * Edits that turn a body into a near miss: a removal, an insertion, a replacement or a cut, at any position
 * or next to a structural character, where most of the grammar's rules apply.
 */
const edits = fc.array(
  fc.tuple(fc.constantFrom("delete", "insert", "replace", "truncate"), fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), fc.nat(), insertion),
  { minLength: 1, maxLength: 3 },
);
function edit(body: string, changes: readonly [string, boolean, number, string][]): string {
  let out = body;
  for (const [op, atToken, at, text] of changes) {
    const tokens = [...out.matchAll(/[{}[\]:,"]/g)].map((m) => m.index + (at % 2));
    const i = atToken && tokens.length > 0 ? tokens[at % tokens.length]! : at % (out.length + 1);
    if (op === "delete") out = out.slice(0, i) + out.slice(i + 1);
    else if (op === "insert") out = out.slice(0, i) + text + out.slice(i);
    else if (op === "replace") out = out.slice(0, i) + text + out.slice(i + 1);
    else out = out.slice(0, i);
  }
  return out;
}

describe("bodyProblem agrees with parsing the whole body", () => {
  it("on canonical bodies of arbitrary objects, for arbitrary column values", () => {
    fc.assert(
      fc.property(topLevel, columnChoices, (object, choices) => {
        agree(columns(canonicalJson(toValue(object)), choices));
      }),
      { numRuns: 4000 },
    );
  });

  it("on valid JSON spelled any way: spaces, escapes, number forms, repeated keys, any top-level value", () => {
    fc.assert(
      fc.property(fc.oneof(topLevel, json), fc.integer(), columnChoices, (value, seed, choices) => {
        const body = spell(value, seeded(seed));
        expect(() => JSON.parse(body)).not.toThrow();
        agree(columns(body, choices));
      }),
      { numRuns: 4000 },
    );
  });

  it("on bodies one to three edits away from valid JSON", () => {
    fc.assert(
      fc.property(topLevel, fc.integer(), fc.boolean(), edits, columnChoices, (object, seed, canonical, changes, choices) => {
        const body = canonical ? canonicalJson(toValue(object)) : spell(object, seeded(seed));
        agree(columns(edit(body, changes), choices));
      }),
      { numRuns: 4000 },
    );
  });

  it("on arbitrary strings", () => {
    const jsonish = fc.string({ unit: fc.constantFrom(..."{}[]:,\"\\ \t\n\r0123456789-+.eEtrufalsnux\u0000\u000b\u001f\u00a0é\ud800"), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.string({ unit: "binary" })), columnChoices, (body, choices) => {
        agree(columns(body, choices));
      }),
      { numRuns: 3000 },
    );
  });

  it("on a body stored as a BLOB, which comes as a Buffer", () => {
    fc.assert(
      fc.property(topLevel, fc.integer(), fc.boolean(), columnChoices, (object, seed, canonical, choices) => {
        const body = canonical ? canonicalJson(toValue(object)) : spell(object, seeded(seed));
        agree(columns(Buffer.from(body), choices));
      }),
      { numRuns: 500 },
    );
  });
});

describe("bodyProblem", () => {
  const entry = { seq: 7, t: 1750, region: "eu-west", kind: "request", requestId: "req-7" };
  const body = canonicalJson({ ...entry, model: "gpt-4o", origin: { region: "us-east", seq: 1, t: 0 } });

  it("finds nothing wrong with an entry append wrote", () => {
    expect(bodyProblem({ ...entry, body })).toBeUndefined();
  });

  it.each([
    ["seq", 8],
    ["t", 1751],
    ["region", "us-east"],
    ["kind", "fault"],
    ["requestId", null],
  ] as const)("names the column when %s differs from the body", (field, value) => {
    const column = field === "requestId" ? "request_id" : field;
    expect(bodyProblem({ ...entry, [field]: value, body })).toBe(
      `column ${column} disagrees with hashed body: column ${JSON.stringify(value)}, body ${JSON.stringify(entry[field])}`,
    );
  });

  it("reads escaped keys and values, and the last of repeated keys, as JSON.parse does", () => {
    const spelled = '{"\\u0074":1, "t":1750,"kind":"re\\u0071uest","region":"eu-west","requestId":"req-7","seq":7}';
    expect(bodyProblem({ ...entry, body: spelled })).toBeUndefined();
    expect(bodyProblem({ ...entry, t: 1, body: spelled })).toMatch(/^column t disagrees/);
  });

  it("compares numbers by value, however they are spelled", () => {
    const cases = [
      [1750, "1.75e3"],
      [1750, "1750.000"],
      [0, "-0"],
      [Infinity, "1e400"],
      [1750, "1e400"],
      // Past 15 digits, reading digit by digit in doubles can round differently from JSON.parse.
      [36028797018963976, "36028797018963973"],
      [36028797018963968, "36028797018963973"],
    ] as const;
    for (const [t, spelled] of cases) {
      const columns = { ...entry, t, body: body.replace('"t":1750', `"t":${spelled}`) };
      expect(bodyProblem(columns)).toBe(parsedBodyProblem(columns));
    }
    expect(bodyProblem({ ...entry, t: Infinity, body: body.replace('"t":1750', '"t":1e400') })).toBeUndefined();
  });

  it("draws the grammar's line where JSON.parse does", () => {
    const corners = [
      ...["01", "-", "1.", ".5", "1.e3", "1e", "1e+", "+1", "-0", "0.0e-0", "1E+2", "tru", "nulll", "True", "[1,]", "[,1]", "[1}", '{"a":1]', "[]", "{}", '{"a":{}}'],
      ...['"\\\'"', '"\\x"', '"\\u00e"', '"\\u00E9"', '"\\/"', '"\u0001"', '"\u007f"', '"\u2028"', '"\ud800"'],
    ];
    const spaces = [" ", "\t", "\n", "\r", "\u000b", "\u000c", "\u00a0", "\ufeff", "\u2028"];
    const bodies = [
      ...corners.map((value) => body.replace('"model":"gpt-4o"', `"model":${value}`)),
      ...spaces.flatMap((space) => [`${space}${body}`, `${body}${space}`, body.replace('"kind":', `"kind"${space}:${space}`)]),
      `${body.slice(0, -1)},}`,
      body.replace('"model":"gpt-4o",', '"model" "gpt-4o",'),
      body.replace('"model":"gpt-4o",', '"model":"gpt-4o" '),
    ];
    for (const variant of bodies) {
      const columns = { ...entry, body: variant };
      expect(bodyProblem(columns), variant).toBe(parsedBodyProblem(columns));
    }
  });

  it("accepts nesting as deep as JSON.parse does, and rejects it unbalanced", () => {
    const deep = (open: string, close: string) => `{"kind":"request","nested":${open.repeat(100_000)}${close.repeat(100_000)},"region":"eu-west","requestId":"req-7","seq":7,"t":1750}`;
    expect(bodyProblem({ ...entry, body: deep("[", "]") })).toBeUndefined();
    expect(bodyProblem({ ...entry, body: deep('{"a":[', "]}") })).toBeUndefined();
    expect(bodyProblem({ ...entry, body: deep("[", "}") })).toBe("body is not JSON");
  });

  it("tells a body that is not JSON from one that is not an object", () => {
    expect(bodyProblem({ ...entry, body: `${body},` })).toBe("body is not JSON");
    expect(bodyProblem({ ...entry, body: `[${body}]` })).toBe("body is not a JSON object");
    expect(bodyProblem({ ...entry, body: "null" })).toBe("body is not a JSON object");
    expect(bodyProblem({ ...entry, body: "" })).toBe("body is not JSON");
  });
});
