import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("flapping-only-provider.yaml", (report) => {
  // The only provider's circuit trips, yet the gateway is only degraded and the director withdraws nothing.
  const circuit = report.transitions.filter((t) => t.machine === "circuit" && t.subject === "eu-west→openai-sim@eu-west/gpt-4o");
  expect(circuit.filter((t) => t.to === "open").length).toBeGreaterThanOrEqual(2);
  const gateway = report.transitions.filter((t) => t.machine === "gateway" && t.subject === "eu-west");
  expect(gateway.map((t) => t.to)).toContain("degraded");
  expect(gateway.map((t) => t.to)).not.toContain("failed");
  expect(report.metrics.director_failovers).toBe(0);
  expect(report.questions.inflight.failovers).toEqual([]);
});
