import { describe, expect, it } from "vitest";
import { formatStatusCodes, parseStatusCodes } from "../../renderer/editor/statusCodes";

describe("a status code list", () => {
  it("reads statuses as numbers and classes in lower case", () => {
    expect(parseStatusCodes(" 5XX, 404 ,408,, 4xx ")).toEqual(["5xx", 404, 408, "4xx"]);
  });

  it("keeps what is neither as typed, for the engine to name", () => {
    expect(parseStatusCodes("429, teapot, 6xx, 4.5")).toEqual([429, "teapot", "6xx", "4.5"]);
  });

  it("reads none as the empty list", () => {
    expect(parseStatusCodes(" None ")).toEqual([]);
    expect(formatStatusCodes([])).toBe("none");
  });

  it("shows a list as it is read back", () => {
    const list = ["5xx", 404, 408, 409];
    expect(formatStatusCodes(list)).toBe("5xx, 404, 408, 409");
    expect(parseStatusCodes(formatStatusCodes(list))).toEqual(list);
  });

  it("shows an absent list as empty, so the default is the placeholder, and what is not a list as it is", () => {
    expect(formatStatusCodes(undefined)).toBe("");
    expect(formatStatusCodes(429)).toBe("429");
  });
});
