import { describe, expect, it } from "vitest";
import { freeOrigins, residencyRows, withOrigin } from "../../renderer/editor/residency";

describe("residency rules as rows", () => {
  it("reads a row per origin, in the file's order, and none from what is not a map", () => {
    expect(residencyRows({ EU: ["EU"], US: ["US", "EU"], UK: "EU" })).toEqual([
      { origin: "EU", allowed: ["EU"] },
      { origin: "US", allowed: ["US", "EU"] },
      { origin: "UK", allowed: [] },
    ]);
    expect(residencyRows(undefined)).toEqual([]);
    expect(residencyRows(["EU"])).toEqual([]);
  });

  it("offers a new row the origins no row has", () => {
    expect(freeOrigins({ EU: ["EU"], US: ["US"] }, ["EU", "US", "UK"])).toEqual(["UK"]);
    expect(freeOrigins(undefined, ["EU", "US"])).toEqual(["EU", "US"]);
  });

  it("changes a row's origin in its place, keeping what it allows", () => {
    const changed = withOrigin({ EU: ["EU"], US: ["US", "EU"], CH: ["CH"] }, "US", "UK");
    expect(Object.entries(changed)).toEqual([
      ["EU", ["EU"]],
      ["UK", ["US", "EU"]],
      ["CH", ["CH"]],
    ]);
  });
});
