/**
 * The loaded scenario file with the faults the user injected by hand appended to its timeline, comments and
 * layout kept: what "Save scenario" downloads and what an evidence bundle of a hand-faulted run carries, so
 * that re-running the file replays the same faults at the same virtual times.
 */
import { isMap, isSeq, parseDocument } from "yaml";
import { parseScenario } from "../scenario/load";
import type { Fault } from "../scenario/schema";
import type { Run } from "./run";

/** The text is validated before it is returned, so the file always loads again. */
export function scenarioWithUserFaults(run: Pick<Run, "text" | "fileName" | "userFaults">): { fileName: string; text: string } {
  const fileName = run.fileName.replace(/(-edited)?\.ya?ml$/, "") + "-edited.yaml";
  if (run.userFaults.length === 0) return { fileName, text: run.text };
  const doc = parseDocument(run.text);
  if (!isMap(doc.contents)) throw new Error("the loaded scenario is not a YAML mapping");
  if (!isSeq(doc.get("faults"))) doc.set("faults", doc.createNode([]));
  const faults = doc.get("faults");
  for (const { fault } of run.userFaults) if (isSeq(faults)) faults.add(doc.createNode(roundTiming(fault), { flow: true }));
  const text = doc.toString({ lineWidth: 0 });
  const check = parseScenario(text, fileName);
  if (!check.ok) throw new Error(`the edited scenario would not load: ${check.problems[0]!.message}`);
  return { fileName, text };
}

/** Timing in the saved file for faults the user injected, to the millisecond. */
function roundTiming(fault: Fault): Fault {
  const round = (s: number) => Math.round(s * 1000) / 1000;
  return { ...fault, at_s: round(fault.at_s), ...(fault.heal_s === undefined ? {} : { heal_s: round(fault.heal_s) }) } as Fault;
}
