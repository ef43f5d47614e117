import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../engine/audit/canonical";

describe("canonicalJson", () => {
  it("agrees with the RFC 8785 reference implementation on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("sorts keys by UTF-16 code units and formats numbers as ECMAScript does", () => {
    expect(canonicalJson({ b: 1, a: [1e21, 1e-7, -0, 0.1], "\u20ac": "x", "\ud83d\ude00": true, A: null })).toBe(
      '{"A":null,"a":[1e+21,1e-7,0,0.1],"b":1,"\u20ac":"x","\ud83d\ude00":true}',
    );
  });

  it("refuses values without a JSON form", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/cannot canonicalise/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/cannot canonicalise/);
    expect(() => canonicalJson(undefined)).toThrow(/cannot canonicalise/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/cannot canonicalise/);
  });
});
