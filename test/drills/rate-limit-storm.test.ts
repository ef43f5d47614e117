import { expect } from "vitest";
import { drillSuite } from "./drillSuite";

drillSuite("rate-limit-storm.yaml", (report) => {
  const [storm] = report.questions.detection.faults;
  // The health probes pass throughout: only the circuit, fed by the requests themselves, can notice.
  expect(storm!.detected_by).toMatchObject({ machine: "circuit", subject: "eu-west→openai-sim@eu-west/gpt-4o", to: "open" });
  expect(storm!.detection_s).toBeLessThan(5);
  // Open, the circuit spares the provider: a trickle of trials over three minutes, not every request twice.
  expect(storm!.requests_touched).toBeLessThan(30);
  expect(storm!.requests_failed).toBe(0);
  expect(report.transitions.filter((t) => t.machine === "target-health" && t.subject.endsWith("openai-sim@eu-west/gpt-4o") && t.to === "unhealthy")).toHaveLength(0);
});
