import { describe, expect, it } from "vitest";
import { menuTitle } from "../../renderer/topology/menuTitle";

describe("the fault menu's title", () => {
  it("names a link between two regions by both ends", () => {
    expect(menuTitle({ kind: "link", from: "eu-west", to: "eu-central" })).toBe("Link eu-west ↔ eu-central");
  });

  it("names a region's link to itself as within the region, not eu-central ↔ eu-central", () => {
    expect(menuTitle({ kind: "link", from: "eu-central", to: "eu-central" })).toBe("Link within eu-central");
  });
});
