import { describe, expect, it } from "vitest";
import { formatAmount, formatClock, formatLatency, formatLatencyTicks, formatPercent, formatSeconds, orDash } from "../../../renderer/charts/format";

describe("chart formatters", () => {
  it("writes latency in ms below a second and in seconds from a second up", () => {
    expect([0.4, 999.4, 1000, 12_345].map(formatLatency)).toEqual(["0 ms", "999 ms", "1.0 s", "12.3 s"]);
  });

  it("writes a latency axis in one unit, seconds once its largest tick reaches a second", () => {
    expect(formatLatencyTicks([0, 250, 500, 750])).toEqual(["0 ms", "250 ms", "500 ms", "750 ms"]);
    expect(formatLatencyTicks([0, 500, 1000, 1500])).toEqual(["0.0 s", "0.5 s", "1.0 s", "1.5 s"]);
  });

  it("writes virtual time as m:ss for the app and in seconds for the report", () => {
    expect([0, 59.6, 61, 3600].map(formatClock)).toEqual(["0:00", "1:00", "1:01", "60:00"]);
    expect(formatSeconds(90)).toBe("90 s");
  });

  it("keeps one decimal of a share below 10 %, and of an amount", () => {
    expect([0.004, 0.0995, 0.5, 1].map(formatPercent)).toEqual(["0.4%", "10%", "50%", "100%"]);
    expect([12, 2.54, 0.06].map(formatAmount)).toEqual(["12", "2.5", "0.1"]);
  });

  it("shows a dash in a legend where the series has no value", () => {
    const legend = orDash(formatLatency);
    expect([legend(null, null), legend(null, undefined), legend(null, 1500)]).toEqual(["–", "–", "1.5 s"]);
  });
});
