import { describe, expect, it } from "vitest";
import { formatDuration, formatFigure, formatVirtualSeconds, formatVirtualTime, plural } from "../../renderer/format";

describe("app text formatters", () => {
  it("writes a wait to the second below a minute, to the minute above, and never as 0 s", () => {
    expect([0, 400, 8_400, 59_400, 61_000, 200_000].map(formatDuration)).toEqual(["1 s", "1 s", "8 s", "59 s", "1 min", "3 min"]);
  });

  it("writes figures as the command line's sweep summary does: four significant digits, integers whole", () => {
    expect([0, 12_345, 0.123456, 179.94].map(formatFigure)).toEqual(["0", "12345", "0.1235", "179.9"]);
  });

  it("writes one of a thing in the singular, any other count in the plural", () => {
    expect(plural(1, "entry", "entries")).toBe("1 entry");
    expect(plural(0, "entry", "entries")).toBe("0 entries");
    expect(plural(2, "gap")).toBe("2 gaps");
    expect(plural(12_345, "call")).toBe("12,345 calls");
  });

  it("writes the clock as mm:ss.mmm below an hour", () => {
    expect([0, 1, 59_999, 61_250, 3_599_999].map(formatVirtualTime)).toEqual(["00:00.000", "00:00.001", "00:59.999", "01:01.250", "59:59.999"]);
  });

  it("adds hours from an hour up, so a 10-hour drill does not read 600:00.000", () => {
    expect([3_600_000, 36_000_000, 36_061_005].map(formatVirtualTime)).toEqual(["1:00:00.000", "10:00:00.000", "10:01:01.005"]);
  });

  it("writes a time axis's ticks as the clock without its milliseconds", () => {
    expect([0, 59_999, 90_000, 3_600_000, 36_061_005].map((ms) => formatVirtualSeconds(ms))).toEqual(["00:00", "00:59", "01:30", "1:00:00", "10:01:01"]);
  });
});
