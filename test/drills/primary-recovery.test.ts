import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("primary-recovery.yaml", (report) => {
  const faults = report.questions.detection.faults;
  // docs/RECOVERY.md: a recovered primary serves again within 35 s at the defaults. The short outage is ended by
  // the first ejection (30 s from the trip); the later ones by the probes passing again (3 × 10 s), which end
  // ejections of 60 s and 90 s early.
  expect(faults).toHaveLength(3);
  for (const f of faults) {
    expect(f.return_s).toBeGreaterThan(0);
    expect(f.return_s).toBeLessThanOrEqual(35);
  }
  const circuit = report.transitions.filter((t) => t.machine === "circuit" && t.subject === "eu-west→openai-sim@eu-west/gpt-4o");
  expect(circuit.map((t) => t.to)).toEqual(expect.arrayContaining(["open", "halfOpen", "closed"]));
  expect(circuit.some((t) => t.cause.startsWith("ejection ended early: 3 consecutive probes passed"))).toBe(true);
  expect(report.metrics.return_s).toBe(Math.max(...faults.map((f) => f.return_s!)));
});
