import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAULT_KINDS, FAULT_MENU, FAULT_SCHEMAS, INSTANT_FAULTS, faultKind } from "../../engine/faults/registry";
import { describeFault } from "../../engine/scenario/describeFault";
import { faultSchema } from "../../engine/scenario/schema";
import { FaultBook } from "../../engine/faults/book";

const faultsDir = join(import.meta.dirname, "../../engine/faults");

describe("the fault kinds' registry", () => {
  it("lists every kind once, each declared in engine/faults/<kind>.ts, in the schema's order", () => {
    const kinds = FAULT_KINDS.map((kind) => kind.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    const files = readdirSync(faultsDir).map((file) => file.replace(/\.ts$/, ""));
    for (const kind of kinds) expect(files, kind).toContain(kind);
    expect(FAULT_SCHEMAS.map((schema) => schema.shape.kind.value)).toEqual(kinds);
    expect(faultSchema.options.map((schema) => schema.shape.kind.value)).toEqual(kinds);
  });

  it("marks the identity provider's one-off events as instant", () => {
    expect([...INSTANT_FAULTS].sort()).toEqual(["key-rotation", "token-revocation"]);
  });

  it("finds a fault's kind, and refuses one it does not know", () => {
    expect(faultKind({ kind: "gateway-down" }).region({ kind: "gateway-down", at_s: 0, region: "eu-west" })).toBe("eu-west");
    expect(describeFault({ kind: "gateway-down", region: "eu-west" })).toBe("gateway eu-west down");
    expect(() => faultKind(JSON.parse('{"kind":"meteor"}'))).toThrow(/unknown fault kind "meteor"/);
  });

  it("hands the app its menus as plain data that survives JSON, every entry with a fault field for each target value", () => {
    expect(JSON.parse(JSON.stringify(FAULT_MENU))).toEqual(FAULT_MENU);
    for (const entry of FAULT_MENU) {
      const fields = Object.keys(faultSchema.options.find((schema) => schema.shape.kind.value === entry.kind)!.shape);
      for (const field of [...Object.keys(entry.fromTarget), ...Object.keys(entry.fixed), ...entry.params.map((p) => p.field)]) expect(fields, `${entry.kind}: ${field}`).toContain(field);
      expect(entry.heals).toBe(!FAULT_KINDS.find((kind) => kind.kind === entry.kind)!.instant);
    }
  });

  it("a menu entry injects what its kind's schema accepts", () => {
    const latency = FAULT_MENU.find((entry) => entry.kind === "latency")!;
    const param = latency.params[0]!;
    expect(param.type).toBe("number");
    const fault = { kind: latency.kind, at_s: 0, from: "eu-west", to: "us-east", ...latency.fixed, [param.field]: param.type === "number" ? param.default / param.per : 0 };
    expect(faultSchema.safeParse(fault).success).toBe(true);
  });
});

describe("the FaultBook, over the kinds' world hooks", () => {
  it("lets a request fault limited to `times` take that many requests, then the next fault in force", () => {
    const book = new FaultBook();
    const base = { at_s: 0, region: "eu-west", provider: "p", retry_after_s: 2, first_token_ms: 30_000, after_chunks: 3 } as const;
    book.inject("f1", { kind: "request-fault", ...base, class: "server-error", times: 2 }, 0);
    book.inject("f2", { kind: "request-fault", ...base, class: "unavailable" }, 0);
    const classes = [1, 2, 3].map(() => book.takeRequestFault("p", "eu-west", "m")?.class);
    expect(classes).toEqual(["server-error", "server-error", "unavailable"]);
    expect(book.takeRequestFault("p", "us-east", "m")).toBeUndefined();
  });

  it("adds up latency faults on a path either way round, and shows the worst status a page has acknowledged", () => {
    const book = new FaultBook();
    book.inject("f1", { kind: "latency", at_s: 0, from: "a", to: "b", added_ms: 100 }, 0);
    book.inject("f2", { kind: "latency", at_s: 0, from: "b", to: "a", added_ms: 50 }, 0);
    expect(book.addedLatencyMs("a", "b", 0)).toBe(150);
    expect(book.addedLatencyMs("a", "c", 0)).toBe(0);
    book.inject("f3", { kind: "error-rate", at_s: 0, region: "a", provider: "p", rate: 0.5, status: 500 }, 0);
    book.inject("f4", { kind: "model-outage", at_s: 0, region: "a", provider: "p", model: "m" }, 1_000);
    expect(book.statusPage("p", "a", 500, 0)).toBe("degraded_performance");
    expect(book.statusPage("p", "a", 1_500, 0)).toBe("partial_outage");
    // A page a second late has acknowledged the error rate, not yet the model outage.
    expect(book.statusPage("p", "a", 1_500, 1_000)).toBe("degraded_performance");
    expect(book.statusPage("p", "a", 500, 1_000)).toBe("operational");
  });
});
