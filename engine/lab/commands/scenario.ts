/** Commands about the scenario itself: the library, loading, starting over, saving with the user's faults. */
import { isMap, isSeq, parseDocument } from "yaml";
import { parseScenario } from "../../scenario/load";
import type { Fault } from "../../scenario/schema";
import { listScenarios, openScenario } from "../scenarioLibrary";
import type { Handlers } from "./handler";

export const scenarioCommands = {
  getSnapshot: { readOnly: true, run: (lab) => lab.snapshot() },
  listScenarios: { readOnly: true, run: (lab) => ({ scenarios: listScenarios(lab.options.scenarios) }) },
  loadScenario: {
    readOnly: false,
    run: async (lab, input) => {
      const opened = openScenario(lab.options.scenarios, input);
      // An invalid file changes nothing: the current run stays as it was.
      if (!opened.ok) return opened;
      await lab.replaceRun(lab.newRun(opened.scenario, opened.text, opened.fileName));
      return { ok: true };
    },
  },
  reset: {
    readOnly: false,
    run: async (lab) => {
      const { scenario, text, fileName } = lab.requireRun();
      await lab.replaceRun(lab.newRun(scenario, text, fileName));
    },
  },
  /**
   * The loaded file with the user's faults appended to its timeline, comments and layout kept. The text is
   * validated before it is returned, so a saved file always loads again.
   */
  saveScenario: {
    readOnly: true,
    run: (lab) => {
      const run = lab.requireRun();
      const doc = parseDocument(run.text);
      if (!isMap(doc.contents)) throw new Error("the loaded scenario is not a YAML mapping");
      if (!isSeq(doc.get("faults"))) doc.set("faults", doc.createNode([]));
      const faults = doc.get("faults");
      for (const { fault } of run.userFaults) if (isSeq(faults)) faults.add(doc.createNode(roundTiming(fault), { flow: true }));
      const text = doc.toString({ lineWidth: 0 });
      const fileName = run.fileName.replace(/(-edited)?\.ya?ml$/, "") + "-edited.yaml";
      const check = parseScenario(text, fileName);
      if (!check.ok) throw new Error(`the edited scenario would not load: ${check.problems[0]!.message}`);
      return { fileName, text };
    },
  },
} satisfies Handlers<"getSnapshot" | "listScenarios" | "loadScenario" | "reset" | "saveScenario">;

/** Timing in the saved file for faults the user injected, to the millisecond. */
function roundTiming(fault: Fault): Fault {
  const round = (s: number) => Math.round(s * 1000) / 1000;
  return { ...fault, at_s: round(fault.at_s), ...(fault.heal_s === undefined ? {} : { heal_s: round(fault.heal_s) }) } as Fault;
}
