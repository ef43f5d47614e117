import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("flapping-provider.yaml", (report) => {
  // Envoy-style ejection grows with each ejection (30 s, 60 s, …): the circuit is not reopened to every flap.
  const circuit = report.transitions.filter((t) => t.machine === "circuit" && t.subject === "eu-west→openai-sim@eu-west/gpt-4o");
  const ejections = circuit.filter((t) => t.to === "open").length;
  expect(ejections).toBeGreaterThanOrEqual(2);
  expect(ejections).toBeLessThan(report.questions.detection.faults.length * 2);
  expect(circuit.filter((t) => t.to === "halfOpen").map((t) => t.cause)).toContain("ejection of 60 s elapsed");
});
